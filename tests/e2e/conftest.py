"""pytest's side of the end-to-end tests: a wheelhouse with the locally built ziglink wheel, a
venv with ziglink, and per test a build environment isolated from the user's home, cache and
temp folders (tests.harness.Sandbox); plus the helpers only these tests use."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.harness import FIXTURES, Sandbox, clean_environ, copy_tree, run, venv_with, with_path
from tests.harness.sysroot import with_std
from tests.harness.wheelhouse import build_wheelhouse


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """The ziglink wheel plus maturin and ziglang, so builds resolve everything with --no-index.

    nox's e2e session prepares it once and passes ZIGLINK_WHEELHOUSE; run alone, pytest builds it.
    """
    given = os.environ.get("ZIGLINK_WHEELHOUSE")
    if given:
        return Path(given)
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))


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
    return Sandbox(tmp_path / "sandbox", shared_caches(tmp_path_factory))


@pytest.fixture(scope="session")
def sandbox_factory(tmp_path_factory):
    """`sandbox_factory(folder)`: a Sandbox in `folder`, for fixtures wider than one test."""

    def make(folder: Path) -> Sandbox:
        return Sandbox(folder / "sandbox", shared_caches(tmp_path_factory))

    return make


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


def install_ziglink(venv: Path, wheelhouse: Path, tmp_path_factory) -> Path:
    """Creates `venv` with ziglink (and, through its dependency, ziglang) installed from the
    wheelhouse, and returns its scripts folder."""
    env = {**clean_environ(), **shared_caches(tmp_path_factory)}
    return venv_with(venv, env, "ziglink", wheelhouse=wheelhouse)


@pytest.fixture(scope="session")
def installed(wheelhouse, tmp_path_factory) -> Path:
    """A venv with ziglink installed from the wheelhouse."""
    return install_ziglink(tmp_path_factory.mktemp("ziglink-venv"), wheelhouse, tmp_path_factory)


@pytest.fixture(scope="session")
def std_for(installed):
    """`std_for(env, *triples)`: `env` with each target's std read from its cached sysroot
    (tests/harness/sysroot.py), which the ziglink under test builds where none is cached."""
    builder = with_path(clean_environ(), installed)

    def add(env: dict[str, str], *triples: str) -> dict[str, str]:
        return with_std(env, *triples, builder=builder)

    return add


@pytest.fixture
def cargo_env(sandbox, installed) -> dict[str, str]:
    """Cargo names the linker by its bare name, as users do; PATH puts the venv's copy first."""
    env = with_path(sandbox.env, installed)
    env["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"] = "ziglink"
    return env


@pytest.fixture
def crate(tmp_path) -> Path:
    """A copy of the hello-bin fixture to build."""
    return copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")


def cargo_build(crate: Path, env: dict[str, str], *extra: str, check=True):
    return run(["cargo", "build", "--locked", *extra], env=env, cwd=crate, check=check)
