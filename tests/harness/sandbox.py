"""Environments for builds that must not touch, or be steered by, the user's own: a Sandbox with a
HOME, user cache and temp folder of its own, venvs installed from the wheelhouse, PATH in front."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Mapping

from .process import run

# Variables that would tie a build to the environment the harness itself runs in: the venv or
# conda env it was started from, and ziglink's own settings.
FOREIGN = ("ZIGLINK_", "VIRTUAL_ENV", "CONDA_PREFIX")


def clean_environ() -> dict[str, str]:
    """This process's environment without the FOREIGN variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN)}


def with_path(env: Mapping[str, str], bin_dir: Path) -> dict[str, str]:
    """`env` with `bin_dir` first on PATH."""
    return {**env, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}


def file_tree(top: Path) -> set[Path]:
    """Every path under `top` (none when `top` does not exist)."""
    return set(top.rglob("*")) if top.exists() else set()


def free_port() -> int:
    """A loopback port no server listens on, for a server of a run's own (sccache, Redis)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_with(
    path: Path, env: Mapping[str, str], *packages: str, wheelhouse: Path, no_deps: bool = False
) -> Path:
    """Creates the venv `path` with `packages` from the wheelhouse alone, and returns its scripts
    folder. `packages` may name wheel files; their dependencies still come from the wheelhouse."""
    run(["uv", "venv", "--quiet", "--allow-existing", path], env=env)
    source = ["--no-index", "--find-links", wheelhouse, *(["--no-deps"] if no_deps else [])]
    python = path / "bin" / "python"
    run(["uv", "pip", "install", "--quiet", "--python", python, *source, *packages], env=env)
    return path / "bin"


class Sandbox:
    """Folders standing in for a user's home, user cache and temp folder, and an environment that
    uses them: what appears in them is what a build left behind.

    `caches` places the caches of the tools around ziglink (UV_CACHE_DIR, ZIG_GLOBAL_CACHE_DIR
    and such): outside HOME, they are theirs and not ziglink's, and runs can share them.
    `user_cache` makes HOME's user cache folder from the start, as a HOME in use has one.
    """

    def __init__(
        self, root: Path, caches: Mapping[str, str | Path], *, user_cache: bool = False
    ) -> None:
        self.root = root
        self.home = root / "home"
        self.tmp = root / "tmp"
        for folder in (self.home / ".cache" if user_cache else self.home, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self.env = clean_environ()
        # Cargo and rustup keep their real homes: the crate registry and toolchain are not ours.
        self.env.setdefault("CARGO_HOME", str(Path.home() / ".cargo"))
        self.env.setdefault("RUSTUP_HOME", str(Path.home() / ".rustup"))
        self.env.update(
            HOME=str(self.home),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            TMPDIR=str(self.tmp),
            UV_PYTHON=sys.executable,
            UV_NO_PROGRESS="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
        )
        self.env.update({name: str(folder) for name, folder in caches.items()})

    def snapshot(self) -> set[Path]:
        """What HOME (with its user cache) and the temp folder hold now."""
        return file_tree(self.home) | file_tree(self.tmp)

    def left_behind(self, before: set[Path]) -> list[Path]:
        """Files new since the snapshot `before`, apart from zig's cache should it be in here."""
        zig = self.env.get("ZIG_GLOBAL_CACHE_DIR")
        new = self.snapshot() - before
        return sorted(p for p in new if not (zig and p.is_relative_to(zig)) and p.is_file())
