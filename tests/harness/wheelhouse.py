"""Builds the folder that end-to-end builds resolve their build requirements from.

    python -m tests.harness.wheelhouse <folder> [--stress-extras]

It holds the ziglink wheel built from this checkout plus the maturin and ziglang wheels, so a
build can run with `--no-index --find-links <folder>` and can only ever get *this* ziglink.
The ziglink in the wheel is linked by ziglink itself (a first build with the host linker links
the second), which makes the wheel manylinux2014, installable where the builds it serves run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from .process import run
from .sources import ROOT

# The versions the e2e suite runs against; pyproject.toml allows the same ziglang range.
MATURIN = "maturin==1.16.0"
ZIGLANG = "ziglang==0.17.1"
# Only for the stress harness: a second zig, and the incumbent it compares ziglink with.
STRESS_EXTRAS = ["ziglang==0.17.0", "cargo-zigbuild==0.24.1"]


def build_wheelhouse(house: Path, stress_extras: bool = False) -> Path:
    """Fills `house`. Each step shows its output as it goes (uncaptured): a first build takes
    minutes."""
    house.mkdir(parents=True, exist_ok=True)
    for old in house.glob("ziglink-*.whl"):
        old.unlink()
    manifest = ["--manifest-path", ROOT / "Cargo.toml"]
    with tempfile.TemporaryDirectory(prefix="ziglink-bootstrap-") as tmp:
        venv = bootstrap(Path(tmp) / "venv")
        env = {
            **os.environ,
            "CARGO_TARGET_DIR": str(ROOT / "target" / "dogfood"),
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": str(venv / "bin" / "ziglink"),
        }
        maturin = [venv / "bin" / "maturin", "build", "--release", "--locked", *manifest]
        run([*maturin, "--compatibility", "manylinux2014", "-o", house], env=env, capture=False)
    # One requirement per call: pip refuses two versions of one package in a single call.
    wanted = [MATURIN, ZIGLANG, *(STRESS_EXTRAS if stress_extras else [])]
    for requirement in wanted:
        run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--only-binary=:all:", "--no-deps", "-d", house, requirement],
            env=os.environ, capture=False,
        )  # fmt: skip
    return house


def bootstrap(venv: Path) -> Path:
    """A throwaway environment like the ones ziglink serves: maturin and ziglang installed, and a
    ziglink built by the host's linker in its scripts folder, where it finds ziglang by itself.
    It links the ziglink that is shipped. Returns `venv`."""
    run(["uv", "venv", "--quiet", "--python", sys.executable, venv], env=os.environ, capture=False)
    python = venv / "bin" / "python"
    run(
        ["uv", "pip", "install", "--quiet", "--python", python, MATURIN, ZIGLANG],
        env=os.environ,
        capture=False,
    )
    bootstrap_dir = ROOT / "target" / "bootstrap"
    env = {**os.environ, "CARGO_TARGET_DIR": str(bootstrap_dir)}
    manifest = ["--manifest-path", ROOT / "Cargo.toml"]
    run(["cargo", "build", "--release", "--locked", *manifest], env=env, capture=False)
    for program in (bootstrap_dir / "release").iterdir():
        if (
            program.is_file()
            and os.access(program, os.X_OK)
            and program.name.startswith(("ziglink", "x86_64-w64", "i686-w64"))
        ):
            shutil.copy2(program, venv / "bin" / program.name)
    return venv


if __name__ == "__main__":
    build_wheelhouse(Path(sys.argv[1]), stress_extras="--stress-extras" in sys.argv[2:])
