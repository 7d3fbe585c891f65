"""Shared build cache harness: sccache backed by a real Redis server on loopback, with two
"machines" building the same sources, for ziglink and (with --compare) for maturin --zig.

    python -m tests.stress.shared_cache --wheelhouse DIR [--compare]

Machine 1 builds a fixture from scratch into an empty cache; machine 2 then builds the same
sources with its own build environment, HOME, zig cache, sccache server and target folder, and
only Redis in common. Machine 1's target folder is moved aside first, so machine 2's is a new,
empty one at the same path, as on two machines with the same checkout path. (sccache keys the
crates that include generated files by their OUT_DIR, so a different path misses there whatever
the linker; see docs/shared-caches.md.)

Fixtures:
  workspace  the seed-shaped uv workspace of three PyO3 members, `uv build --all-packages`
  zstd       tests/fixtures/hello-zstd, whose libzstd C sources cc-rs compiles, for aarch64:
             `ziglink cargo build` / `maturin build -b bin --zig`
A last run builds zstd on machine 3, whose ziglink runs an older zig (ziglang 0.17.0): its C
objects must not come from the cache, which holds objects another zig compiled.

It prints one row per build (sccache's counts of cacheable Rust and C/C++ compiles, hits, misses,
wall time), and exits 1 unless ziglink's machine-2 builds get at least 95% hits for Rust and for
C, machine 3 gets no C hits, and machine 2's aarch64 binary runs under qemu.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.harness import (
    FIXTURES,
    MEMBERS,
    Sandbox,
    copy_tree,
    free_port,
    run,
    seed_workspace,
    venv_with,
    with_path,
)

ZSTD = FIXTURES / "hello-zstd"
AARCH64 = "aarch64-unknown-linux-gnu"
ZIGLANG = "ziglang==0.17.1"
OTHER_ZIGLANG = "ziglang==0.17.0"
MATURIN = "maturin==1.16.0"
DEBIAN_RUSTC = "/usr/bin/rustc"  # has the aarch64 standard library (see cross-testing docs)
WANTED_HIT_RATE = 0.95


@dataclass
class Row:
    fixture: str
    tool: str
    machine: str
    seconds: float
    rust_hits: int
    rust_misses: int
    c_hits: int
    c_misses: int

    @staticmethod
    def rate(hits: int, misses: int) -> float | None:
        return hits / (hits + misses) if hits + misses else None


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(work: Path):
    """A Redis on loopback that keeps nothing on disk, stopped on the way out."""
    port = free_port()
    log = (work / "redis.log").open("w")
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(work)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not redis_ping(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start; see {work / 'redis.log'}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


class Machine:
    """One stand-in machine: its own HOME, TMPDIR, uv and zig caches, sccache server and local
    sccache folder; the Redis endpoint is all it shares."""

    def __init__(self, root: Path, name: str, redis: str) -> None:
        self.root = root
        self.name = name
        caches = {"UV_CACHE_DIR": root / "uv-cache", "ZIG_GLOBAL_CACHE_DIR": root / "zig-cache"}
        self.box = Sandbox(root, caches, user_cache=True)
        self.env = {
            **self.box.env,
            "RUSTC_WRAPPER": "sccache",
            "SCCACHE_REDIS_ENDPOINT": redis,
            "SCCACHE_DIR": str(root / "sccache"),
            "SCCACHE_SERVER_PORT": str(free_port()),
            "SCCACHE_ERROR_LOG": str(root / "sccache.log"),
            "SCCACHE_IDLE_TIMEOUT": "0",
        }

    @contextmanager
    def sccache(self, env: dict[str, str]):
        """A fresh sccache server for one build; yields a dict its counts land in."""
        run(["sccache", "--start-server"], env=env)
        counts: dict = {}
        try:
            yield counts
            stats = run(["sccache", "--show-stats", "--stats-format", "json"], env=env).stdout
            counts.update(json.loads(stats)["stats"])
        finally:
            run(["sccache", "--stop-server"], env=env, check=False)


def row(fixture: str, tool: str, machine: str, seconds: float, stats: dict) -> Row:
    hits = stats["cache_hits"]["counts"]
    misses = stats["cache_misses"]["counts"]
    return Row(
        fixture, tool, machine, seconds,
        rust_hits=hits.get("Rust", 0), rust_misses=misses.get("Rust", 0),
        c_hits=hits.get("C/C++", 0), c_misses=misses.get("C/C++", 0),
    )  # fmt: skip


def move_aside(targets: list[Path]) -> None:
    """The previous machine's target folders go out of the way (and stay, for a look)."""
    for target in targets:
        if target.exists():
            n = 1
            while target.with_name(f"{target.name}-{n}").exists():
                n += 1
            target.rename(target.with_name(f"{target.name}-{n}"))


def build_workspace(tool: str, ws: Path, machine: Machine, house: Path) -> Row:
    move_aside([ws / "packages" / m / "target" for m in MEMBERS])
    out = machine.root / "wheels"
    extra = "--zig " if tool == "maturin --zig" else ""
    env = machine.env
    with machine.sccache(env) as stats:
        start = time.monotonic()
        run(["uv", "build", "--all-packages", "--wheel", "--no-index", "--find-links", house,
             "--config-setting", f"build-args={extra}--compatibility manylinux2014", "-o", out],
            env=env, cwd=ws)  # fmt: skip
        seconds = time.monotonic() - start
    wheels = sorted(p.name for p in out.glob("*.whl"))
    if len(wheels) != len(MEMBERS):
        raise RuntimeError(f"{tool} on machine {machine.name} built {wheels}")
    return row("workspace", tool, machine.name, seconds, stats)


