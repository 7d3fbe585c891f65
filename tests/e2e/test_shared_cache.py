"""Issue 8: what ziglink gives cargo is the same in every build environment, so that shared
caches hit (sccache keys a rustc call by its arguments and CARGO_* variables, and cargo
fingerprints build scripts by the variables they read); ziglink-cc tells caches which zig
compiles; and C objects are shared across environments but not across settings ziglink-cc
takes from the environment. The hit rates on a shared Redis are measured by `nox -s cache`."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import install_ziglink

from tests.harness import FIXTURES, copy_tree, free_port, run, with_path

pytestmark = pytest.mark.e2e

TARGETS = ["x86_64-unknown-linux-gnu.2.17", "aarch64-unknown-linux-gnu.2.28"]
# The one value that is a build's own: the file its links append their warnings to, which
# ziglink prints once cargo is done. No compile reads it (sccache keys on CARGO_* variables, and
# no build script asks cargo to rerun for it), so it changes no key and no fingerprint.
PER_BUILD = {"cargo ZIGLINK_REPORT"}

# Stands in for cargo under `ziglink cargo`: records the environment it was started with.
FAKE_CARGO = f"""#!{sys.executable}
import json, os
with open(os.environ["ZIGLINK_TEST_DUMP"], "w") as f:
    json.dump(dict(os.environ), f)
