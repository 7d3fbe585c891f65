"""Soak: zig killed at random moments of cold links; the link after each must succeed.

    python -m tests.stress.soak --wheelhouse DIR [--builds N] [--seed S]

Each round links a hello world in an empty zig cache, one kind of link after another (KINDS:
glibc, musl, aarch64, MinGW, macOS, C++ with libc++), and SIGKILLs zig at a random moment of
it: the zig that ziglink started, every process of zig's, or one of them picked at random. With
no step in between, the same link then runs again in the same cache. It must succeed, and its
program must run (natively, under qemu or wine) or, for macOS, carry a valid code signature; a
third link, warm, must repair nothing. The killed link must leave no output file and no staging
file behind. The kill moment is drawn from the kind's cold length, estimated from a first cold
glibc link; a round whose link ends before its kill measures that length, and runs once more.

It prints one row per round and the totals, and exits 1 on any failure. The e2e session runs the
default 8 rounds (one of each kind, and glibc and aarch64 once more); `nox -s soak -- --builds
60` runs longer.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import Sandbox, macho, run, venv_with, wine, with_path
from tests.harness.pe import AMD64

HELLO_C = '#include <stdio.h>\nint main(void) { puts("soaked"); return 0; }\n'
HELLO_CXX = '#include <iostream>\nint main() { std::cout << "soaked" << std::endl; }\n'
REPAIRED = "removed and rebuilt"
MODES = ("zig", "all", "one")


@dataclass(frozen=True)
class Kind:
    name: str
    target: str
    cxx: bool
    # A cold link's length, in cold glibc C links (measured here: musl 9, MinGW 16, libc++ 12):
    # the random kill moment is drawn from it.
    weight: float


KINDS = [
    Kind("glibc", "x86_64-unknown-linux-gnu", False, 1.0),
    Kind("musl", "x86_64-unknown-linux-musl", False, 9.0),
    Kind("aarch64", "aarch64-unknown-linux-gnu", False, 1.0),
    Kind("mingw", "x86_64-pc-windows-gnu", False, 16.0),
    Kind("macos", "aarch64-apple-darwin", False, 1.0),
    Kind("libc++", "x86_64-unknown-linux-gnu", True, 12.0),
]
ROTATION = ["glibc", "musl", "aarch64", "mingw", "macos", "libc++", "glibc", "aarch64"]


@dataclass
class Round:
    number: int
    kind: Kind
    mode: str
    planned: float  # seconds after the start
    killed: list[str] = field(default_factory=list)  # what was killed, by command name
    killed_exit: int | None = None
    killed_said: list[str] = field(default_factory=list)  # the killed link's last line
    next_seconds: float = 0.0
    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, parents before their children."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop(0)
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(word) for word in children.read_text().split()]
            except OSError:  # the task ended while it was read
                continue
            found += kids
            todo += kids
    return found


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def kill_at(proc: subprocess.Popen, moment: float, mode: str, rng: random.Random) -> list[str]:
    """At `moment` seconds after `proc` started, SIGKILLs the zig of `mode` below it (waiting
    for one to run when none does); nothing when `proc` has ended by then."""
    deadline = time.monotonic() + moment
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return []
        time.sleep(0.005)
    while proc.poll() is None:
        below = descendants(proc.pid)
        if below:
            chosen = {"zig": below[:1], "all": below, "one": [rng.choice(below)]}[mode]
            names = []
            for pid in chosen:
                names.append(command_name(pid))
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    names.pop()
            if names:
                return names
        time.sleep(0.002)
    return []


def wait_gone(pids: list[int], timeout: float = 120.0) -> None:
    """Waits for processes orphaned by a kill (zig's compilers, when only zig was killed) so that
    the next round does not share the machine with them."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(Path(f"/proc/{pid}").exists() for pid in pids):
        time.sleep(0.05)


class Soak:
    def __init__(self, work: Path, wheelhouse: Path, seed: int) -> None:
        self.work = work
        self.rng = random.Random(seed)
        box = Sandbox(work / "sandbox", {"UV_CACHE_DIR": work / "uv-cache"})
        bin_dir = venv_with(work / "venv", box.env, "ziglink", wheelhouse=wheelhouse)
        self.env = with_path(box.env, bin_dir)
        self.prefix = wine.make_prefix(work / "wine", box.env)
        self.unit = 0.0  # a cold glibc C link, measured first
        # A cold link's length per kind, from a round that ended before its kill.
        self.measured: dict[str, float] = {}
        self.folders = 0

    def folder(self, name: str) -> Path:
        self.folders += 1
        folder = self.work / f"{self.folders}-{name}"
        folder.mkdir()
        (folder / "hello.c").write_text(HELLO_C)
        (folder / "hello.cc").write_text(HELLO_CXX)
        return folder

    @staticmethod
    def link(kind: Kind, out: str) -> list[str]:
        tool, source = ("ziglink-cxx", "hello.cc") if kind.cxx else ("ziglink-cc", "hello.c")
        return [tool, f"--target={kind.target}", source, "-o", out]

    def env_for(self, cache: Path) -> dict[str, str]:
        return {**self.env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}

    def calibrate(self) -> None:
        folder = self.folder("calibrate")
        start = time.monotonic()
        line = self.link(KINDS[0], "hello")
        run(line, env=self.env_for(folder / "zig-cache"), cwd=folder)
        self.unit = time.monotonic() - start

    def round(self, number: int, kind: Kind) -> Round:
        mode = self.rng.choice(MODES)
        cold = self.measured.get(kind.name, kind.weight * self.unit)
        planned = self.rng.uniform(0.02, 0.95) * cold
        result = Round(number, kind, mode, planned)
        folder = self.folder(f"round-{number}")
        cache = folder / "zig-cache"
        env = self.env_for(cache)
        sources = set(folder.iterdir())
        start = time.monotonic()
        proc = subprocess.Popen(
            self.link(kind, "killed"),
            env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        result.killed = kill_at(proc, result.planned, mode, self.rng)
        orphans = descendants(proc.pid)
        _, stderr = proc.communicate()
        wait_gone(orphans)
        result.killed_exit = proc.returncode
        if not result.killed:
            self.measured[kind.name] = time.monotonic() - start
        result.killed_said = stderr.strip().splitlines()[-1:]
        left = sorted(p.name for p in set(folder.iterdir()) - sources - {cache})
        if result.killed and proc.returncode == 0 and left == ["killed"]:
            result.killed = []  # zig was killed as it ended, after writing everything
        if result.killed and left:
            result.problems.append(f"the killed link left {left}")
        # An abort is not one: ziglink leaves by zig's signal, and zig aborts when a process
        # of its own is killed.
        if "panicked at" in stderr:
            result.problems.append(f"ziglink panicked: {stderr.strip()[-400:]}")
        if not result.killed and proc.returncode != 0:
            result.problems.append(f"the link failed unkilled: {stderr.strip()[-300:]}")

        start = time.monotonic()
        linked = run(self.link(kind, "next"), env=env, cwd=folder, check=False)
        result.next_seconds = time.monotonic() - start
        result.repaired = [ln for ln in linked.stderr.splitlines() if REPAIRED in ln]
        if linked.returncode != 0:
            result.problems.append(f"the next link failed: {linked.stderr.strip()[-600:]}")
        else:
            result.problems += self.check_output(folder / "next", kind)
            warm = run(self.link(kind, "warm"), env=env, cwd=folder, check=False)
            if warm.returncode != 0 or REPAIRED in warm.stderr:
                result.problems.append(f"the warm link after it: {warm.stderr.strip()[-300:]}")
        return result

    def check_output(self, out: Path, kind: Kind) -> list[str]:
        if "apple" in kind.target:
            problems = macho.image(out).signature_problems
            return [f"signature: {problems[:2]}"] if problems else []
        if "windows" in kind.target:
            command = [wine.loader(AMD64), out]
            env = wine.wine_env(self.prefix, self.env)
        else:
            command = ["qemu-aarch64", out] if kind.target.startswith("aarch64") else [out]
            env = self.env
        ran = run(command, env=env, cwd=out.parent, check=False)
        if ran.returncode != 0 or ran.stdout.strip() != "soaked":
            return [f"the program printed {ran.stdout.strip()!r}, exit {ran.returncode}"]
        return []


def print_header() -> None:
    print(f"{'#':>3} {'kind':8} {'kill':4} {'at s':>6}  {'killed':24} {'exit':>4} "
          f"{'next s':>6}  repaired / problems")  # fmt: skip


def print_row(r: Round) -> None:
    names = sorted(set(r.killed))
    killed = ",".join(f"{n} x{r.killed.count(n)}" for n in names) or "(ended first)"
    exit_code = "" if r.killed_exit is None else str(r.killed_exit)
    notes = "; ".join([*(ln.removeprefix("ziglink: ") for ln in r.repaired), *r.problems])
    print(f"{r.number:>3} {r.kind.name:8} {r.mode:4} {r.planned:6.2f}  {killed[:24]:24} "
          f"{exit_code:>4} {r.next_seconds:6.1f}  {notes or '-'}", flush=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--builds", type=int, default=len(ROTATION), help="rounds to run")
    parser.add_argument("--seed", type=int, default=None, help="the random seed (default: new)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    kinds = {kind.name: kind for kind in KINDS}
    rounds = []
    with tempfile.TemporaryDirectory(prefix="ziglink-soak-") as tmp:
        soak = Soak(Path(tmp), args.wheelhouse, seed)
        soak.calibrate()
        print(f"soak: seed {seed}, a cold glibc link takes {soak.unit:.1f} s")
        print_header()
        for number in range(args.builds):
            kind = kinds[ROTATION[number % len(ROTATION)]]
            result = soak.round(number, kind)
            if not result.killed and not result.problems:
                # It ended before its kill (a busy machine is slower to calibrate than to
                # link): now its length is known, so once more.
                print_row(result)
                result = soak.round(number, kind)
            rounds.append(result)
            print_row(rounds[-1])
    killed = [r for r in rounds if r.killed]
    failed = [r for r in rounds if r.problems]
    repairs = sum(len(r.repaired) for r in rounds)
    print(
        f"soak: {len(rounds)} cold links, zig killed in {len(killed)}; "
        f"{len(rounds) - len(failed)} next links succeeded, {len(failed)} failed; "
        f"{repairs} cache entries repaired (seed {seed})"
    )
    said = [line for r in killed for line in r.killed_said]
    for line in sorted(set(said)):
        print(f"  {said.count(line)}x the killed link said: {line[:160]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
