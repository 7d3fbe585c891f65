"""What the macOS tests and the side-by-side comparison read off a Mach-O file, field by field,
with macholib: no Mac runs these files here, so each field that decides whether one would load
is read instead. Not imported by `tests.harness` itself: only what reads Mach-O needs macholib."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def with_rust_objcopy(env: dict[str, str], tools: Path) -> dict[str, str]:
    """`env` with what Debian's rustc needs to strip Mach-O files, which it does itself after the
    link with `rust-objcopy`: rustup ships one, Debian does not. A `rust-objcopy` in `tools`, put
    first on PATH, that runs rustup's, else an llvm-objcopy; with neither, release builds do not
    strip."""
    candidates = []
    sysroot = ["rustc", "--print", "sysroot"]
    rustc = subprocess.run(sysroot, capture_output=True, text=True, check=False)
    if rustc.returncode == 0:
        candidates.append(Path(rustc.stdout.strip()))
    candidates += sorted(Path.home().glob(".rustup/toolchains/*"))
    host_bin = Path("lib") / "rustlib" / "x86_64-unknown-linux-gnu" / "bin" / "rust-objcopy"
    found = next((str(c / host_bin) for c in candidates if (c / host_bin).is_file()), None)
    found = found or shutil.which("llvm-objcopy")
    if found is None:
        return {**env, "CARGO_PROFILE_RELEASE_STRIP": "false"}
    tools.mkdir(parents=True, exist_ok=True)
    # A script, not a link: rustup's binary finds its LLVM library relative to its own path.
    (tools / "rust-objcopy").write_text(f'#!/bin/sh\nexec "{found}" "$@"\n')
    (tools / "rust-objcopy").chmod(0o755)
    return {**env, "PATH": f"{tools}{os.pathsep}{env.get('PATH', '')}"}
