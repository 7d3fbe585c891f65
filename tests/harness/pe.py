"""What the Windows tests and the side-by-side comparison read off a PE file with pefile: the
machine, whether it is a DLL, the flags rustc asked the linker for, and the names it exports and
the DLLs it imports. Not imported by `tests.harness` itself: only what reads PE needs pefile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pefile

AMD64 = 0x8664
I386 = 0x014C
ARM64 = 0xAA64

# What any Windows has: the kernel and its API sets, the Universal CRT's API sets, and the DLLs
# std imports (or the test's stand-in for bcryptprimitives.dll under wine). Names are compared
# lower-case, as Windows does.
SYSTEM_PREFIXES = ("api-ms-win-",)
SYSTEM_DLLS = {
    "kernel32.dll",
    "ntdll.dll",
    "advapi32.dll",
    "userenv.dll",
    "ws2_32.dll",
    "bcryptprimitives.dll",
    "user32.dll",
    "dbghelp.dll",
    "ucrtbase.dll",
}


@dataclass
class Image:
    machine: int
    dll: bool
    large_address_aware: bool
    exported: list[str]
    imports: list[str]

    def foreign_imports(self) -> list[str]:
        """The DLLs it imports that a Windows machine does not have by itself (libgcc's,
        winpthread's, libstdc++'s, ...)."""
        return [
            d for d in self.imports if d not in SYSTEM_DLLS and not d.startswith(SYSTEM_PREFIXES)
        ]


def image(path: Path) -> Image:
    pe = pefile.PE(str(path), fast_load=True)
    pe.parse_data_directories(
        directories=[
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXPORT"],
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
        ]
    )
    exports = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    exported = [s.name.decode() for s in exports.symbols if s.name] if exports else []
    imports = [e.dll.decode().lower() for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])]
    characteristics = pe.FILE_HEADER.Characteristics
    return Image(
        machine=pe.FILE_HEADER.Machine,
        dll=bool(characteristics & pefile.IMAGE_CHARACTERISTICS["IMAGE_FILE_DLL"]),
        large_address_aware=bool(
            characteristics & pefile.IMAGE_CHARACTERISTICS["IMAGE_FILE_LARGE_ADDRESS_AWARE"]
        ),
        exported=sorted(exported),
        imports=sorted(imports),
    )
