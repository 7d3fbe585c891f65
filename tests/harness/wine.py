"""Running Windows programs under Debian's wine (wine64, and wine32 for i686), as the Windows
tests and the side-by-side comparison do. `.ci/setup` installs wine; each test session makes its
own prefix (the fake C: drive) in its own temp folder, once.

Wine 8 lacks `ProcessPrng` in bcryptprimitives.dll, which Rust's std (>= 1.78) imports for its
random numbers. `stand_in_dll` builds, with ziglink-cc, a DLL of that name that forwards to
BCryptGenRandom; it goes next to the program under test and is never part of what is tested.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Mapping

from tests.harness.pe import I386, image
from tests.harness.process import run

WINE64 = Path("/usr/lib/wine/wine64")
WINE32 = Path("/usr/lib/wine/wine")
WINESERVER = Path("/usr/lib/wine/wineserver")

PROCESS_PRNG = r"""
#include <windows.h>
#include <bcrypt.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
"""


def wine_env(prefix: Path, env: Mapping[str, str]) -> dict[str, str]:
    return {**env, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all"}


def make_prefix(prefix: Path, env: Mapping[str, str]) -> Path:
    """A wine prefix with both halves (64-bit and, when wine32 is installed, WoW64)."""
    prefix.mkdir(parents=True, exist_ok=True)
    run([WINE64, "wineboot", "--init"], env=wine_env(prefix, env))
    # wineboot returns before wineserver has written the registry; later runs wait for it.
    run([WINESERVER, "--wait"], env=wine_env(prefix, env))
    return prefix


def stand_in_dll(folder: Path, rust_triple: str, env: Mapping[str, str]) -> Path:
    """bcryptprimitives.dll with ProcessPrng, built by ziglink-cc for `rust_triple`."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "process_prng.c"
    source.write_text(PROCESS_PRNG)
    # On i686 a WINAPI function is exported as `ProcessPrng@8`; std looks up the plain name.
    exports = folder / "bcryptprimitives.def"
    exports.write_text("LIBRARY bcryptprimitives\nEXPORTS\n    ProcessPrng\n")
    dll = folder / "bcryptprimitives.dll"
    compile_dll = ["ziglink-cc", f"--target={rust_triple}", "-shared", "-O2"]
    run([*compile_dll, source, exports, "-o", dll, "-lbcrypt"], env=env)
    return dll


def loader(machine: int) -> Path:
    """The wine that runs a PE file of `machine` (x86 or x86-64)."""
    return WINE32 if machine == I386 else WINE64


def run_exe(
    exe: Path,
    *args: str,
    prefix: Path,
    stand_in: Path,
    env: Mapping[str, str],
    check: bool = True,
) -> subprocess.CompletedProcess:
    """`exe` under wine, with the ProcessPrng stand-in beside it; 32-bit programs need wine32."""
    shutil.copy2(stand_in, exe.parent / stand_in.name)
    return run(
        [loader(image(exe).machine), exe, *args],
        env=wine_env(prefix, env),
        cwd=exe.parent,
        check=check,
    )
