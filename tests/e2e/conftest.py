"""Shared set-up for the end-to-end tests: a wheelhouse with the locally built ziglink wheel, and
build environments isolated from the user's home, cache and temp folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from wheelhouse import build_wheelhouse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "pyo3-hello"
FIXTURES = ROOT / "tests" / "fixtures"


def run(cmd: list[str | Path], *, env: dict[str, str], cwd: Path | None = None, check=True):
    """Runs a command, and on failure shows its output in the assertion message."""
    proc = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
        )
    return proc


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """The ziglink wheel plus maturin and ziglang, so builds resolve everything with --no-index.

    nox's e2e session prepares it once and passes ZIGLINK_WHEELHOUSE; run alone, pytest builds it.
    """
    given = os.environ.get("ZIGLINK_WHEELHOUSE")
    if given:
        return Path(given)
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))


@dataclass
class Sandbox:
    """Folders standing in for a user's home, cache and temp dirs, and the env that uses them."""

    root: Path
    env: dict[str, str]

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"


def shared_caches(tmp_path_factory) -> dict[str, str]:
    """uv's, pip's and zig's caches for this test session: fresh, so a wheel cached by an earlier
    session under the same file name can never stand in for the one just built, and shared
    between tests, so each wheel is unpacked and each zig artifact built once."""
    shared = tmp_path_factory.getbasetemp() / "shared-caches"
    return {
        "UV_CACHE_DIR": str(shared / "uv"),
        "PIP_CACHE_DIR": str(shared / "pip"),
        "ZIG_GLOBAL_CACHE_DIR": str(shared / "zig"),
    }


@pytest.fixture
def sandbox(tmp_path, tmp_path_factory) -> Sandbox:
    root = tmp_path / "sandbox"
    env = dict(os.environ)
    # Cargo and rustup keep their real homes: the crate registry and toolchain are not ours.
    env.setdefault("CARGO_HOME", str(Path.home() / ".cargo"))
    env.setdefault("RUSTUP_HOME", str(Path.home() / ".rustup"))
    for var in ("ZIGLINK_ZIG", "ZIGLINK_TARGET", "ZIGLINK_GLIBC", "VIRTUAL_ENV", "CONDA_PREFIX"):
        env.pop(var, None)
    env.update(
        HOME=str(root / "home"),
        XDG_CACHE_HOME=str(root / "home" / ".cache"),
        TMPDIR=str(root / "tmp"),
        # The caches live outside this HOME: they are uv's, pip's and zig's, not ziglink's.
        **shared_caches(tmp_path_factory),
        UV_PYTHON=sys.executable,
        UV_NO_PROGRESS="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    for d in (root / "home", root / "tmp"):
        d.mkdir(parents=True)
    return Sandbox(root=root, env=env)


def file_tree(top: Path) -> set[str]:
    """Every path under `top`, relative to it."""
    return {str(p.relative_to(top)) for p in top.rglob("*")}


def max_glibc(binary: Path) -> tuple[int, int]:
    """The highest GLIBC_x.y version the binary needs, from `readelf -V`."""
    out = subprocess.run(
        ["readelf", "-V", "-W", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    versions = set()
    for word in out.replace("\n", " ").split():
        if word.startswith("GLIBC_") and word[6:7].isdigit():
            parts = word[6:].split(".")
            versions.add((int(parts[0]), int(parts[1]) if len(parts) > 1 else 0))
    assert versions, f"no GLIBC versions in {binary}"
    return max(versions)


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("target", "dist", "out"))
    return dst


def install_ziglink(venv: Path, wheelhouse: Path, tmp_path_factory) -> Path:
    """Creates `venv` with ziglink (and, through its dependency, ziglang) installed from the
    wheelhouse, and returns its scripts folder."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(shared_caches(tmp_path_factory))
    run(["uv", "venv", "--quiet", "--allow-existing", venv], env=env)
    python = venv / "bin" / "python"
    source = ["--no-index", "--find-links", str(wheelhouse)]
    run(["uv", "pip", "install", "--quiet", "--python", python, *source, "ziglink"], env=env)
    return venv / "bin"


@pytest.fixture(scope="session")
def installed(wheelhouse, tmp_path_factory) -> Path:
    """A venv with ziglink installed from the wheelhouse."""
    return install_ziglink(tmp_path_factory.mktemp("ziglink-venv"), wheelhouse, tmp_path_factory)


@pytest.fixture
def cargo_env(sandbox, installed) -> dict[str, str]:
    """Cargo names the linker by its bare name, as users do; PATH puts the venv's copy first."""
    env = dict(sandbox.env)
    env["PATH"] = f"{installed}{os.pathsep}{env['PATH']}"
    env["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"] = "ziglink"
    return env


@pytest.fixture
def crate(tmp_path) -> Path:
    """A copy of the hello-bin fixture to build."""
    return copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")


def cargo_build(crate: Path, env: dict[str, str], *extra: str, check=True):
    return run(["cargo", "build", "--locked", *extra], env=env, cwd=crate, check=check)
