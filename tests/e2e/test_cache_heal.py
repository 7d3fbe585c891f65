"""Issue 35: a broken entry in zig's cache heals. Each runtime a link takes from the cache (glibc's
stubs and start files, compiler-rt, libunwind, libc++, musl's libc, MinGW's start files and
import libraries, macOS's compiler-rt) is emptied, cut short and overwritten with random bytes in
turn; the next link succeeds, names the entry it repaired in one line, and its output runs (Linux,
under wine for Windows) or is checked (Mach-O). A link whose failure is the user's is not run
twice."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from conftest import cargo_build

from tests.harness import clean_environ, macho, run, wine
from tests.harness.pe import AMD64

pytestmark = pytest.mark.e2e

HELLO_C = '#include <stdio.h>\nint main(void) { puts("healed"); return 0; }\n'
HELLO_CXX = '#include <iostream>\nint main() { std::cout << "healed" << std::endl; }\n'

# (target, C++?, file in the cache)
CASES = [
    ("x86_64-unknown-linux-gnu", False, "libc.so.6"),
    ("x86_64-unknown-linux-gnu", False, "crt1.o"),
    ("x86_64-unknown-linux-gnu", False, "libc_nonshared.a"),
    ("x86_64-unknown-linux-gnu", False, "libcompiler_rt.a"),
    ("x86_64-unknown-linux-gnu", True, "libunwind.a"),
    ("x86_64-unknown-linux-gnu", True, "libc++.a"),
    ("x86_64-unknown-linux-gnu", True, "libc++abi.a"),
    ("x86_64-unknown-linux-musl", False, "libc.a"),
    ("x86_64-pc-windows-gnu", False, "crt2.obj"),
    ("x86_64-pc-windows-gnu", False, "libmingw32.lib"),
    ("x86_64-pc-windows-gnu", False, "api-ms-win-crt-stdio-l1-1-0.lib"),
    ("aarch64-apple-darwin", False, "libcompiler_rt.a"),
]
DAMAGE = ["emptied", "truncated", "garbage"]
WORDS = {"emptied": "was emptied", "truncated": "was truncated", "garbage": "is not "}


# zig, counting its runs: a repaired link runs twice, any other once.
COUNTING_ZIG = """#!/bin/sh
echo "$*" >> "$ZIG_RUNS"
exec "$REAL_ZIG" "$@"
"""


@pytest.fixture(scope="module")
def wine_prefix(tmp_path_factory) -> Path:
    return wine.make_prefix(tmp_path_factory.mktemp("heal") / "wine", clean_environ())


@pytest.fixture
def work(sandbox, installed, tmp_path) -> tuple[dict[str, str], Path, Path]:
    """The environment (ziglink's tools first on PATH, zig counting its runs in `zig-runs`, the
    session's shared zig cache), that cache, and a folder with the sources."""
    (real_zig,) = installed.parent.glob("lib/python*/site-packages/ziglang/zig")
    # Laid out as the ziglang package is, its dist-info beside it and its lib folder in it, so
    # that ziglink gives the wrapper the copy of zig's lib folder every other test's links get:
    # zig keys musl, MinGW's runtime and libc++ on that folder's path, and would otherwise build
    # each of them twice in the session's cache.
    site = tmp_path / "site-packages"
    (site / "ziglang").mkdir(parents=True)
    (dist_info,) = real_zig.parent.parent.glob("ziglang-*.dist-info")
    (site / dist_info.name).mkdir()
    (site / "ziglang" / "lib").symlink_to(real_zig.parent / "lib")
    counting = site / "ziglang" / "zig"
    counting.write_text(COUNTING_ZIG)
    counting.chmod(0o755)
    env = {
        **sandbox.env,
        "PATH": f"{installed}{os.pathsep}{sandbox.env['PATH']}",
        "ZIGLINK_ZIG": str(counting),
        "REAL_ZIG": str(real_zig),
        "ZIG_RUNS": str(tmp_path / "zig-runs"),
    }
    (tmp_path / "hello.c").write_text(HELLO_C)
    (tmp_path / "hello.cc").write_text(HELLO_CXX)
    return env, Path(env["ZIG_GLOBAL_CACHE_DIR"]), tmp_path


def zig_runs(env) -> int:
    """How many times `zig cc` or `zig c++` ran since the last call (ziglink also asks zig its
    version)."""
    runs = Path(env["ZIG_RUNS"])
    lines = runs.read_text().splitlines() if runs.exists() else []
    count = sum(1 for line in lines if line.split(" ")[0] in ("cc", "c++"))
    runs.unlink(missing_ok=True)
    return count


def link(env, folder: Path, target: str, cxx: bool, out: str, *extra: str, check=True):
    tool, source = ("ziglink-cxx", "hello.cc") if cxx else ("ziglink-cc", "hello.c")
    line = [tool, f"--target={target}", source, "-o", out, *extra]
    return run(line, env=env, cwd=folder, check=check)


def used(env, folder: Path, target: str, cxx: bool, name: str, cache: Path) -> Path:
    """The file `name` the link of the final program takes from the cache, as zig names it with
    ZIG_VERBOSE_LINK (which ziglink passes through when the user sets it)."""
    linked = link({**env, "ZIG_VERBOSE_LINK": "1"}, folder, target, cxx, "probe")
    final = [ln for ln in linked.stderr.splitlines() if re.match(r"(ld\.lld|lld-link|zig ld) ", ln)]
    assert final, linked.stderr
    pattern = re.escape(str(cache)) + r"/o/([0-9a-f]{32})/" + re.escape(name) + r"(?=\s|$)"
    found = re.search(pattern, final[-1])
    assert found, f"{name} not in {final[-1]}"
    return cache / "o" / found.group(1) / name


def damage(path: Path, how: str) -> None:
    size = path.stat().st_size
    if how == "emptied":
        path.write_bytes(b"")
    elif how == "truncated":
        with path.open("r+b") as f:
            f.truncate(size * 2 // 3)
    else:  # the same bytes on every run: random ones could begin like a COFF object by chance
        path.write_bytes(random.Random(path.name).randbytes(size))


def check_output(out: Path, target: str, env, prefix: Path) -> None:
    if "linux" in target:
        assert run([out], env=env).stdout.strip() == "healed"
    elif "windows" in target:
        ran = run([wine.loader(AMD64), out], env=wine.wine_env(prefix, env), cwd=out.parent)
        assert ran.stdout.strip() == "healed", ran
    else:
        assert macho.image(out).signature_valid, f"{out}: the code signature is not valid"


@pytest.mark.parametrize(("target", "cxx", "name"), CASES, ids=[f"{t}-{n}" for t, _, n in CASES])
def test_a_damaged_runtime_is_removed_rebuilt_and_named(target, cxx, name, work, wine_prefix):
    env, cache, folder = work
    link(env, folder, target, cxx, "warm")
    for how in DAMAGE:
        # zig may rebuild an entry into another folder than the one it replaces.
        path = used(env, folder, target, cxx, name, cache)
        whole = path.read_bytes()
        damage(path, how)
        zig_runs(env)
        try:
            linked = link(env, folder, target, cxx, f"after-{how}")
        finally:  # the shared cache whole again, whatever happened, for the tests after this
            if path.parent.is_dir() and path.read_bytes() != whole:
                path.write_bytes(whole)
        assert zig_runs(env) == 2, "not run exactly once more"
        repaired = [ln for ln in linked.stderr.splitlines() if "removed and rebuilt" in ln]
        assert len(repaired) == 1, linked.stderr
        entry = path.parent.name
        assert repaired[0].startswith(f"ziglink: zig's cache entry o/{entry} ({name}) ")
        assert WORDS[how] in repaired[0], repaired
        check_output(folder / f"after-{how}", target, env, wine_prefix)


def test_a_rust_link_heals_glibc_stubs_cut_short(crate, cargo_env, sandbox):
    """The same through rustc's link line: cargo, ziglink as the linker, the stubs of libc."""
    cargo_build(crate, cargo_env)
    cache = cargo_env["ZIG_GLOBAL_CACHE_DIR"]
    exe = crate / "target" / "debug" / "hello-bin"
    stubs = {p: p.read_bytes() for p in Path(cache, "o").glob("*/libc.so.6")}
    assert stubs, "no glibc stubs in the cache"
    try:
        for stub in stubs:
            damage(stub, "truncated")
        exe.unlink()
        built = cargo_build(crate, {**cargo_env, "RUSTFLAGS": "--cfg healed"})
        assert run([exe], env=cargo_env).stdout.startswith("threads: 60"), built
        # zig may rebuild an entry into another folder: look for whole stubs anywhere.
        wholes = set(stubs.values())
        rebuilt = [p for p in Path(cache, "o").glob("*/libc.so.6") if p.read_bytes() in wholes]
        assert rebuilt, f"none of {len(stubs)} stubs was rebuilt"
    finally:  # the stubs of other floors, which this link did not use, as they were
        for stub, whole in stubs.items():
            if stub.parent.is_dir():
                stub.write_bytes(whole)


def test_a_users_undefined_symbol_is_not_retried(work):
    """Every cached file the failed link used is whole: the link runs once and fails as zig
    said, with nothing removed."""
    env, cache, folder = work
    (folder / "broken.c").write_text("int missing(void);\nint main(void) { return missing(); }\n")
    target = "x86_64-unknown-linux-gnu"
    link(env, folder, target, False, "warm")
    before = sorted(p.name for p in (cache / "o").iterdir())
    zig_runs(env)
    line = ["ziglink-cc", f"--target={target}", "broken.c", "-o", "broken"]
    failed = run(line, env=env, cwd=folder, check=False)
    assert failed.returncode != 0
    assert "undefined symbol: missing" in failed.stderr, failed.stderr
    assert zig_runs(env) == 1, "the link ran more than once"
    assert "cache entry" not in failed.stderr, failed.stderr
    assert "ld.lld --error-limit" not in failed.stderr, "ZIG_VERBOSE_LINK's lines leaked"
    after = sorted(p.name for p in (cache / "o").iterdir())
    assert set(before) <= set(after), "an entry was removed"
