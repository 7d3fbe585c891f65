"""The ziglink linker shim, its maturin build backend, and its commands as Python functions.

`build-backend = "ziglink.maturin"` in a project's pyproject.toml builds it with maturin, linked
and compiled by ziglink (`ziglink.maturin`). The functions:

- `find_ziglink_bin()`: the ziglink executable installed with this package;
- `find_zig()`: the zig it runs;
- `env(target, glibc)`: the variables that set cargo up to use ziglink;
- `cargo_config(target, glibc)`: the same as a `.cargo/config.toml` (or pyproject) snippet;
- `cargo(*args, target=..., glibc=...)`: runs cargo set up for each target;
- `doctor()`: what ziglink would use, and each problem with its fix.
"""

from __future__ import annotations

import importlib.metadata

from ziglink._commands import (
    ZiglinkError,
    ZigNotFound,
    cargo,
    cargo_config,
    doctor,
    env,
    find_zig,
)
from ziglink._find import ZiglinkNotFound, find_ziglink_bin

__all__ = [
    "ZigNotFound",
    "ZiglinkError",
    "ZiglinkNotFound",
    "cargo",
    "cargo_config",
    "doctor",
    "env",
    "find_zig",
    "find_ziglink_bin",
]


def _distribution_version() -> str:
    """The installed distribution's version; a placeholder when there is no metadata (say, when
    the package is imported straight from a source checkout)."""
    try:
        return importlib.metadata.version("ziglink")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _distribution_version()
