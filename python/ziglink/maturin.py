"""A PEP 517 and PEP 660 build backend: maturin's, with ziglink as the linker and C tools.

    [build-system]
    requires = ["maturin>=1.5,<2", "ziglink"]
    build-backend = "ziglink.maturin"

Every hook is maturin's own. Before the ones that build, `ziglink pep517` (run with maturin's
build arguments, in the project's folder) says how: the variables that make cargo link and
compile the target being built with ziglink, the glibc floor for it, and the compatibility tag
maturin is to check the wheel against, so that the tag and the floor agree (manylinux2014 and
glibc 2.17 unless the build or `[tool.ziglink]` asks for another). The decisions are printed
to the build log.

cargo shows what a linker prints only when a link fails, so ziglink's warnings (a library the
manylinux policy does not allow, say) are collected in a file of this build's own and printed
once maturin is done.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from typing import Any, Iterator, Mapping, NoReturn

from ziglink._find import ZiglinkNotFound, find_ziglink_bin

try:
    import maturin as _maturin
except ImportError:  # pragma: no cover - a project that lists only ziglink
    sys.stderr.write(
        "ziglink: error: the ziglink.maturin backend runs maturin's; add maturin to "
        '`requires` in [build-system], e.g. requires = ["maturin>=1.5,<2", "ziglink"]\n'
    )
    raise


# The config settings maturin reads its build arguments from, preferred first.
_ARGS_KEYS = ("maturin.build-args", "build-args")
_ARGS_VAR = "MATURIN_PEP517_ARGS"


def get_requires_for_build_wheel(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    return _maturin.get_requires_for_build_wheel(config_settings)


def get_requires_for_build_editable(
    config_settings: Mapping[str, Any] | None = None,
) -> list[str]:
    return _maturin.get_requires_for_build_editable(config_settings)


def get_requires_for_build_sdist(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    return _maturin.get_requires_for_build_sdist(config_settings)


def build_sdist(sdist_directory: str, config_settings: Mapping[str, Any] | None = None) -> str:
    # An sdist links nothing; it keeps this backend in its pyproject.toml.
    with _environment({}):
        return _maturin.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Mapping[str, Any] | None = None
) -> str:
    with _linking(config_settings) as settings:
        return _maturin.prepare_metadata_for_build_wheel(metadata_directory, settings)


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: Mapping[str, Any] | None = None
) -> str:
    with _linking(config_settings) as settings:
        return _maturin.prepare_metadata_for_build_editable(metadata_directory, settings)


def build_wheel(
    wheel_directory: str,
    config_settings: Mapping[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    with _linking(config_settings) as settings:
        return _maturin.build_wheel(wheel_directory, settings, metadata_directory)


def build_editable(
    wheel_directory: str,
    config_settings: Mapping[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    with _linking(config_settings) as settings:
        return _maturin.build_editable(wheel_directory, settings, metadata_directory)


def build_args(config_settings: Mapping[str, Any] | None) -> list[str]:
    """maturin's build arguments, read as maturin's hooks read them: the `maturin.build-args` or
    `build-args` config setting (a string split as a shell would, or a list), else the
    MATURIN_PEP517_ARGS variable."""
    for key in _ARGS_KEYS:
        value = (config_settings or {}).get(key)
        if value is not None:
            return shlex.split(value) if isinstance(value, str) else list(value)
    return shlex.split(os.environ.get(_ARGS_VAR, ""))


def with_build_args(config_settings: Mapping[str, Any] | None, args: list[str]) -> dict[str, Any]:
    """`config_settings` with maturin's build arguments replaced by `args`."""
    settings = {k: v for k, v in (config_settings or {}).items() if k not in _ARGS_KEYS}
    settings["build-args"] = shlex.join(args)
    return settings


@contextlib.contextmanager
def _linking(config_settings: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
    """For the length of one maturin hook: ziglink's variables in this process's environment
    (maturin runs cargo with it), maturin's arguments as ziglink planned them, and a file for
    ziglink's warnings, printed at the end whether the hook succeeded or not."""
    plan = _plan(build_args(config_settings))
    for note in plan["notes"]:
        print(f"ziglink: {note}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="ziglink-") as scratch:
        report = os.path.join(scratch, "warnings")
        try:
            with _environment({**plan["env"], "ZIGLINK_REPORT": report}):
                yield with_build_args(config_settings, plan["args"])
        finally:
            _show_warnings(report)


@contextlib.contextmanager
def _environment(variables: Mapping[str, str]) -> Iterator[None]:
    """This process's environment with `variables` set, for maturin (and the cargo it runs) to
    inherit; restored afterwards."""
    saved = dict(os.environ)
    os.environ.update(variables)
    # maturin warns when `build-backend` is not its own name; this is its own backend.
    os.environ["MATURIN_NO_MISSING_BUILD_BACKEND_WARNING"] = "1"
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _plan(args: list[str]) -> dict[str, Any]:
    """`ziglink pep517 -- <args>`, run in the project's folder (the hooks' working folder)."""
    try:
        binary = find_ziglink_bin()
    except ZiglinkNotFound as error:
        _fail(str(error))
    proc = subprocess.run(
        [binary, "pep517", "--", *args], stdout=subprocess.PIPE, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(proc.returncode)
    return json.loads(proc.stdout)


def _show_warnings(report: str) -> None:
    """Each warning ziglink wrote during the build, once, in the order they came."""
    try:
        with open(report, encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
    except FileNotFoundError:
        return
    for line in dict.fromkeys(lines):
        print(line, file=sys.stderr)
    sys.stderr.flush()


def _fail(message: str) -> NoReturn:
    print(f"ziglink: error: {message}", file=sys.stderr)
    sys.exit(1)
