"""Acceptance 1: a PyO3 package that lists ziglink in build-system.requires and names it as
cargo's linker builds a manylinux2014 wheel with uv and with pip, and the wheel works."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from conftest import max_glibc

from tests.harness import EXAMPLE, copy_tree, run

pytestmark = pytest.mark.e2e

BUILD_ARGS = "build-args=--compatibility manylinux2014"


def build(frontend: str, src: Path, out: Path, wheelhouse: Path, env: dict[str, str]) -> Path:
    source = ["--no-index", "--find-links", str(wheelhouse)]
    if frontend == "uv":
        run(
            ["uv", "build", "--wheel", *source, "--config-setting", BUILD_ARGS, "-o", out, src],
            env=env,
        )
    else:
        pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", *source, "-C", BUILD_ARGS]
        run([*pip, "-w", out, src], env=env)
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.mark.parametrize("frontend", ["uv", "pip"])
def test_example_builds_a_working_manylinux2014_wheel(frontend, wheelhouse, sandbox, tmp_path):
    src = copy_tree(EXAMPLE, tmp_path / "pyo3-hello")
    wheel = build(frontend, src, tmp_path / "out", wheelhouse, sandbox.env)

    assert "manylinux_2_17_x86_64" in wheel.name or "manylinux2014_x86_64" in wheel.name, wheel
    show = " ".join(run(["auditwheel", "show", wheel], env=sandbox.env).stdout.split())
    assert 'consistent with the following platform tag: "manylinux_2_17_x86_64"' in show, show

    with zipfile.ZipFile(wheel) as archive:
        (so_name,) = [n for n in archive.namelist() if n.endswith(".so")]
        so = Path(archive.extract(so_name, tmp_path / "unpacked"))
    assert max_glibc(so) <= (2, 17)

    venv = tmp_path / "venv"
    run(["uv", "venv", "--quiet", venv], env=sandbox.env)
    python = venv / "bin" / "python"
    run(["uv", "pip", "install", "--quiet", "--python", python, wheel], env=sandbox.env)
    check = "import pyo3_hello as m; print(m.add(2, 40), m.survives_panic())"
    assert run([python, "-c", check], env=sandbox.env).stdout.split() == ["42", "True"]
