"""What the macOS tests and the side-by-side comparison read off a Mach-O file, field by field,
with macholib: no Mac runs these files here, so each field that decides whether one would load
is read instead. Not imported by `tests.harness` itself: only what reads Mach-O needs macholib."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from macholib import mach_o
from macholib.MachO import MachO
from macholib.SymbolTable import SymbolTable

ARM64 = 0x0100000C
X86_64 = 0x01000007


@dataclass
class Image:
    cputype: int
    filetype: str  # "execute", "dylib", "bundle"
    minos: tuple[int, int, int]
    dylibs: list[str]
    signed: bool
    exported: set[str]
    undefined: set[str]


def _version(packed: int) -> tuple[int, int, int]:
    return (packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF)


def images(path: Path) -> list[Image]:
    """Every slice of a thin or fat Mach-O file."""
    found = []
    macho = MachO(str(path))
    for header in macho.headers:
        minos = None
        dylibs = []
        signed = False
        for command, body, data in header.commands:
            if command.cmd == mach_o.LC_BUILD_VERSION and body.platform == 1:  # PLATFORM_MACOS
                minos = _version(body.minos)
            elif command.cmd == mach_o.LC_VERSION_MIN_MACOSX:
                minos = _version(body.version)
            elif command.cmd == mach_o.LC_LOAD_DYLIB:
                dylibs.append(data.rstrip(b"\0").decode())
            elif command.cmd == mach_o.LC_CODE_SIGNATURE:
                signed = True
        assert minos is not None, f"{path}: no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX"
        symbols = SymbolTable(macho, header)
        found.append(
            Image(
                cputype=header.header.cputype,
                filetype=header.filetype,
                minos=minos,
                dylibs=dylibs,
                signed=signed,
                exported={name.decode() for _, name in symbols.extdefsyms},
                undefined={name.decode() for _, name in symbols.undefsyms},
            )
        )
    return found


def image(path: Path) -> Image:
    (only,) = images(path)
    return only
