"""The ziglink linker shim, and how to find its executable from Python."""

from __future__ import annotations

import importlib.metadata

from ziglink._find import ZiglinkNotFound, find_ziglink_bin

__all__ = ["ZiglinkNotFound", "find_ziglink_bin"]


def _distribution_version() -> str:
    """The installed distribution's version; a placeholder when there is no metadata (say, when
    the package is imported straight from a source checkout)."""
    try:
        return importlib.metadata.version("ziglink")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _distribution_version()
