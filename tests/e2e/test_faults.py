"""Issue 13: faults during a real link leave nothing half-done. zig killed while ld.lld writes,
ziglink sent SIGTERM, Ctrl-C to the whole build, a full disk under the target folder and under
TMPDIR, a read-only output folder and a missing one: each gives one clear line and the right
exit status, leaves no response file, no half-written output and no process behind, and the
next build links and runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from conftest import cargo_build

from tests.harness import run

pytestmark = pytest.mark.e2e

EXPECTED_OUTPUT = "threads: 60, caught panic: true, file: round trip"
RUSTFLAGS_VAR = "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS"


# -- processes, read from /proc -----------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody reaped yet."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone(*pids: int, timeout: float = 10) -> bool:
    """Whether all of `pids` have ended within `timeout` (cargo can return before the processes
    it started have finished cleaning up)."""
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def wait_for(root: int, is_it, timeout: float) -> int:
    """The first descendant of `root` whose argv `is_it` accepts, polled every half millisecond."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in descendants(root):
            if is_it(cmdline(pid)):
                return pid
        time.sleep(0.0005)
    pytest.fail(f"no matching process under {root} within {timeout} s")


def is_zig_link(argv: list[str]) -> bool:
    return len(argv) > 2 and argv[0].endswith("/zig") and argv[1] == "cc"


def is_lld(argv: list[str]) -> bool:
    return len(argv) > 1 and argv[0].endswith("/zig") and argv[1] == "ld.lld"


def is_ziglink_link(argv: list[str]) -> bool:
    return bool(argv) and Path(argv[0]).name == "ziglink" and "-nodefaultlibs" in argv


# -- what a build leaves ------------------------------------------------------------------------


def binaries(crate: Path) -> list[Path]:
    """The linked outputs in the target folder: the final binary and its copy in deps/."""
    deps = crate / "target" / "debug" / "deps"
    found = [p for p in deps.glob("hello_bin-*") if "." not in p.name]
    top = crate / "target" / "debug" / "hello-bin"
    return found + ([top] if top.exists() else [])


def temporaries(crate: Path) -> list[Path]:
    """ld.lld's and clang's temporary outputs."""
    deps = crate / "target" / "debug" / "deps"
    return [p for p in deps.iterdir() if ".tmp" in p.name]


def response_files(*dirs: Path) -> list[Path]:
    return [p for d in dirs for p in d.rglob("ziglink-*.args")]


