"""Stress harness: the failure modes ziglink exists to remove, under harsher conditions than the
original report, for ziglink and (with --compare) for maturin --zig / cargo-zigbuild.

    python -m tests.stress.stress --wheelhouse DIR [--scale 0.2] [--compare] [--only 1,2]

Scenarios (full counts at --scale 1):
  1  a uv workspace of three maturin PyO3 members, `uv build --all-packages`, 50 times, build
     environments created and deleted each time
  2  8 concurrent links of different targets and glibc floors on a cold zig cache, 10 times
  3  two environments with different ziglang versions building at once, one deleted mid-run:
     the other must never touch anything of the deleted one
  4  HOME and the user cache on a read-only mount, 5 times

It prints scenario -> runs -> failures -> files left behind, and exits 1 when any ziglink row
has a failure or a leftover file (the comparison rows only report).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import (
    FIXTURES,
    MEMBERS,
    Sandbox,
    copy_tree,
    file_tree,
    run,
    seed_workspace,
    venv_with,
    with_path,
)

HELLO = FIXTURES / "hello-bin"
COLD_TARGETS = [
    "x86_64-unknown-linux-gnu.2.17",
    "x86_64-unknown-linux-gnu.2.28",
    "aarch64-unknown-linux-gnu.2.17",
    "aarch64-unknown-linux-gnu.2.28",
    "armv7-unknown-linux-gnueabihf.2.17",
    "i686-unknown-linux-gnu.2.17",
    "s390x-unknown-linux-gnu.2.17",
    "powerpc64le-unknown-linux-gnu.2.32",
]
DEBIAN_RUST = {"RUSTC": "/usr/bin/rustc"}


@dataclass
class Row:
    scenario: str
    tool: str
    runs: int = 0
    failures: int = 0
    left: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def sandbox(root: Path, zig_cache: Path | None) -> Sandbox:
    """A Sandbox with its uv cache beside HOME and zig's at `zig_cache` (left to the environment
    when None). HOME has a user cache from the start, which scenario 4 makes read-only with it."""
    caches = {"UV_CACHE_DIR": root / "uv-cache"}
    if zig_cache is not None:
        caches["ZIG_GLOBAL_CACHE_DIR"] = zig_cache
    return Sandbox(root, caches, user_cache=True)


def finish(row: Row, box: Sandbox, before: set[Path], start: float) -> Row:
    """Records the time taken and what the runs left behind."""
    row.seconds = time.monotonic() - start
    left = box.left_behind(before)
    row.left = len(left)
    if left:
        row.notes.append(f"e.g. {left[0].relative_to(box.root)}")
    return row


# -- scenario 1 ---------------------------------------------------------------------------------


def scenario_seed(tool: str, runs: int, work: Path, wheelhouse: Path) -> Row:
    row = Row("1 uv build --all-packages (3 members)", tool)
    box = sandbox(work / "sandbox", work / "zig-cache")
    ws = seed_workspace(work / "ws", maturin_zig=tool == "maturin-zig")
    extra = "--zig " if tool == "maturin-zig" else ""
    build_args = f"build-args={extra}--compatibility manylinux2014"
    before = box.snapshot()
    start = time.monotonic()
    for i in range(runs):
        for name in MEMBERS:
            os.utime(ws / "packages" / name / "src" / "lib.rs")
        proc = run(
            ["uv", "build", "--all-packages", "--wheel", "--no-index", "--find-links", wheelhouse,
             "--config-setting", build_args, "-o", work / "out"],
            env=box.env, cwd=ws, check=False,
        )  # fmt: skip
        row.runs += 1
        if proc.returncode != 0:
            row.failures += 1
            row.notes.append(f"run {i}: {proc.stderr.strip().splitlines()[-1:]}")
        shutil.rmtree(work / "out", ignore_errors=True)
    return finish(row, box, before, start)


# -- scenario 2 ---------------------------------------------------------------------------------


def scenario_cold_links(tool: str, runs: int, work: Path, wheelhouse: Path) -> Row:
    row = Row("2 8 concurrent cold-cache links", tool)
    box = sandbox(work / "sandbox", None)
    if tool == "ziglink":
        bin_dir = venv_with(work / "venv", box.env, "ziglink", wheelhouse=wheelhouse)
        command = ["ziglink", "cargo", "build", "--locked", "--target"]
    else:
        bin_dir = venv_with(
            work / "venv", box.env, "cargo-zigbuild", "ziglang", wheelhouse=wheelhouse
        )
        command = ["cargo-zigbuild", "build", "--locked", "--target"]
    env = with_path({**box.env, **DEBIAN_RUST}, bin_dir)
    crates = {}
    for spec in COLD_TARGETS:  # one crate copy and target dir per job, built once while warm
        crate = copy_tree(HELLO, work / "crates" / spec)
        run([*command, spec], env={**env, "ZIG_GLOBAL_CACHE_DIR": str(work / "warm")}, cwd=crate)
        crates[spec] = crate
    before = box.snapshot()
    start = time.monotonic()
    for i in range(runs):
        cold = {**env, "ZIG_GLOBAL_CACHE_DIR": str(work / f"cold-{i}")}

        def link(spec: str, cold=cold) -> subprocess.CompletedProcess:
            os.utime(crates[spec] / "src" / "main.rs")
            return run([*command, spec], env=cold, cwd=crates[spec], check=False)

        with ThreadPoolExecutor(len(COLD_TARGETS)) as pool:
            results = list(pool.map(link, COLD_TARGETS))
        for spec, proc in zip(COLD_TARGETS, results):
            row.runs += 1
            if proc.returncode != 0:
                row.failures += 1
                row.notes.append(f"run {i} {spec}: {proc.stderr.strip().splitlines()[-3:]}")
        shutil.rmtree(work / f"cold-{i}", ignore_errors=True)
    return finish(row, box, before, start)


# -- scenario 3 ---------------------------------------------------------------------------------


def scenario_deleted_env(runs: int, work: Path, wheelhouse: Path) -> Row:
    row = Row("3 two envs, one deleted mid-run", "ziglink")
    box = sandbox(work / "sandbox", work / "zig-cache")
    # Outside ziglink's declared range on purpose: the point is that the two differ.
    doomed = venv_with(
        work / "env-a", box.env, "ziglink", "ziglang==0.17.0", wheelhouse=wheelhouse, no_deps=True
    )
    kept = venv_with(work / "env-b", box.env, "ziglink", "ziglang==0.17.1", wheelhouse=wheelhouse)
    crate_a, crate_b = work / "crate-a", work / "crate-b"
    for crate in (crate_a, crate_b):
        copy_tree(HELLO, crate)
    linker = {"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": "ziglink"}
    env_a = with_path({**box.env, **linker}, doomed)
    env_b = with_path({**box.env, **linker}, kept)
    for crate, env in ((crate_a, env_a), (crate_b, env_b)):
        run(["cargo", "build", "--locked"], env=env, cwd=crate)
    before = box.snapshot()
    trace = work / "b.trace"
    started = threading.Event()

    a_results: list[int] = []

    def build_a() -> None:
        for _ in range(runs):
            os.utime(crate_a / "src" / "main.rs")
            started.set()
            proc = run(["cargo", "build", "--locked"], env=env_a, cwd=crate_a, check=False)
            a_results.append(proc.returncode)

    def delete_a() -> None:
        started.wait()
        time.sleep(0.5)
        shutil.rmtree(work / "env-a")

    start = time.monotonic()
    threads = [threading.Thread(target=build_a), threading.Thread(target=delete_a)]
    for t in threads:
        t.start()
    for i in range(runs):
        os.utime(crate_b / "src" / "main.rs")
        strace = ["strace", "-f", "-qq", "-e", "trace=%file,%process", "-o", f"{trace}.{i}"]
        proc = run([*strace, "cargo", "build", "--locked"], env=env_b, cwd=crate_b, check=False)
        ok = run([crate_b / "target/debug/hello-bin"], env=env_b, check=False).returncode == 0
        row.runs += 1
        if proc.returncode != 0 or not ok:
            row.failures += 1
            row.notes.append(f"run {i}: {proc.stderr.strip().splitlines()[-2:]}")
    for t in threads:
        t.join()
    row.seconds = time.monotonic() - start
    lines = [line for i in range(runs) for line in Path(f"{trace}.{i}").read_text().splitlines()]
    touched = [line for line in lines if str(work / "env-a") in line]
    if touched:
        row.failures += 1
        row.notes.append(f"env B touched env A: {touched[0][:200]}")
    # The trace must show B's own ziglink and zig at work, or it proved nothing.
    for needed in (str(kept / "ziglink"), str(work / "env-b")):
        if not any("execve" in line and needed in line for line in lines):
            row.failures += 1
            row.notes.append(f"no exec of {needed} in B's trace")
    failed_a = len(a_results) - a_results.count(0)
    row.notes.append(
        f"env A (deleted mid-run): {a_results.count(0)} builds ok, {failed_a} failed (not gated)"
    )
    left = box.left_behind(before)
    row.left = len(left)
    return row


# -- scenario 4 ---------------------------------------------------------------------------------


def scenario_read_only_home(runs: int, work: Path, wheelhouse: Path) -> Row:
    row = Row("4 read-only HOME and user cache", "ziglink")
    box = sandbox(work / "sandbox", None)
    bin_dir = venv_with(work / "venv", box.env, "ziglink", wheelhouse=wheelhouse)
    env = with_path({**box.env, "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": "ziglink"}, bin_dir)
    crate = copy_tree(HELLO, work / "crate")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec cargo build --locked'
    home_before = file_tree(box.home)
    start = time.monotonic()
    for i in range(runs):
        os.utime(crate / "src" / "main.rs")
        proc = run(
            ["unshare", "-rm", "sh", "-c", script, "sh", box.home], env=env, cwd=crate, check=False
        )
        row.runs += 1
        if proc.returncode != 0:
            row.failures += 1
            row.notes.append(f"run {i}: {proc.stderr.strip().splitlines()[-2:]}")
    row.seconds = time.monotonic() - start
    row.left = len(file_tree(box.home) - home_before)
    return row


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'scenario':<40} {'tool':<12} {'runs':>5} {'failures':>9} {'files left':>11} {'time':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.scenario:<40} {r.tool:<12} {r.runs:>5} {r.failures:>9} {r.left:>11} {r.seconds:>7.0f}s"
        )
        for note in r.notes[:5]:
            print(f"    {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full counts")
    parser.add_argument("--compare", action="store_true", help="also run maturin --zig")
    parser.add_argument("--only", default="1,2,3,4", help="comma-separated scenario numbers")
    args = parser.parse_args()

    def count(full: int) -> int:
        return max(1, round(full * args.scale))

    chosen = set(args.only.split(","))
    rows: list[Row] = []
    tools = ["ziglink", "maturin-zig"] if args.compare else ["ziglink"]
    with tempfile.TemporaryDirectory(prefix="ziglink-stress-") as tmp:
        work = Path(tmp)
        for tool in tools:
            if "1" in chosen:
                rows.append(scenario_seed(tool, count(50), work / f"s1-{tool}", args.wheelhouse))
            if "2" in chosen:
                rows.append(
                    scenario_cold_links(tool, count(10), work / f"s2-{tool}", args.wheelhouse)
                )
        if "3" in chosen:
            rows.append(scenario_deleted_env(count(10), work / "s3", args.wheelhouse))
        if "4" in chosen:
            rows.append(scenario_read_only_home(count(5), work / "s4", args.wheelhouse))
    print_table(rows)
    gated = [r for r in rows if r.tool == "ziglink"]
    bad = [r for r in gated if r.failures or r.left]
    print(f"stress: {len(gated) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
