"""Finding the ziglink executable that was installed together with this Python package."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path
from typing import Iterable, Sequence, Union

_EXE_NAME = "ziglink.exe" if sys.platform == "win32" else "ziglink"

# Where a site-packages folder may be called something else (Debian and Ubuntu system Pythons).
_SITE_DIR_NAMES = ("site-packages", "dist-packages")
# Compared in lower case: Windows spells it "Lib".
_LIB_DIR_NAMES = ("lib", "lib64")

StrPath = Union[str, "os.PathLike[str]"]


class ZiglinkNotFound(FileNotFoundError):
    """The ziglink executable is in none of the places it is installed to.

    `searched` holds every folder that was looked in, in order.
    """

    def __init__(self, message: str, searched: Sequence[Path] = ()) -> None:
        super().__init__(message)
        self.searched: tuple[Path, ...] = tuple(searched)


def find_ziglink_bin() -> str:
    """The absolute path of the ziglink executable installed with this package.

    Raises ZiglinkNotFound, listing the folders looked in, when there is none.
    """
    return _find_bin(Path(__file__).resolve().parent, _scheme_dirs())


def _find_bin(package_dir: Path, scheme_dirs: Iterable[StrPath | None]) -> str:
    """The first executable named ziglink in `_candidate_dirs(package_dir, scheme_dirs)`."""
    dirs = _candidate_dirs(package_dir, scheme_dirs)
    for directory in dirs:
        candidate = directory / _EXE_NAME
        if _is_executable(candidate):
            return str(candidate)
    looked_in = ", ".join(str(d) for d in dirs)
    raise ZiglinkNotFound(
        f"could not find the {_EXE_NAME} executable installed with the ziglink Python package; "
        f"looked in: {looked_in}",
        dirs,
    )


def _candidate_dirs(package_dir: Path, scheme_dirs: Iterable[StrPath | None]) -> list[Path]:
    """The folders that may hold the executable, most likely first, without duplicates.

    `package_dir` is the folder of the ziglink package (`.../site-packages/ziglink`) and
    `scheme_dirs` the scripts folders of the interpreter's install schemes, tried last.
    """
    package_dir = Path(os.path.abspath(package_dir))
    candidates: list[Path] = []
    # The prefix whose site-packages holds the package: venvs, --user, --prefix, build envs.
    prefix_scripts = _prefix_scripts_dir(package_dir.parent)
    if prefix_scripts is not None:
        candidates.append(prefix_scripts)
    # `pip install --target T`: the package is T/ziglink and the scripts are in T/bin.
    candidates.append(package_dir.parent / "bin")
    # The interpreter's own scripts folders (its scheme, its base prefix's, the user scheme's).
    candidates.extend(Path(os.path.abspath(d)) for d in scheme_dirs if d)

    unique: list[Path] = []
    seen: set[str] = set()
    for directory in candidates:
        key = os.path.normcase(os.path.normpath(str(directory)))
        if key not in seen:
            seen.add(key)
            unique.append(directory)
    return unique


def _prefix_scripts_dir(site_dir: Path) -> Path | None:
    """The scripts folder of the install prefix that `site_dir` is the site-packages of.

    None when `site_dir` is not a site-packages folder, or not laid out like one of a prefix.
    """
    if site_dir.name.lower() not in _SITE_DIR_NAMES:
        return None
    parents = site_dir.parents
    # Windows prefixes, venvs and build envs: <prefix>\Lib\site-packages -> <prefix>\Scripts.
    if len(parents) > 1 and parents[0].name.lower() in _LIB_DIR_NAMES:
        return parents[1] / "Scripts"
    # POSIX prefixes: <prefix>/lib{,64}/pythonX.Y/{site,dist}-packages -> <prefix>/bin, which
    # covers venvs, --user, --prefix, pip's build-env overlay, Debian and macOS user installs.
    if len(parents) > 2 and parents[1].name.lower() in _LIB_DIR_NAMES:
        return parents[2] / "bin"
    # Windows user scheme: %APPDATA%\Python\PythonXY\site-packages -> ...\PythonXY\Scripts.
    if parents and parents[0].name.lower().startswith("python"):
        return parents[0] / "Scripts"
    return None


def _scheme_dirs() -> list[str | None]:
    """The scripts folders of the running interpreter, its base prefix, and the user scheme."""
    base = sys.base_prefix
    return [
        _scheme_path(),
        _scheme_path(config_vars={"base": base, "platbase": base}),
        _scheme_path(scheme=_user_scheme()),
    ]


def _scheme_path(
    scheme: str | None = None, config_vars: dict[str, str] | None = None
) -> str | None:
    """sysconfig's scripts path, or None when this interpreter has no such scheme."""
    try:
        if scheme is None:
            return sysconfig.get_path("scripts", vars=config_vars)
        return sysconfig.get_path("scripts", scheme, vars=config_vars)
    except KeyError:
        return None


def _user_scheme() -> str:
    """The name of sysconfig's scheme for `pip install --user`."""
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def _is_executable(path: Path) -> bool:
    if sys.platform == "win32":
        return path.is_file()
    return path.is_file() and os.access(path, os.X_OK)
