"""Builds the folder that end-to-end builds resolve their build requirements from.

    python tests/e2e/wheelhouse.py <folder> [--stress-extras]

It holds the ziglink wheel built from this checkout plus the maturin and ziglang wheels, so a
build can run with `--no-index --find-links <folder>` and can only ever get *this* ziglink.
The ziglink in the wheel is linked by ziglink itself (a first build with the host linker links
the second), which makes the wheel manylinux2014, installable where the builds it serves run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The versions the e2e suite runs against; pyproject.toml allows the same ziglang range.
MATURIN = "maturin==1.16.0"
ZIGLANG = "ziglang==0.17.1"
# Only for the stress harness: a second zig, and the incumbent it compares ziglink with.
STRESS_EXTRAS = ["ziglang==0.17.0", "cargo-zigbuild==0.24.1"]


def _run(cmd: list[str | Path], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], env=env, check=True)


def build_wheelhouse(house: Path, stress_extras: bool = False) -> Path:
    house.mkdir(parents=True, exist_ok=True)
    for old in house.glob("ziglink-*.whl"):
        old.unlink()
    manifest = ["--manifest-path", ROOT / "Cargo.toml"]
    with tempfile.TemporaryDirectory(prefix="ziglink-bootstrap-") as tmp:
        # A throwaway environment like the ones ziglink serves: maturin and ziglang installed,
        # and the bootstrap ziglink in its scripts folder, where it finds ziglang by itself.
        venv = Path(tmp) / "venv"
        _run(["uv", "venv", "--quiet", "--python", sys.executable, venv])
        _run(
            [
                "uv",
                "pip",
                "install",
                "--quiet",
                "--python",
                venv / "bin" / "python",
                MATURIN,
                ZIGLANG,
            ]
        )
        bootstrap_dir = ROOT / "target" / "bootstrap"
        env = {**os.environ, "CARGO_TARGET_DIR": str(bootstrap_dir)}
        _run(["cargo", "build", "--release", "--locked", *manifest], env=env)
        shutil.copy2(bootstrap_dir / "release" / "ziglink", venv / "bin" / "ziglink")

        env = {
            **os.environ,
            "CARGO_TARGET_DIR": str(ROOT / "target" / "dogfood"),
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": str(venv / "bin" / "ziglink"),
        }
        maturin = [venv / "bin" / "maturin", "build", "--release", "--locked", *manifest]
        _run([*maturin, "--compatibility", "manylinux2014", "-o", house], env=env)
    # One requirement per call: pip refuses two versions of one package in a single call.
    wanted = [MATURIN, ZIGLANG, *(STRESS_EXTRAS if stress_extras else [])]
    for requirement in wanted:
        _run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--only-binary=:all:", "--no-deps", "-d", house, requirement]
        )  # fmt: skip
    return house


if __name__ == "__main__":
    build_wheelhouse(Path(sys.argv[1]), stress_extras="--stress-extras" in sys.argv[2:])
