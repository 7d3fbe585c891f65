"""A CMake build folder in `target/` outlives the build environment that configured it: CMake
records the absolute paths of its compilers, `ar` and `ranlib`, and a PEP 517 build environment
is deleted after each build. Built in A, A deleted, the build script rerun in B: before
ziglink-cmake, the configure stopped with "The CMAKE_C_COMPILER: .../A/bin/ziglink-cc is not a
full path to an existing compiler tool", and `ar` was the host's `llvm-ar`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import install_ziglink, max_glibc

from tests.harness import FIXTURES, copy_tree, run, with_path

pytestmark = pytest.mark.e2e

CMAKE_OUTPUT = "c: 5, c++: 42, c++ exception: -1, cmake: 7"


def files_naming(top: Path, needle: bytes, scratch: Path) -> list[str]:
    """Files under `top` that name `needle` outside debug info. zig's start files and
    libunwind come from zig's shared cache, built once, so their debug info names the zig that
    first built them: CMake's compiler-detection programs (linked with debug info) name A that
    way, as any unstripped link would. That is zig's cache, not CMake's state."""
    found = []
    for path in top.rglob("*"):
        if not path.is_file() or path.is_symlink() or needle not in path.read_bytes():
            continue
        if path.read_bytes()[:4] == b"\x7fELF":
            stripped = scratch / "stripped"
            subprocess.run(["objcopy", "--strip-debug", path, stripped], check=True)
            if needle not in stripped.read_bytes():
                continue
        found.append(str(path.relative_to(top)))
    return found


def test_a_cmake_folder_configured_in_a_deleted_environment_builds_in_the_next(
    wheelhouse, sandbox, tmp_path, tmp_path_factory
):
    envs = {name: tmp_path / f"build-env-{name}" for name in ("a", "b")}
    bins = {name: install_ziglink(env, wheelhouse, tmp_path_factory) for name, env in envs.items()}
    crate = copy_tree(FIXTURES / "hello-c", tmp_path / "hello-c")
    # What a project commits: settings by bare name, found on PATH in whichever environment.
    config = run([bins["a"] / "ziglink", "config"], env=sandbox.env).stdout
    (crate / ".cargo").mkdir()
    (crate / ".cargo" / "config.toml").write_text(config)

    def build(name: str):
        env = with_path(sandbox.env, bins[name])
        return run(["cargo", "build", "--release", "--locked"], env=env, cwd=crate)

    build("a")
    (cache,) = crate.glob("target/release/build/hello-c-*/out/build/CMakeCache.txt")
    recorded = cache.read_text()
    assert f"CMAKE_AR:FILEPATH={bins['a'] / 'ziglink-ar'}" in recorded, recorded
    assert f"CMAKE_RANLIB:FILEPATH={bins['a'] / 'ziglink-ranlib'}" in recorded, recorded

    shutil.rmtree(envs["a"])
    (crate / "cmake" / "sub.c").touch()  # the build script runs again, and with it cmake
    build("b")
    (script_stderr,) = crate.glob("target/release/build/hello-c-*/stderr")
    assert "configuring that folder afresh" in script_stderr.read_text()
    binary = crate / "target" / "release" / "hello-c"
    assert run([binary], env=sandbox.env).stdout.strip() == CMAKE_OUTPUT
    assert max_glibc(binary) <= (2, 17)
    assert f"CMAKE_C_COMPILER:STRING={bins['b'] / 'ziglink-cc'}" in cache.read_text()
    assert files_naming(crate / "target", str(envs["a"]).encode(), tmp_path) == []


def test_cmake_is_found_and_a_missing_one_is_named(installed, sandbox, tmp_path):
    out = run([installed / "ziglink-cmake", "--version"], env=sandbox.env).stdout
    assert out.startswith("cmake version 3."), out
    env = {**sandbox.env, "CMAKE": str(tmp_path / "no-cmake")}
    failed = run([installed / "ziglink-cmake", "--version"], env=env, check=False)
    assert failed.returncode == 1
    assert failed.stderr.startswith("ziglink: error: ziglink-cmake: cannot find `"), failed.stderr
    assert failed.stderr.count("\n") == 1
