"""auditwheel's manylinux policy at link time: a wheel whose extension loads a library the policy
does not allow, or asks an allowed one for a version above it, gets a warning at the link that
made it, naming the library and the version; ZIGLINK_POLICY=strict fails the build instead. The
verdicts are compared with `auditwheel show` on the same wheels, and ziglink's table of the
policies with the installed auditwheel's own."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest

from tests.harness import EXAMPLE, FIXTURES, ROOT, copy_tree, run
from tests.harness.manylinux_policy import table

pytestmark = pytest.mark.e2e

POLICY = "manylinux_2_17_x86_64"
LIBRARY_WARNING = re.compile(r"ziglink: warning: `[^`]+` loads (.*) from the system, which ")
VERSION_WARNING = re.compile(r"ziglink: warning: `[^`]+` asks for (.*), which ")


def wheel_of(project: Path, out: Path, wheelhouse: Path, env: dict[str, str], *args: str):
    """The project built by its ziglink.maturin backend with `args` as maturin's build
    arguments: the wheel (or None) and the build's stderr."""
    setting = f"build-args={' '.join(args)}"
    cmd = ["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse]
    proc = run([*cmd, "--config-setting", setting, "-o", out, project], env=env, check=False)
    wheels = list(out.glob("*.whl"))
    return (wheels[0] if wheels else None), proc.stderr


def ziglink_verdict(log: str) -> tuple[set[str], set[str]]:
    """The libraries and the versions ziglink's warnings name."""
    libraries, versions = set(), set()
    for line in log.splitlines():
        if found := LIBRARY_WARNING.search(line):
            libraries |= set(re.findall(r"`([^`]+)`", found.group(1)))
        if found := VERSION_WARNING.search(line):
            versions |= set(re.findall(r"`([A-Z]+_[^`]+)` from", found.group(1)))
    return libraries, versions


def auditwheel_verdict(wheel: Path, env: dict[str, str]) -> tuple[set[str], set[str] | None]:
    """What `auditwheel show` says keeps the wheel from manylinux_2_17: the libraries to
    eliminate, and the symbol versions beyond the policy. auditwheel names no version, only the
    symbol policy it settles on, so they are read off its list of versioned symbols with its own
    data. That list mixes in what the libraries to eliminate ask of glibc, so with such
    libraries there are no versions to compare (None)."""
    shown = json.loads(run(["auditwheel", "show", "--json", wheel], env=env).stdout)
    libraries = set(shown["policy_upgrades"].get(POLICY, {}).get("libs_to_eliminate", []))
    if libraries:
        return libraries, None
    policy = next(p for p in table()["policies"] if p["name"] == "manylinux_2_17")
    allowed = policy["versions"]["x86_64"]
    versions = set()
    for names in shown["versioned_symbols"].values():
        for name in names:
            prefix, _, version = name.partition("_")
            if prefix in allowed and version not in allowed[prefix]:
                versions.add(name)
    sym_ok = shown["sym_tag"] in {POLICY, "manylinux_2_12_x86_64", "manylinux_2_5_x86_64"}
    assert sym_ok == (not versions), (shown["sym_tag"], versions)
    return libraries, versions


def test_the_policy_table_is_auditwheels():
    committed = json.loads((ROOT / "src" / "target" / "manylinux" / "policies.json").read_text())
    assert committed == table(), "run `nox -s manylinux-policy` to take auditwheel's data"


@pytest.mark.parametrize(
    ("project", "features", "libraries", "versions"),
    [
        (EXAMPLE, None, set(), set()),
        (FIXTURES / "hello-hostlibs", "ssl", {"libssl.so.3", "libcrypto.so.3"}, set()),
        (FIXTURES / "hello-hostlibs", "zlib", set(), {"ZLIB_1.2.9"}),
    ],
    ids=["example", "libssl", "libz"],
)
def test_warnings_name_what_auditwheel_names(
    project, features, libraries, versions, wheelhouse, sandbox, tmp_path
):
    """Built with `--compatibility linux`, so that maturin neither checks nor repairs the wheel:
    ziglink's warnings and auditwheel's verdict on the very wheel must agree."""
    src = copy_tree(project, tmp_path / project.name)
    args = ["--compatibility", "linux", *(["--features", features] if features else [])]
    wheel, log = wheel_of(src, tmp_path / "out", wheelhouse, sandbox.env, *args)
    assert wheel is not None, log[-3000:]
    ours = ziglink_verdict(log)
    assert ours == (libraries, versions), log[-3000:]
    theirs_libraries, theirs_versions = auditwheel_verdict(wheel, sandbox.env)
    assert theirs_libraries == ours[0]
    assert theirs_versions in (None, ours[1])
    if libraries:
        line = next(line for line in log.splitlines() if LIBRARY_WARNING.search(line))
        assert "auditwheel repair" in line and "manylinux2014 (glibc 2.17)" in line, line


def test_an_allowed_version_under_a_newer_floor_is_no_warning(wheelhouse, sandbox, tmp_path):
    """ZLIB_1.2.9 is in manylinux_2_28: built for it, the libz variant warns about nothing, and
    maturin's own check passes it with that tag."""
    src = copy_tree(FIXTURES / "hello-hostlibs", tmp_path / "hello-hostlibs")
    args = ["--compatibility", "manylinux_2_28", "--features", "zlib"]
    wheel, log = wheel_of(src, tmp_path / "out", wheelhouse, sandbox.env, *args)
    assert wheel is not None and "manylinux_2_28_x86_64" in wheel.name, log[-3000:]
    assert "ziglink: warning" not in log
    venv = tmp_path / "venv"
    run(["uv", "venv", "--quiet", venv], env=sandbox.env)
    python = venv / "bin" / "python"
    run(["uv", "pip", "install", "--quiet", "--python", python, wheel], env=sandbox.env)
    check = "import hello_hostlibs as m; print(m.crc32(b'ziglink'))"
    assert int(run([python, "-c", check], env=sandbox.env).stdout) == zlib.crc32(b"ziglink")


def test_strict_mode_fails_the_link_and_names_the_library(wheelhouse, sandbox, tmp_path):
    src = copy_tree(FIXTURES / "hello-hostlibs", tmp_path / "hello-hostlibs")
    env = {**sandbox.env, "ZIGLINK_POLICY": "strict"}
    args = ["--compatibility", "linux", "--features", "ssl"]
    wheel, log = wheel_of(src, tmp_path / "out", wheelhouse, env, *args)
    assert wheel is None
    assert "`libssl.so.3` and `libcrypto.so.3` from the system" in log, log[-3000:]
    assert "(the file was removed); set ZIGLINK_POLICY=warn to only warn" in log
    assert not list((src / "target").rglob("libhello_hostlibs.so"))


def test_ziglink_cargo_shows_the_warning_once_the_build_is_done(cargo_env, tmp_path):
    """cargo shows a linker's output only when the link fails; `ziglink cargo` prints what the
    links warned about after cargo is done, once."""
    crate = copy_tree(FIXTURES / "hello-hostlibs", tmp_path / "hello-hostlibs")
    args = ["ziglink", "cargo", "build", "--locked", "--features", "ssl"]
    built = run(args, env=cargo_env, cwd=crate)
    warnings = [line for line in built.stderr.splitlines() if line.startswith("ziglink: warning:")]
    assert len(warnings) == 1, built.stderr
    assert "loads `libssl.so.3` and `libcrypto.so.3` from the system" in warnings[0]
    assert built.stderr.index("Finished") < built.stderr.index(warnings[0])
