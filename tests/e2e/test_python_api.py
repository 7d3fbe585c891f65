"""The Python side of the wheel, installed for real: `find_ziglink_bin()` and `python -m ziglink`
in each layout pip installs to, and the API's functions driving real builds. pip's PEP 517 build environments install build requirements with
`--prefix <overlay>`, so the prefix case is also the build-environment case."""

from __future__ import annotations

import json
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import max_glibc

from tests.harness import FIXTURES, copy_tree, run, venv_with

pytestmark = pytest.mark.e2e

PROBE = "import ziglink, sys; print(ziglink.find_ziglink_bin()); sys.stdout.flush()"
PURELIB = Path(sysconfig.get_path("purelib", vars={"base": ""}).lstrip("/"))


def pip_install(env: dict[str, str], wheelhouse: Path, *where: str, python=sys.executable) -> None:
    source = ["--no-index", "--find-links", str(wheelhouse), "--no-deps", "--quiet"]
    run([python, "-m", "pip", "install", *source, *where, "ziglink"], env=env)


def check(python: str | Path, env: dict[str, str], expected_bin: Path) -> None:
    found = run([python, "-c", PROBE], env=env).stdout.strip()
    assert Path(found) == expected_bin, found
    out = run([python, "-m", "ziglink", "--version"], env=env).stdout.strip()
    assert out.startswith("ziglink "), out


def test_venv(wheelhouse, sandbox, tmp_path):
    venv = tmp_path / "venv"
    venv_with(venv, sandbox.env, "ziglink", wheelhouse=wheelhouse, no_deps=True)
    check(venv / "bin" / "python", sandbox.env, venv / "bin" / "ziglink")


def test_prefix_install(wheelhouse, sandbox, tmp_path):
    prefix = tmp_path / "prefix"
    pip_install(sandbox.env, wheelhouse, "--prefix", str(prefix))
    env = {**sandbox.env, "PYTHONPATH": str(prefix / PURELIB)}
    check(sys.executable, env, prefix / "bin" / "ziglink")


def test_target_install(wheelhouse, sandbox, tmp_path):
    target = tmp_path / "target"
    pip_install(sandbox.env, wheelhouse, "--target", str(target))
    check(sys.executable, {**sandbox.env, "PYTHONPATH": str(target)}, target / "bin" / "ziglink")


def test_user_install(wheelhouse, sandbox):
    # --user installs are refused inside a venv (nox runs this in one): use the base interpreter,
    # with the user scheme moved into the sandbox so nothing reaches the real home.
    python = getattr(sys, "_base_executable", sys.executable)
    user_base = sandbox.home / ".local"
    env = {**sandbox.env, "PYTHONUSERBASE": str(user_base)}
    pip_install(env, wheelhouse, "--user", "--break-system-packages", python=python)
    check(python, env, user_base / "bin" / "ziglink")


API_SCRIPT = """
import json, os, subprocess, sys
import ziglink

crate, mode = sys.argv[1], sys.argv[2]
if mode == "env":
    # What a noxfile does: merge ziglink.env() into cargo's environment.
    subprocess.run(["cargo", "build", "--locked"], cwd=crate, check=True,
                   env={**os.environ, **ziglink.env()})
else:
    ziglink.cargo("build", "--locked", "--features", "fcntl64",
                  target="x86_64-unknown-linux-gnu", glibc="2.28", cwd=crate)
print(json.dumps({"zig": ziglink.find_zig(), "bin": ziglink.find_ziglink_bin()}))
"""


@pytest.mark.parametrize("mode", ["env", "cargo"])
def test_api_drives_real_builds(mode, installed, sandbox, tmp_path):
    """find_zig(), env() and cargo() from the installed package, for real builds. ziglink is not
    on PATH: the API finds the executable installed with the package."""
    crate = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    out = run([installed / "python", "-c", API_SCRIPT, crate, mode], env=sandbox.env)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(found["bin"]) == installed / "ziglink"
    zig = Path(found["zig"])
    assert zig.is_file() and zig.parent.name == "ziglang"
    assert zig.is_relative_to(installed.parent)
    if mode == "env":
        assert max_glibc(crate / "target" / "debug" / "hello-bin") <= (2, 17)
    else:
        binary = crate / "target" / "x86_64-unknown-linux-gnu" / "debug" / "hello-bin"
        assert max_glibc(binary) == (2, 28)
