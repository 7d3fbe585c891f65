"""`ziglink env`, `ziglink config` and `ziglink doctor` (issue 6), used the way their help says,
for real builds: each test would fail if the printed settings did not make cargo or maturin link
with ziglink (a host link of these fixtures needs glibc 2.34; ziglink's needs at most 2.17)."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import max_glibc

from tests.harness import EXAMPLE, FIXTURES, copy_tree, plain_maturin, run, with_path

pytestmark = pytest.mark.e2e

HELLO_OUTPUT = "threads: 60, caught panic: true, file: round trip"


def test_eval_env_then_plain_cargo_build(installed, sandbox, tmp_path):
    crate = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    # ziglink is not on this PATH: `env` puts its folder there along with cargo's settings.
    script = f'eval "$({installed / "ziglink"} env)" && cargo build --locked'
    run(["sh", "-c", script], env=sandbox.env, cwd=crate)
    binary = crate / "target" / "debug" / "hello-bin"
    assert run([binary], env=sandbox.env).stdout.strip() == HELLO_OUTPUT
    assert max_glibc(binary) <= (2, 17)


def test_config_snippet_sets_linker_and_floor(installed, sandbox, tmp_path):
    crate = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    env = with_path(sandbox.env, installed)
    config = run(["ziglink", "config", "--target", "x86_64-unknown-linux-gnu.2.28"], env=env)
    (crate / ".cargo").mkdir()
    (crate / ".cargo" / "config.toml").write_text(config.stdout)
    # fcntl64 is a glibc 2.28 symbol: it links only if the snippet's floor reaches ziglink.
    target = "x86_64-unknown-linux-gnu"
    run(["cargo", "build", "--locked", "--features", "fcntl64", "--target", target],
        env=env, cwd=crate)  # fmt: skip
    binary = crate / "target" / target / "debug" / "hello-bin"
    assert run([binary], env=env).stdout.splitlines() == ["fcntl64: called", HELLO_OUTPUT]
    assert max_glibc(binary) == (2, 28)


def test_maturin_config_edit_makes_a_plain_maturin_project_build_with_ziglink(
    installed, wheelhouse, sandbox, tmp_path
):
    """A maturin project that has never heard of ziglink: its own [build-system] and
    [tool.maturin], no cargo config. `config --edit` merges into both, keeping the rest."""
    project = plain_maturin(copy_tree(EXAMPLE, tmp_path / "pyo3-hello"), requires=None)
    pyproject = project / "pyproject.toml"
    original = pyproject.read_text()
    original = "# the project's own comment\n" + original.replace(
        'module-name = "pyo3_hello"', 'module-name = "pyo3_hello"  # theirs'
    )
    pyproject.write_text(original)
    edit = [installed / "ziglink", "config", "--format", "maturin", "--edit", pyproject]
    run(edit, env=sandbox.env)
    edited = pyproject.read_text()
    assert 'requires = ["maturin>=1.5,<2", "ziglink"]' in edited, edited
    for line in original.splitlines():
        if "requires" not in line:
            assert line in edited.splitlines(), line
    run(edit, env=sandbox.env)  # merging again changes nothing
    assert pyproject.read_text() == edited
    # The printed form declares no table such a file already has.
    printed = run([installed / "ziglink", "config", "--format", "maturin"], env=sandbox.env)
    assert "[build-system]" not in printed.stdout.replace("in [build-system]", "")

    out = tmp_path / "dist"
    run(["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", "build-args=--compatibility manylinux2014", "-o", out, project],
        env=sandbox.env)  # fmt: skip
    (wheel,) = out.glob("*.whl")
    assert "manylinux2014_x86_64" in wheel.name
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".so")]
        so = tmp_path / "ext.so"
        so.write_bytes(zf.read(name))
    assert max_glibc(so) <= (2, 17)


def test_doctor_in_a_real_install(installed, sandbox):
    env = with_path(sandbox.env, installed)
    text = run(["ziglink", "doctor"], env=env).stdout
    assert "zig 0.17.1 at " in text and "(found by the ziglang package beside ziglink)" in text
    assert "no problems found" in text
    report = json.loads(run(["ziglink", "doctor", "--json"], env=env).stdout)
    assert report["ok"] is True
    zig = Path(report["zig"]["path"])
    assert zig.is_file() and zig.parent.name == "ziglang"
    assert zig.is_relative_to(installed.parent)
    host = next(t for t in report["targets"] if t["rust"] == "x86_64-unknown-linux-gnu")
    assert host["ready"] is True

    # An unwritable cache that ziglink cannot route around is an error, with the fix.
    broken = {**env, "ZIG_GLOBAL_CACHE_DIR": "/proc/ziglink-cache"}
    proc = run(["ziglink", "doctor"], env=broken, check=False)
    assert proc.returncode == 1, proc.stdout
    assert "error: zig's cache folder /proc/ziglink-cache is not writable" in proc.stdout
    assert "fix: set ZIG_GLOBAL_CACHE_DIR to a writable folder" in proc.stdout


@pytest.mark.parametrize("runner", ["uvx", "pipx"])
def test_tool_runners(runner, wheelhouse, sandbox, tmp_path):
    """`uvx ziglink ...` and `pipx run ziglink ...`: ziglink runs from the runner's throwaway
    environment and finds the ziglang installed there."""
    env = {**sandbox.env, "PIPX_HOME": str(tmp_path / "pipx"), "UV_TOOL_DIR": str(tmp_path / "uvt")}
    if runner == "uvx":
        base = ["uvx", "--no-index", "--find-links", str(wheelhouse), "ziglink"]
    else:
        if shutil.which("pipx", path=env["PATH"]) is None:
            pytest.fail("pipx is not installed (the e2e nox session installs it)")
        # pip, pipx's classic backend: its venvs are the ones users of pipx have had for years.
        # pipx also upgrades its own pip with these arguments, so the index stays reachable and
        # the spec names this checkout's wheel file.
        (wheel,) = Path(wheelhouse).glob("ziglink-*.whl")
        pip_args = f"--find-links {wheelhouse}"
        base = ["pipx", "run", "--backend", "pip", "--pip-args", pip_args,
                "--spec", str(wheel.resolve()), "ziglink"]  # fmt: skip
    report = json.loads(run([*base, "doctor", "--json"], env=env).stdout)
    assert report["zig"]["found_by"] == "the ziglang package beside ziglink"
    assert report["zig"]["version"] == "0.17.1"
    runner_env = Path(report["ziglink"]["path"]).parent.parent
    assert Path(report["zig"]["path"]).is_relative_to(runner_env)
    assert run([*base, "--version"], env=env).stdout.startswith("ziglink ")
    config = run([*base, "config", "--target", "aarch64-unknown-linux-gnu"], env=env).stdout
    assert '[target.aarch64-unknown-linux-gnu]\nlinker = "ziglink"' in config


def test_c_code_that_bypassed_ziglink_is_named_by_the_link_and_by_doctor(
    installed, cargo_env, tmp_path
):
    """With only the linker set, cc-rs compiles C and C++ with the host's gcc and g++. The C++
    then needs libstdc++, and zig's libc++ lacks `std::__throw_length_error`: the failed link
    names the archive GCC compiled. `ziglink doctor` in the project finds it too (it would
    also for a link that worked, which rustc shows nothing of)."""
    crate = copy_tree(FIXTURES / "hello-c", tmp_path / "hello-c")
    failed = run(["cargo", "build", "--locked"], env=cargo_env, cwd=crate, check=False)
    assert failed.returncode != 0
    line = next(x for x in failed.stderr.splitlines() if "ziglink: error:" in x)
    assert re.search(
        r"`\S+/out/lib\w+\.a` \(from -l\w+\) was compiled by GCC \(`GCC: \(Debian", line
    ), line
    assert "`ziglink cargo`" in line, line
    doctor = run([installed / "ziglink", "doctor"], env=cargo_env, cwd=crate / "src")
    line = next(x for x in doctor.stdout.splitlines() if "compiled by GCC" in x)
    assert "(from the build script of hello-c) was compiled by GCC (`GCC: (Debian" in line, line
    assert "ziglink config --edit" in doctor.stdout

    # Built again through ziglink's C tools, nothing is left to report.
    run(["cargo", "clean"], env=cargo_env, cwd=crate)
    run([installed / "ziglink", "cargo", "build", "--locked"], env=cargo_env, cwd=crate)
    doctor = run([installed / "ziglink", "doctor"], env=cargo_env, cwd=crate)
    assert "compiled by GCC" not in doctor.stdout, doctor.stdout