@pytest.fixture
def faulty(crate, cargo_env, sandbox, tmp_path):
    """The crate with its glibc link through a response file of the test's (ziglink then
    writes its own beside it), after one build that warmed zig's cache and one clean."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "link.args").write_text("-Wl,--as-needed\n")
    env = {**cargo_env, RUSTFLAGS_VAR: f"-C link-arg=@{extra / 'link.args'}"}
    cargo_build(crate, env)
    run(["cargo", "clean", "-p", "hello-bin"], env=env, cwd=crate)
    return crate, env, extra


def assert_left_nothing(crate: Path, extra: Path, sandbox) -> None:
    assert binaries(crate) == []
    assert temporaries(crate) == []
    assert response_files(extra, sandbox.tmp, crate / "target") == []


def assert_next_build_runs(crate: Path, env: dict[str, str]) -> None:
    cargo_build(crate, env)
    binary = crate / "target" / "debug" / "hello-bin"
    assert run([binary], env=env).stdout.strip() == EXPECTED_OUTPUT


# -- zig killed, ziglink interrupted --------------------------------------------------------------


def build_with_lld_stopped(crate: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int, int]:
    """Starts the build and stops zig's ld.lld once it runs: a linker still at work. Returns
    the build, ld.lld and the zig that started it."""
    build = subprocess.Popen(
        ["cargo", "build", "--locked"], env=env, cwd=crate, stderr=subprocess.PIPE, text=True
    )
    lld = wait_for(build.pid, is_lld, timeout=60)
    os.kill(lld, signal.SIGSTOP)
    zig = parent(lld)
    assert is_zig_link(cmdline(zig)), cmdline(zig)
    return build, lld, zig


def test_zig_killed_while_lld_writes_leaves_no_output_and_no_linker(faulty, sandbox):
    crate, env, extra = faulty
    # ld.lld runs as a process of its own. Killed, zig leaves it behind; ziglink must end it
    # before it writes the output.
    build, lld, zig = build_with_lld_stopped(crate, env)
    os.kill(zig, signal.SIGKILL)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode != 0
    assert "signal: 9 (SIGKILL)" in stderr, stderr
    line = next(x for x in stderr.splitlines() if "ziglink: error:" in x)
    assert "zig was ended by SIGKILL (signal 9) before it finished" in line, line
    if alive(lld):
        os.kill(lld, signal.SIGCONT)  # what would happen without ziglink: it carries on
    assert gone(lld, timeout=3), "ld.lld was left running"
    assert_left_nothing(crate, extra, sandbox)
    assert_next_build_runs(crate, env)


def test_sigterm_to_ziglink_reaches_zig_and_what_zig_started(faulty, sandbox):
    crate, env, extra = faulty
    build, lld, zig = build_with_lld_stopped(crate, env)
    ziglink = parent(zig)
    assert is_ziglink_link(cmdline(ziglink)), cmdline(ziglink)
    os.kill(ziglink, signal.SIGTERM)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode != 0
    # rustc sees ziglink end by the signal it was sent, as if it had been zig itself, and
    # ziglink, asked to stop, adds no message of its own.
    assert "signal: 15 (SIGTERM)" in stderr, stderr
    assert "ziglink: error:" not in stderr, stderr
    assert gone(zig, lld)
    assert_left_nothing(crate, extra, sandbox)
    assert_next_build_runs(crate, env)


def test_ctrl_c_during_a_cold_link_leaves_nothing_and_zigs_cache_still_works(faulty, sandbox):
    crate, env, extra = faulty
    # A zig cache of its own, empty, and libc++ on the line: zig then builds libc++ for most of
    # a minute before it links, and the interrupt lands in the middle of that. (A link of Rust
    # alone builds glibc's few runtimes in about a second, too quickly to interrupt.)
    env = {
        **env,
        "ZIG_GLOBAL_CACHE_DIR": str(sandbox.root / "cold-zig-cache"),
        RUSTFLAGS_VAR: f"{env[RUSTFLAGS_VAR]} -C link-arg=-lc++",
    }
    # A run started in the background by a shell inherits SIGINT ignored, and so would cargo,
    # ziglink and zig: with a handler here, exec gives the build the default, as a user's has.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        build = subprocess.Popen(
            ["cargo", "build", "--locked"],
            env=env,
            cwd=crate,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    ziglink = wait_for(build.pid, is_ziglink_link, timeout=60)
    zig = wait_for(ziglink, is_zig_link, timeout=10)
    time.sleep(3)
    # As a terminal does: the whole foreground group, cargo, rustc, ziglink and zig, at once.
    os.killpg(build.pid, signal.SIGINT)
    build.communicate(timeout=60)
    assert build.returncode != 0
    assert gone(zig, ziglink)
    assert_left_nothing(crate, extra, sandbox)
    # zig was stopped half-way through building its runtimes: the cache it left must serve.
    assert_next_build_runs(crate, env)


# -- a full disk -------------------------------------------------------------------------------

FULL_DISK = textwrap.dedent(
    """\
    set -u
    out=$1 crate=$2 target=$3 small=$4
    mount -t tmpfs -o size=48m tmpfs "$target"
    mount -t tmpfs -o size=64k tmpfs "$small"
    mkdir -p "$small/tmp"
    printf -- '-Wl,--as-needed\\n' > "$small/link.args"
    export CARGO_TARGET_DIR=$target TMPDIR=$small/tmp CARGO_INCREMENTAL=0
    cd "$crate"
    cargo build --locked -q || exit 10
    size=$(stat -c %s "$target/debug/hello-bin")
    cargo clean -q -p hello-bin

    # 1. Room to compile, not to link.
    free=$(df -B1 --output=avail "$target" | tail -n 1)
    fallocate -l $((free - size / 2)) "$target/filler"
    cargo build --locked > "$out/link.log" 2>&1; echo $? > "$out/link.rc"
    ls -a "$target/debug/deps" "$target/debug" > "$out/link.left"
    rm "$target/filler"

    # 2. No room for ziglink's response file, beside the caller's or in TMPDIR.
    free=$(df -B1 --output=avail "$small" | tail -n 1)
    [ "$free" -gt 0 ] && fallocate -l "$free" "$small/filler"
    RUSTFLAGS="-C link-arg=@$small/link.args" cargo build --locked > "$out/rsp.log" 2>&1
    echo $? > "$out/rsp.rc"
    ls -a "$small" "$small/tmp" > "$out/rsp.left"
    rm -f "$small/filler"

    # 3. Space again: the same builds work.
    RUSTFLAGS="-C link-arg=@$small/link.args" cargo build --locked -q > "$out/again.log" 2>&1
    echo $? > "$out/again.rc"
    "$target/debug/hello-bin" > "$out/again.out"
    ls -a "$small" "$small/tmp" "$target/debug/deps" > "$out/again.left"
    """
)


def test_a_full_disk_is_named_and_nothing_is_left_once_space_is_back(crate, cargo_env, tmp_path):
    if shutil.which("unshare") is None or shutil.which("fallocate") is None:
        pytest.skip("needs unshare and fallocate")
    out, target, small = tmp_path / "out", tmp_path / "target", tmp_path / "small"
    for d in (out, target, small):
        d.mkdir()
    script = tmp_path / "full-disk.sh"
    script.write_text(FULL_DISK)
    args = [out, crate, target, small]
    run(["unshare", "-rm", "sh", script, *args], env=cargo_env)

    def read(name: str) -> str:
        return (out / name).read_text()

    # 1. ld.lld writes through a memory map: the full disk ends it by SIGBUS and zig by
    # SIGABRT, with no word from either. ziglink says why, and what it removed.
    assert read("link.rc").strip() != "0"
    line = next(x for x in read("link.log").splitlines() if "ziglink: error:" in x)
    assert "zig was ended by SIGABRT (signal 6) before it finished: the disk holding" in line
    assert "is nearly full" in line and "free some space and run the build again" in line, line
    left = read("link.left").split()
    assert not [n for n in left if ".tmp" in n or n == "hello-bin"], left

    # 2. ziglink's own file, in one line naming both places; nothing half-written stays.
    assert read("rsp.rc").strip() != "0"
    line = next(x for x in read("rsp.log").splitlines() if "ziglink: error:" in x)
    assert "cannot write a response file for zig in" in line, line
    assert line.count("No space left on device") == 2, line
    assert not [n for n in read("rsp.left").split() if n.startswith("ziglink-")]

    # 3.
    assert read("again.rc").strip() == "0", read("again.log")
    assert read("again.out").strip() == EXPECTED_OUTPUT
    assert not [n for n in read("again.left").split() if n.startswith("ziglink-") or ".tmp" in n]


# -- output folders that cannot be written ----------------------------------------------------


@pytest.fixture
def c_object(cargo_env, tmp_path) -> Path:
    """An object with a `main`, compiled by zig for x86_64 glibc."""
    source = tmp_path / "main.c"
    source.write_text("int main(void) { return 0; }\n")
    obj = tmp_path / "main.o"
    env = {**cargo_env, "TARGET": "x86_64-unknown-linux-gnu"}
    run(["ziglink-cc", "-c", source, "-o", obj], env=env)
    return obj


def link_to(output: Path, obj: Path, env: dict[str, str], *wrap: str):
    sysroot = run(["rustc", "--print", "sysroot"], env=env).stdout.strip()
    rustlib = f"-L{sysroot}/lib/rustlib/x86_64-unknown-linux-gnu/lib"
    return run([*wrap, "ziglink", rustlib, obj, "-o", output], env=env, check=False)


def assert_one_failure_line_from_zig(proc: subprocess.CompletedProcess, needle: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "panicked" not in proc.stderr
    errors = [x for x in proc.stderr.splitlines() if "error" in x]
    assert len(errors) == 1 and needle in errors[0], proc.stderr


def test_an_output_in_a_missing_folder_is_zigs_one_line(c_object, cargo_env, tmp_path):
    proc = link_to(tmp_path / "no" / "such" / "app", c_object, cargo_env)
    assert_one_failure_line_from_zig(proc, f'unable to open output directory "{tmp_path}/no/such"')


def test_a_read_only_output_folder_is_zigs_one_line(c_object, cargo_env, tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare")
    ro = tmp_path / "ro"
    ro.mkdir()
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    proc = link_to(ro / "app", c_object, cargo_env, "unshare", "-rm", "sh", "-c", script, "sh", ro)
    assert_one_failure_line_from_zig(proc, "Read-only file system")
    assert list(ro.iterdir()) == []
