"""ziglink's subcommands as Python functions. Each runs the ziglink executable installed with this
package, so Python and the command line can never disagree about a setting."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any, Literal, Mapping, Sequence, Union

from ziglink._find import find_ziglink_bin

Targets = Union[str, Sequence[str], None]


class ZiglinkError(RuntimeError):
    """ziglink refused the request; the message is its one-line error."""


class ZigNotFound(FileNotFoundError):
    """No zig for ziglink to run: neither the `ziglang` package beside it, nor ZIGLINK_ZIG, nor
    `zig` on PATH."""


def find_zig() -> str:
    """The absolute path of the zig executable ziglink runs, found as ziglink finds it.

    Raises ZigNotFound, saying where ziglink looked, when there is none.
    """
    report = doctor()
    path = report["zig"]["path"]
    if path is None:
        raise ZigNotFound(report["zig"]["error"])
    return path


def doctor() -> dict[str, Any]:
    """`ziglink doctor --json` as a dict: what ziglink would use and each problem with its fix.

    `report["ok"]` is False when links would fail; the report is returned either way.
    """
    proc = _run(["doctor", "--json"], ok_codes=(0, 1))
    return json.loads(proc.stdout)


def env(
    target: Targets = None, glibc: str | None = None, *, bindgen: bool = False
) -> dict[str, str]:
    """The variables that set cargo up to link and compile `target` with ziglink.

    `target` is one Rust target or several (default: the host), each optionally with a glibc
    floor (`"aarch64-unknown-linux-gnu.2.28"`); `glibc` is the floor for those without one.
    Merge the result into a subprocess's environment, e.g.
    `subprocess.run(["cargo", "build", "--target", t], env={**os.environ, **ziglink.env(t)})`.
    A "PATH" entry, when present, is the whole new PATH, with ziglink's folder in front.
    """
    args = ["env", "--shell", "json", *_target_args(target)]
    if bindgen:
        args.append("--bindgen")
    return json.loads(_run(args, glibc=glibc).stdout)


def cargo_config(
    target: Targets = None,
    glibc: str | None = None,
    *,
    format: Literal["cargo", "maturin"] = "cargo",
    edit: str | os.PathLike[str] | None = None,
) -> str:
    """A snippet for `.cargo/config.toml` (or, with `format="maturin"`, pyproject.toml) that
    makes cargo link and compile `target` with ziglink. With `edit`, the settings are merged
    into that file instead (keeping its comments and formatting) and nothing is returned."""
    args = ["config", "--format", format, *_target_args(target)]
    if edit is not None:
        args += ["--edit", os.fspath(edit)]
    return _run(args, glibc=glibc).stdout


def cargo(
    *args: str | os.PathLike[str],
    target: Targets = None,
    glibc: str | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    **kwargs: Any,
) -> subprocess.CompletedProcess[Any]:
    """Runs `ziglink cargo <args> [--target T]...`: cargo set up for each target, for build
    backends and noxfiles. Keyword arguments go to `subprocess.run`; `check=True` raises
    CalledProcessError when cargo fails.

    Example: `ziglink.cargo("build", "--release", target="aarch64-unknown-linux-gnu.2.17")`.
    """
    cmd = [find_ziglink_bin(), "cargo", *map(os.fspath, args), *_target_args(target)]
    return subprocess.run(cmd, env=_environ(env, glibc), check=check, **kwargs)


def _target_args(target: Targets) -> list[str]:
    if target is None:
        return []
    targets = [target] if isinstance(target, str) else list(target)
    return [arg for t in targets for arg in ("--target", t)]


def _environ(base: Mapping[str, str] | None, glibc: str | None) -> dict[str, str]:
    environ = dict(os.environ if base is None else base)
    if glibc is not None:
        environ["ZIGLINK_GLIBC"] = glibc
    return environ


def _run(
    args: list[str], *, glibc: str | None = None, ok_codes: tuple[int, ...] = (0,)
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [find_ziglink_bin(), *args],
        env=_environ(None, glibc),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in ok_codes:
        lines = proc.stderr.strip().splitlines() or [f"exited with {proc.returncode}"]
        prefix = "ziglink: error: "
        message = lines[-1][len(prefix) :] if lines[-1].startswith(prefix) else lines[-1]
        raise ZiglinkError(message)
    return proc
