"""Release builds: cargo's `strip = "debuginfo"` (rustc's `-Wl,--strip-debug`) removes the debug
sections and keeps the symbol table, as with GNU ld and lld. zig turns the flag into strip-all,
so ziglink keeps it from zig and removes the debug sections itself after the link."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import cargo_build, max_glibc

from tests.harness import FIXTURES, copy_tree, run

pytestmark = pytest.mark.e2e

HELLO_OUTPUT = "threads: 60, caught panic: true, file: round trip"


def sections(binary: Path) -> dict[str, int]:
    """Section name to size, from `readelf -S`."""
    out = subprocess.run(
        ["readelf", "-S", "-W", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in out.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 6 and fields[0].startswith("[") and fields[0][1:-1].isdigit():
            found[fields[1]] = int(fields[5], 16)
    assert found, out
    return found


def debug_sections(binary: Path) -> list[str]:
    return [name for name in sections(binary) if name.startswith((".debug", ".zdebug"))]


def function_symbols(binary: Path) -> set[str]:
    out = subprocess.run(
        ["nm", "--defined-only", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    return {line.split()[2] for line in out.splitlines() if line.split()[1:2] in (["t"], ["T"])}


def test_a_release_binary_keeps_its_symbols_and_loses_its_debug_info(crate, cargo_env, tmp_path):
    cargo_build(crate, cargo_env, "--release")
    binary = crate / "target" / "release" / "hello-bin"
    assert run([binary], env=cargo_env).stdout.strip() == HELLO_OUTPUT
    assert max_glibc(binary) <= (2, 17)
    assert ".symtab" in sections(binary)
    assert debug_sections(binary) == []
    # A backtrace names the function it was taken in, as it does with cargo's own linker.
    traced = run([binary], env={**cargo_env, "HELLO_BIN_BACKTRACE": "1"})
    assert "hello_bin::report_where_i_am" in traced.stderr, traced.stderr

    # The same link with nothing stripped, then stripped by binutils: the same file, give or
    # take the section headers' order.
    unstripped_env = {**cargo_env, "CARGO_PROFILE_RELEASE_STRIP": "false"}
    other = tmp_path / "unstripped"
    cargo_build(crate, unstripped_env, "--release", "--target-dir", str(other))
    unstripped = other / "release" / "hello-bin"
    assert debug_sections(unstripped), "rustc's std brings debug info"
    by_objcopy = tmp_path / "by-objcopy"
    run(["objcopy", "--strip-debug", unstripped, by_objcopy], env=cargo_env)
    size, reference = binary.stat().st_size, by_objcopy.stat().st_size
    assert abs(size - reference) <= reference // 100, (size, reference)
    # Symbols of the crate carry a hash of its flags, strip among them: count, don't compare.
    assert len(function_symbols(binary)) == len(function_symbols(by_objcopy)) > 500

    # cargo's own linker (the host's cc) keeps as large a symbol table; the code of a zig link
    # is larger by zig's static libunwind, strip or no strip.
    native_env = {**cargo_env}
    native_env.pop("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER")
    native = tmp_path / "native"
    cargo_build(crate, native_env, "--release", "--target-dir", str(native))
    ours, theirs = sections(binary), sections(native / "release" / "hello-bin")
    table = ours[".symtab"] + ours[".strtab"]
    native_table = theirs[".symtab"] + theirs[".strtab"]
    assert native_table * 0.9 <= table <= native_table * 1.1, (table, native_table)


def test_release_links_reuse_what_dev_links_built_in_zigs_cache(crate, cargo_env, tmp_path):
    """zig's strip-all is part of the cache key of the libraries it builds for a link: with it,
    a release link built compiler-rt, libunwind and the start files (or all of musl) again."""
    cache = tmp_path / "zig-cache"
    env = {**cargo_env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}
    cargo_build(crate, env)
    after_dev = set(os.listdir(cache / "o"))
    cargo_build(crate, env, "--release")
    assert set(os.listdir(cache / "o")) - after_dev == set()
    assert run([crate / "target" / "release" / "hello-bin"], env=env).stdout.strip() == (
        HELLO_OUTPUT
    )


def test_a_release_extension_keeps_what_stub_generation_reads(wheelhouse, sandbox, tmp_path):
    """maturin's `--generate-stubs` finds the module's introspection data by the symbol
    table of the built extension (without it: `No module named hello_stubs found`)."""
    project = copy_tree(FIXTURES / "hello-stubs", tmp_path / "hello-stubs")
    out = tmp_path / "dist"
    args = "build-args=--generate-stubs --compatibility manylinux2014"
    env = {**sandbox.env, "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": "ziglink"}
    run(["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", args, "-o", out, project], env=env)  # fmt: skip
    (wheel,) = out.glob("*.whl")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    stub = (unpacked / "hello_stubs" / "__init__.pyi").read_text()
    assert "def add(a: int, b: int) -> int:" in stub, stub
    assert "def greet(name: str) -> str:" in stub, stub
    (so,) = unpacked.glob("hello_stubs/*.so")
    assert ".symtab" in sections(so)
    assert debug_sections(so) == []
    assert max_glibc(so) <= (2, 17)
    check = "import hello_stubs as m; print(m.add(2, 40), m.greet('zig'))"
    imported = run([sys.executable, "-c", check], env={**env, "PYTHONPATH": str(unpacked)})
    assert imported.stdout.split() == ["42", "hello,", "zig"]
