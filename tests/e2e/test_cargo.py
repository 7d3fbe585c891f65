"""Acceptance 3 and 5: plain `cargo build` with ziglink as the linker, the glibc floor it
enforces, and what a single linker call starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import cargo_build, max_glibc

from tests.harness import run

pytestmark = pytest.mark.e2e

EXPECTED_OUTPUT = "threads: 60, caught panic: true, file: round trip"


def test_binary_runs_and_needs_at_most_glibc_2_17(crate, cargo_env):
    cargo_build(crate, cargo_env)
    binary = crate / "target" / "debug" / "hello-bin"
    assert run([binary], env=cargo_env).stdout.strip() == EXPECTED_OUTPUT
    assert max_glibc(binary) <= (2, 17)


def test_floor_is_enforced_and_moves_with_ziglink_glibc(crate, cargo_env):
    # fcntl64 first appeared in glibc 2.28: under the default floor it must not resolve ...
    failed = cargo_build(crate, cargo_env, "--features", "fcntl64", check=False)
    assert failed.returncode != 0
    assert "undefined symbol: fcntl64" in failed.stderr
    # A failed link leaves no output, partial or whole, for a later build to trust.
    deps = crate / "target" / "debug" / "deps"
    outputs = [p.name for p in deps.glob("hello_bin-*") if p.suffix not in (".d", ".o")]
    assert not outputs, outputs
    assert not (crate / "target" / "debug" / "hello-bin").exists()

    # ... and with the floor at 2.28 it links against exactly that version.
    env = {**cargo_env, "ZIGLINK_GLIBC": "2.28"}
    cargo_build(crate, env, "--features", "fcntl64")
    binary = crate / "target" / "debug" / "hello-bin"
    assert run([binary], env=env).stdout.splitlines() == ["fcntl64: called", EXPECTED_OUTPUT]
    assert max_glibc(binary) == (2, 28)


EXECVE = re.compile(
    r'^(\d+) +execve\("([^"]*)", \[(.*?)\](?:, 0x[0-9a-f]+ /\* \d+ vars \*/)?\) = 0'
)
# A spawn, whole or as strace's "<... clone3 resumed>" half, with the child's pid.
SPAWN = re.compile(r"^(\d+) +(?:<\.\.\. )?(?:clone3?|vfork|fork)\b.*\) +=\s+(\d+)$")


@pytest.mark.parametrize("glibc_check", ["on", "off"])
def test_one_link_runs_one_zig_and_no_python(crate, cargo_env, tmp_path, installed, glibc_check):
    """ziglink runs zig as its one child, with or without the post-link glibc check: it reads
    what zig says to check the cache files the link used (a broken one is repaired and the link
    run again, which does not happen here). Either way: one zig, no Python."""
    env = {**cargo_env, "ZIGLINK_GLIBC_CHECK": "1" if glibc_check == "on" else "0"}
    cargo_build(crate, env)  # everything built; the traced build only relinks
    (crate / "src" / "main.rs").touch()
    trace = tmp_path / "trace"
    calls = "trace=execve,clone,clone3,vfork,fork"
    # -ff: one file per process, so no call is split by another process's output.
    strace = ["strace", "-ff", "-qq", "-s", "256", "-e", calls, "-o", trace]
    run([*strace, "cargo", "build", "--locked"], env=env, cwd=crate)

    execs, children = [], {}
    for part in tmp_path.glob("trace.*"):
        pid = part.suffix[1:]
        for line in part.read_text().splitlines():
            if m := EXECVE.match(f"{pid} {line}"):
                execs.append(m.groups())
            elif (m := SPAWN.match(f"{pid} {line}")) and "CLONE_THREAD" not in line:
                children.setdefault(pid, []).append(m.group(2))
    linker_pids = [pid for pid, path, _ in execs if Path(path).name == "ziglink"]
    assert len(linker_pids) == 1, execs
    linker = linker_pids[0]
    ran = [(path, argv) for pid, path, argv in execs if pid == linker][1:]
    assert ran == [], ran  # ziglink stays itself, to read zig's output after
    assert len(children.get(linker, [])) == 1, children.get(linker)
    (child,) = children[linker]
    ran = [(path, argv) for pid, path, argv in execs if pid == child]
    assert len(ran) == 1, ran  # exactly one zig
    zig_path, zig_argv = ran[0]
    assert zig_path.endswith("site-packages/ziglang/zig"), zig_path
    assert zig_argv.split(", ")[1] == '"cc"', zig_argv
    assert Path(zig_path).resolve().is_relative_to(installed.parent.resolve())
    pythons = [path for _, path, _ in execs if Path(path).name.startswith("python")]
    assert not pythons, pythons


def test_static_glibc_is_refused_rather_than_linked_dynamically(crate, cargo_env):
    # zig would quietly produce a dynamic executable here; ziglink says so instead.
    env = {**cargo_env, "RUSTFLAGS": "-C target-feature=+crt-static"}
    failed = cargo_build(crate, env, "--target", "x86_64-unknown-linux-gnu", check=False)
    assert failed.returncode != 0
    expected = "ziglink: error: `-static-pie` cannot be honoured for x86_64-unknown-linux-gnu"
    assert expected in failed.stderr, failed.stderr
    assert "x86_64-unknown-linux-musl" in failed.stderr


def test_read_only_home_moves_zigs_cache_to_a_documented_place(crate, cargo_env, sandbox):
    # As in sandboxed builds: HOME, and the user cache inside it, on a read-only mount. zig alone
    # stops with "unable to open global cache directory"; ziglink gives it a writable one.
    env = {k: v for k, v in cargo_env.items() if k != "ZIG_GLOBAL_CACHE_DIR"}
    home = sandbox.home
    (home / ".cache").mkdir()
    script = (
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && '
        '! touch "$1/.cache/probe" 2>/dev/null && exec cargo build --locked'
    )
    run(["unshare", "-rm", "sh", "-c", script, "sh", home], env=env, cwd=crate)
    binary = crate / "target" / "debug" / "hello-bin"
    assert run([binary], env=env).stdout.strip() == EXPECTED_OUTPUT
    assert list(home.rglob("*")) == [home / ".cache"]
    assert (sandbox.tmp / "ziglink-zig-cache-0").is_dir(), list(sandbox.tmp.iterdir())
