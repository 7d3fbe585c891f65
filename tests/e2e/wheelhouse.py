"""Builds the folder that end-to-end builds resolve their build requirements from.

It holds the ziglink wheel built from this checkout plus the maturin and ziglang wheels, so a
build can run with `--no-index --find-links <wheelhouse>` and can only ever get *this* ziglink.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
# The versions the e2e suite is run against; pyproject.toml allows the same ziglang range.
MATURIN = "maturin==1.16.0"
ZIGLANG = "ziglang==0.17.1"


def build_wheelhouse(house: Path, run: Callable[..., object]) -> Path:
    house.mkdir(parents=True, exist_ok=True)
    for old in house.glob("ziglink-*.whl"):
        old.unlink()
    run(
        "maturin",
        "build",
        "--release",
        "--manifest-path",
        str(ROOT / "Cargo.toml"),
        "-o",
        str(house),
    )
    run(
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--only-binary=:all:", "--no-deps", "-d", str(house), MATURIN, ZIGLANG,
    )  # fmt: skip
    return house