def build_zstd(
    tool: str, crate: Path, machine: Machine, house: Path, ziglang: str = ZIGLANG
) -> tuple[Row, Path]:
    move_aside([crate / "target"])
    if tool == "ziglink":
        # --no-deps: ziglink's own requirement would not let an older ziglang in.
        packages, no_deps = ["ziglink", ziglang], ziglang != ZIGLANG
        cmd = ["ziglink", "cargo", "build", "--release", "--target", f"{AARCH64}.2.17"]
    else:
        packages, no_deps = [MATURIN, ziglang], False
        cmd = ["maturin", "build", "--release", "-b", "bin", "--zig", "--target", AARCH64,
               "--compatibility", "manylinux2014", "-o", machine.root / "wheels"]  # fmt: skip
    bin_dir = venv_with(
        machine.root / "venv", machine.env, *packages, wheelhouse=house, no_deps=no_deps
    )
    env = {**with_path(machine.env, bin_dir), "RUSTC": DEBIAN_RUSTC}
    with machine.sccache(env) as stats:
        start = time.monotonic()
        run(cmd, env=env, cwd=crate)
        seconds = time.monotonic() - start
    binary = crate / "target" / AARCH64 / "release" / "hello-zstd"
    return row("zstd (aarch64)", tool, machine.name, seconds, stats), binary


def progress(r: Row) -> Row:
    print(f"{r.fixture}, {r.tool}, machine {r.machine}: {r.seconds:.1f} s", flush=True)
    return r


def show(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def print_table(rows: list[Row]) -> None:
    print()
    print("| fixture | tool | machine | Rust compiles | Rust hits | Rust misses | C compiles "
          "| C hits | C misses | hit rate (Rust / C) | wall |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        rates = f"{show(r.rate(r.rust_hits, r.rust_misses))} / {show(r.rate(r.c_hits, r.c_misses))}"
        print(
            f"| {r.fixture} | {r.tool} | {r.machine} | {r.rust_hits + r.rust_misses} "
            f"| {r.rust_hits} | {r.rust_misses} | {r.c_hits + r.c_misses} | {r.c_hits} "
            f"| {r.c_misses} | {rates} | {r.seconds:.1f} s |"
        )
    print()


def failures(rows: list[Row], ran: str) -> list[str]:
    problems = []
    for r in rows:
        if r.tool != "ziglink":
            continue
        rust, c = r.rate(r.rust_hits, r.rust_misses), r.rate(r.c_hits, r.c_misses)
        if r.machine == "2":
            if rust is None or rust < WANTED_HIT_RATE:
                problems.append(f"{r.fixture}: machine 2 Rust hit rate {show(rust)}")
            if r.fixture.startswith("zstd") and (c is None or c < WANTED_HIT_RATE):
                problems.append(f"{r.fixture}: machine 2 C hit rate {show(c)}")
        if r.machine.startswith("3") and (r.c_hits or not r.c_misses):
            problems.append(
                f"{r.fixture}: another zig got {r.c_hits} C objects of {r.c_hits + r.c_misses} "
                "from the cache"
            )
    if "round trip ok" not in ran:
        problems.append(f"machine 2's aarch64 binary did not run: {ran!r}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument(
        "--compare", action="store_true", help="also build with maturin --zig, side by side"
    )
    args = parser.parse_args()
    tools = [("ziglink", "ziglink")]
    if args.compare:
        tools.append(("maturin --zig", "maturin-zig"))
    house = args.wheelhouse.resolve()
    for program in ("sccache", "redis-server", "qemu-aarch64", DEBIAN_RUSTC):
        if not shutil.which(program):
            print(f"shared_cache: {program} is not installed (bash .ci/setup)", file=sys.stderr)
            return 1
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ziglink-shared-cache-") as tmp:
        work = Path(tmp)
        ran = ""
        for tool, slug in tools:
            # A Redis per tool, so neither is served what the other stored.
            with redis_server(work) as redis:
                ws = seed_workspace(work / slug / "ws", maturin_zig=slug == "maturin-zig")
                crate = copy_tree(ZSTD, work / slug / "hello-zstd")
                for name in ("1", "2"):
                    machine = Machine(work / slug / f"machine-{name}", name, redis)
                    rows.append(progress(build_workspace(tool, ws, machine, house)))
                    zstd_row, binary = build_zstd(tool, crate, machine, house)
                    rows.append(progress(zstd_row))
                    if tool == "ziglink" and name == "2":
                        ran = run(["qemu-aarch64", binary], env=machine.env).stdout.strip()
                if tool == "ziglink":
                    machine = Machine(work / slug / "machine-3", "3 (zig 0.17.0)", redis)
                    zstd_row, _ = build_zstd(tool, crate, machine, house, OTHER_ZIGLANG)
                    rows.append(progress(zstd_row))
    print_table(rows)
    print(f"machine 2's aarch64 binary under qemu: {ran}")
    problems = failures(rows, ran)
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
