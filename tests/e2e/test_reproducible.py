"""Reproducible builds: the hello-c fixture (cc-rs C and C++, a CMake library, C that expands
__FILE__, __DATE__ and __TIME__) built in two folders, with ziglink and zig installed in two venvs
at different paths, gives the same bytes with the switch on, and different bytes without it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import install_ziglink

from tests.harness import FIXTURES, copy_tree, run, with_path

EPOCH = "1700000000"  # 2023-11-14 22:13:20 UTC
OUTPUT = "c: 5, c++: 42, c++ exception: -1, cmake: 7"
# cc-rs passes the source relative to the package; CMake passes it absolute, hence the map.
STAMP = "csrc/stamp.c Nov 14 2023 22:13:20, hello-c-0.1.0/cmake/sub.c"
# clang's warning, which zig makes an error in optimised builds (the fixture demotes it).
DATE_WARNING = "expansion of date or time macro is not reproducible"


@dataclass(frozen=True)
class Side:
    """One build environment: a venv with ziglink, and a checkout of the fixture."""

    bin: Path
    crate: Path


@pytest.fixture(scope="module")
def sides(wheelhouse, tmp_path_factory) -> tuple[Side, Side]:
    root = tmp_path_factory.mktemp("reproducible")
    one = Side(
        bin=install_ziglink(root / "venv-one", wheelhouse, tmp_path_factory),
        crate=copy_tree(FIXTURES / "hello-c", root / "src" / "hello-c"),
    )
    two = Side(
        bin=install_ziglink(root / "tools" / "py" / "venv-two", wheelhouse, tmp_path_factory),
        crate=copy_tree(FIXTURES / "hello-c", root / "checkouts" / "elsewhere" / "hello-c"),
    )
    return one, two


@dataclass
class Build:
    release: Path
    stderr: str

    def artifacts(self) -> dict[str, bytes]:
        """The binary and the C static archives, by path under the release folder."""
        files = [self.release / "hello-c", *sorted((self.release / "build").rglob("*.a"))]
        return {str(f.relative_to(self.release)): f.read_bytes() for f in files}


def cargo(side: Side, env: dict[str, str], *args: str, flags: tuple[str, ...] = ()):
    env = with_path(env, side.bin)
    return run([side.bin / "ziglink", "cargo", *flags, *args], env=env, cwd=side.crate)


def build(side: Side, env: dict[str, str], target_dir: str, flags: tuple[str, ...] = ()) -> Build:
    proc = cargo(
        side, env, "build", "--release", "--locked", "--target-dir", target_dir, flags=flags
    )
    return Build(release=side.crate / target_dir / "release", stderr=proc.stderr)


def rust_object(
    side: Side, env: dict[str, str], target_dir: str, flags: tuple[str, ...] = ()
) -> bytes:
    """hello-c's own Rust object, with full debug info, which records the compile folder."""
    args = ("--bin", "hello-c", "--", "-C", "debuginfo=2", "--emit=obj")
    cargo(
        side, env, "rustc", "--release", "--locked", "--target-dir", target_dir, *args, flags=flags
    )
    (obj,) = (side.crate / target_dir / "release" / "deps").glob("hello_c-*.o")
    return obj.read_bytes()


def differing_bytes(a: bytes, b: bytes) -> int:
    return sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))


def test_two_folders_and_two_installs_build_the_same_bytes(sides, sandbox):
    one, two = sides
    env = {**sandbox.env, "SOURCE_DATE_EPOCH": EPOCH}
    # The flag on one side, the variable on the other: the two must be the same switch.
    first = build(one, env, "target-on", flags=("--reproducible",))
    second = build(two, {**env, "ZIGLINK_REPRODUCIBLE": "1"}, "target-on")

    a, b = first.artifacts(), second.artifacts()
    assert a.keys() == b.keys()
    assert len(a) == 4, f"expected the binary and three archives, got {sorted(a)}"
    for name in a:
        assert a[name] == b[name], f"{name}: {differing_bytes(a[name], b[name])} bytes differ"
        # Neither checkout nor venv is named anywhere, under any name.
        root = one.crate.parents[1]
        assert str(root).encode() not in a[name], f"{name} names {root}"

    binary = first.release / "hello-c"
    assert run([binary], env=env).stdout.strip() == OUTPUT
    assert run([binary, "stamp"], env=env).stdout.strip() == STAMP
    assert "Build ID:" in run(["readelf", "-n", binary], env=env).stdout
    # The date is pinned, so zig's reproducibility warning no longer applies.
    assert DATE_WARNING not in first.stderr

    flags = ("--reproducible",)
    assert rust_object(one, env, "target-on", flags) == rust_object(two, env, "target-on", flags)


def test_without_the_switch_the_two_builds_differ(sides, sandbox):
    """The same builds, only without the switch: what the switch is there to fix."""
    one, two = sides
    env = {**sandbox.env, "SOURCE_DATE_EPOCH": EPOCH}
    first = build(one, env, "target-off")
    second = build(two, env, "target-off")

    a, b = first.artifacts(), second.artifacts()
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] != b[name], f"{name} is the same without the switch"
        # Each records its own checkout: CMake's __FILE__, and every object's debug info.
        assert str(one.crate).encode() in a[name], name
    assert DATE_WARNING in first.stderr
    binary = first.release / "hello-c"
    stamp = run([binary, "stamp"], env=env).stdout.strip()
    assert stamp == f"csrc/stamp.c Nov 14 2023 22:13:20, {one.crate}/cmake/sub.c"
    assert "Build ID:" not in run(["readelf", "-n", binary], env=env).stdout

    # rustc records the folder it compiles in (the workspace) in debug info.
    assert rust_object(one, env, "target-off") != rust_object(two, env, "target-off")