"""


def given_to_cargo(
    bin_dir: Path, base: dict[str, str], work: Path, project: Path
) -> dict[str, str]:
    """Every value ziglink hands cargo, by where it came from: `ziglink env` (bindgen's
    arguments included), `ziglink config`, and the environment `ziglink cargo` starts cargo in,
    run in `project` (whose Cargo.lock lists bindgen, so that it sets bindgen up)."""
    # As in a build environment, ziglink is on PATH: `ziglink cargo` then leaves PATH alone.
    env = with_path(base, bin_dir)
    targets = [arg for t in TARGETS for arg in ("--target", t)]
    values = {}
    exported = run(["ziglink", "env", "--shell", "json", "--bindgen", *targets], env=env).stdout
    values.update({f"env {k}": v for k, v in json.loads(exported).items()})
    values["config"] = run(["ziglink", "config", *targets], env=env).stdout
    fake = work / "fake-cargo"
    fake.write_text(FAKE_CARGO)
    fake.chmod(0o755)
    dump = work / "cargo-env.json"
    cargo_env = {**env, "CARGO": str(fake), "ZIGLINK_TEST_DUMP": str(dump)}
    run(["ziglink", "cargo", "build", *targets], env=cargo_env, cwd=project)
    for name, value in json.loads(dump.read_text()).items():
        if cargo_env.get(name) != value:
            values[f"cargo {name}"] = value
    return values


def test_nothing_ziglink_gives_cargo_differs_between_build_environments(
    wheelhouse, sandbox, tmp_path, tmp_path_factory
):
    venvs = [tmp_path / "build-env-a", tmp_path / "somewhere" / "else" / "build-env-b"]
    project = copy_tree(FIXTURES / "hello-bindgen", tmp_path / "hello-bindgen")
    seen = []
    for venv in venvs:
        bin_dir = install_ziglink(venv, wheelhouse, tmp_path_factory)
        seen.append(given_to_cargo(bin_dir, sandbox.env, venv, project))
    a, b = seen
    assert a.keys() == b.keys()
    assert PER_BUILD <= a.keys() and not any(k.startswith("cargo CARGO_") for k in PER_BUILD)
    differ = {k: (a[k], b[k]) for k in a if a[k] != b[k] and k not in PER_BUILD}
    assert not differ, f"values that change with the build environment: {differ}"
    naming = {k: v for k, v in a.items() if any(str(venv) in v for venv in venvs)}
    assert not naming, f"values naming a build environment: {naming}"
    # The test looks at the values that have to name folders, not only at names.
    bindgen = [k for k in a if "BINDGEN_EXTRA_CLANG_ARGS_aarch64" in k]
    assert len(bindgen) == 2, sorted(a)
    assert "-idirafter /" in a[bindgen[0]] and "-cxx-isystem /" in a[bindgen[0]]
    assert a["cargo CC_aarch64_unknown_linux_gnu"] == "ziglink-cc"


def test_compiles_name_zig_in_the_version_caches_identify_the_compiler_by(
    installed, sandbox, tmp_path
):
    # sccache reads __VERSION__ from `<compiler> -E` on a file of its own, and keys objects by
    # it with the digest of the program it ran (ziglink-cc, the same for every zig).
    probe = tmp_path / "probe.c"
    probe.write_text("compiler_version=__VERSION__\n")
    env = with_path(sandbox.env, installed)
    env["TARGET"] = "aarch64-unknown-linux-gnu"
    out = run(["ziglink-cc", "-E", "-P", probe], env=env).stdout
    zig_version = next(installed.parent.glob("lib/python*/site-packages/ziglang-*.dist-info"))
    version = zig_version.name.removeprefix("ziglang-").removesuffix(".dist-info")
    assert f'"(zig {version})"' in out, out
    assert '"Clang "' in out, out


def test_sccache_serves_c_objects_across_environments_but_not_across_cpus(
    wheelhouse, sandbox, tmp_path, tmp_path_factory
):
    # sccache's local cache runs in direct mode: it keys a C compile by its line, source and
    # headers without preprocessing, so the CPU ziglink-cc takes from rustflags is invisible to
    # it unless `ziglink cargo` names it in SCCACHE_C_CUSTOM_CACHE_BUSTER.
    sccache = shutil.which("sccache")
    if sccache is None:
        pytest.fail("sccache is not installed (the e2e nox session installs it)")
    crate = copy_tree(FIXTURES / "hello-zstd", tmp_path / "hello-zstd")
    envs = [install_ziglink(tmp_path / n, wheelhouse, tmp_path_factory) for n in ("a", "b")]
    server = {
        **sandbox.env,
        "SCCACHE_DIR": str(tmp_path / "sccache"),
        "SCCACHE_SERVER_PORT": str(free_port()),
        "SCCACHE_IDLE_TIMEOUT": "0",
    }
    run([sccache, "--start-server"], env=server)
    try:

        def c_counts(bin_dir: Path, target_dir: str, **extra: str) -> tuple[int, int]:
            env = {**with_path(server, bin_dir), **extra}
            env.update(RUSTC_WRAPPER=sccache, RUSTC="/usr/bin/rustc")
            run([sccache, "--zero-stats"], env=env)
            run(["ziglink", "cargo", "build", "--release", "--target-dir", target_dir,
                 "--target", "aarch64-unknown-linux-gnu.2.17"], env=env, cwd=crate)  # fmt: skip
            stats = json.loads(
                run([sccache, "--show-stats", "--stats-format", "json"], env=env).stdout
            )["stats"]
            return (
                stats["cache_hits"]["counts"].get("C/C++", 0),
                stats["cache_misses"]["counts"].get("C/C++", 0),
            )

        first = c_counts(envs[0], "t1")
        other_env = c_counts(envs[1], "t2")
        other_cpu = c_counts(envs[0], "t3", RUSTFLAGS="-C target-cpu=neoverse-v1")
        # The CPU in cargo's config file reaches build scripts as CARGO_ENCODED_RUSTFLAGS, and
        # so the C objects; the key must see it there too.
        (crate / ".cargo").mkdir()
        (crate / ".cargo" / "config.toml").write_text(
            '[build]\nrustflags = ["-C", "target-cpu=cortex-a76"]\n'
        )
        config_cpu = c_counts(envs[0], "t4")
    finally:
        run([sccache, "--stop-server"], env=server, check=False)
    compiles = sum(first)
    assert compiles >= 20 and first == (0, compiles), first
    assert other_env == (compiles, 0), f"another environment: {other_env}"
    assert other_cpu == (0, compiles), f"another CPU: {other_cpu}"
    assert config_cpu == (0, compiles), f"another CPU in .cargo/config.toml: {config_cpu}"


def test_two_build_environments_share_one_set_of_zig_runtimes(
    wheelhouse, sandbox, tmp_path, tmp_path_factory
):
    """zig keys part of what it builds on its lib folder's path, and each environment installs
    its own ziglang. ziglink gives zig one copy of that folder per zig version, so a second
    environment builds nothing: here musl, whose libc zig compiles from source (about 40 s cold;
    with each environment's own folder the second link added 1,056 entries)."""
    cache = tmp_path / "zig-cache"
    source = tmp_path / "hello.c"
    source.write_text('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
    entries, zigs = [], []
    for name in ("build-env-a", "build-env-b"):
        bin_dir = install_ziglink(tmp_path / name, wheelhouse, tmp_path_factory)
        env = {**with_path(sandbox.env, bin_dir), "ZIG_GLOBAL_CACHE_DIR": str(cache)}
        zigs.append(next((tmp_path / name).glob("lib/python*/site-packages/ziglang/zig")))
        out = tmp_path / f"hello-{name}"
        run(["ziglink-cc", "--target=x86_64-unknown-linux-musl", source, "-o", out], env=env)
        assert run([out], env=env).stdout == "hello\n"
        entries.append(sorted(p.name for p in (cache / "o").iterdir()))
    assert zigs[0] != zigs[1], "each environment has its own zig"
    assert len(entries[0]) > 100, "the cold link built musl"
    assert entries[1] == entries[0], (
        f"the second environment built {len(set(entries[1]) - set(entries[0]))} entries again"
    )
    (copy,) = [p for p in (cache / "ziglink" / "lib").iterdir() if p.is_dir()]
    version = next(zigs[0].parent.parent.glob("ziglang-*.dist-info")).name
    assert version == f"ziglang-{copy.name}.dist-info"
    header = copy / "libc" / "include" / "generic-musl" / "stdio.h"
    assert header.stat().st_mode & 0o777 == 0o444, "the copy is read-only"
    # A copy is never repaired in place: one damaged by hand is what doctor finds, and its fix,
    # pasted, makes the next link copy it again.
    header.unlink()
    doctor = run(["ziglink", "doctor"], env=env, check=False)
    assert doctor.returncode == 1, doctor.stdout
    assert f"lacks or has changed 1 of zig's files ({header.relative_to(copy)}" in doctor.stdout
    fix = re.search(r"fix: remove it \(`([^`]+)`\)", doctor.stdout)
    assert fix, doctor.stdout
    run(["sh", "-c", fix.group(1)], env=env)
    run(["ziglink-cc", "--target=x86_64-unknown-linux-musl", source, "-o", out], env=env)
    assert run([out], env=env).stdout == "hello\n"
    assert header.is_file(), "the next link copied the lib folder again"
    assert sorted(p.name for p in (cache / "o").iterdir()) == entries[0]
    assert "lacks or has changed" not in run(["ziglink", "doctor"], env=env, check=False).stdout
