"""ziglink's overhead, measured side by side with calling zig directly and with cargo-zigbuild
(what `maturin --zig` runs), in one run on one machine.

    python -m bench.bench --wheelhouse target/wheelhouse [--rounds N] [--builds N]
                          [--baseline-wheel OLD.whl]

The wheelhouse must hold the ziglink wheel, ziglang and cargo-zigbuild (`nox -s bench` builds it).
Three measurements, each after a warm-up, so zig's cache is hot and only the tools differ:

1. one tiny C compile (`-c hello.c`): `zig cc` with the exact arguments ziglink would pass, then
   `ziglink-cc`, then cargo-zigbuild's `zigcc-*.sh` wrapper;
2. one link of a Rust hello-world, replaying the line rustc gave the linker: `zig cc` with
   ziglink's translation of it, then `ziglink`, then the wrapper;

both also through a C program that does nothing but exec zig: the cost of having any program
between the caller and zig, which no wrapper can go below;
3. a whole `cargo build --release` of a crate with C, C++ and CMake code, from a clean target
   folder: `ziglink cargo build` against `cargo zigbuild`.

With --baseline-wheel (a ziglink wheel built from an older commit, installed in a venv of its
own), 1 and 2 also run that wheel's tool, and the report sets the two wheels' `ziglink` binaries
side by side: size in bytes, and start-up time (`ziglink --version`), each as new / baseline.

Variants run interleaved in a new random order each round, and the table gives medians, so a
noisy neighbour slows every variant alike rather than one. It prints ratios, never asserts.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.harness import (
    FIXTURES,
    ROOT,
    clean_environ,
    copy_tree,
    record_link,
    run,
    timed,
    venv_with,
    with_path,
)

TRIPLE = "x86_64-unknown-linux-gnu"
SPEC = f"{TRIPLE}.2.17"
DIRECT = "zig cc (direct)"
SHIM = "exec-only C shim"
WRAPPER = "cargo-zigbuild wrapper"
PER_CALL_LIMIT = 1.10  # ziglink against direct zig
BUILD_LIMIT = 1.00  # ziglink cargo against cargo zigbuild

HELLO_C = "int add(int a, int b) { return a + b; }\n"
# The least any wrapper process can cost: exec the command it is given, nothing else.
EXEC_SHIM_C = """#include <unistd.h>
int main(int argc, char **argv) { (void)argc; execv(argv[1], argv + 1); return 127; }
"""


def baseline(tool: str) -> str:
    """The name of the baseline wheel's variant of `tool`."""
    return f"{tool} (baseline)"


class Bench:
    def __init__(self, work: Path, wheelhouse: Path, baseline_wheel: Path | None) -> None:
        self.work = work
        base = clean_environ()
        # A fresh uv cache: one from an earlier run could serve an older wheel of the same name.
        base["UV_CACHE_DIR"] = str(work / "uv-cache")
        self.bin = venv_with(
            work / "venv", base, "ziglink", "cargo-zigbuild", wheelhouse=wheelhouse
        )
        self.baseline_bin = None
        if baseline_wheel is not None:
            # And a cache of its own for the baseline, which has the same file name whenever the
            # version did not change between the two commits.
            env = {**base, "UV_CACHE_DIR": str(work / "uv-cache-baseline")}
            self.baseline_bin = venv_with(
                work / "venv-baseline", env, str(baseline_wheel), wheelhouse=wheelhouse
            )
        self.env = {
            **with_path(base, self.bin),
            "ZIG_GLOBAL_CACHE_DIR": str(work / "zig-cache"),
            # cargo-zigbuild keeps its wrapper scripts in the user cache: keep them in here.
            "XDG_CACHE_HOME": str(work / "cache"),
        }
        for name in ("hello-bin", "hello-c"):
            copy_tree(FIXTURES / name, work / name)
        self.shim = self.exec_shim()
        self.wrapper = self.zigbuild_wrapper()

    def zig_line(self, cmd: list[str], env: dict[str, str], cwd: Path) -> list[str]:
        """The zig command ziglink runs for `cmd`, from its ZIGLINK_LOG line."""
        err = run(cmd, env={**env, "ZIGLINK_LOG": "1"}, cwd=cwd).stderr
        line = next(x for x in err.splitlines() if x.startswith("ziglink: zig from "))
        return shlex.split(line.split(": ", 2)[2])

    def exec_shim(self) -> str:
        """A C program that only execs its arguments, built with zig itself: the floor for
        any program that stands between cargo and zig."""
        doctor = run([self.bin / "ziglink", "doctor", "--json"], env=self.env).stdout
        zig = json.loads(doctor)["zig"]["path"]
        source = self.work / "exec-shim.c"
        source.write_text(EXEC_SHIM_C)
        shim = self.work / "exec-shim"
        run([zig, "cc", "-O2", "-o", shim, source], env=self.env)
        return str(shim)

    def zigbuild_wrapper(self) -> Path:
        """cargo-zigbuild's C compiler script for SPEC, written by a first `cargo zigbuild`."""
        crate = self.work / "hello-bin"
        env = {**self.env, "CARGO_TARGET_DIR": str(self.work / "t-zigbuild-probe")}
        run(["cargo", "zigbuild", "--locked", "--target", SPEC], env=env, cwd=crate)
        scripts = sorted((self.work / "cache").rglob(f"zigcc-{SPEC}*"))
        if not scripts:
            sys.exit("bench: cargo zigbuild wrote no zigcc wrapper for " + SPEC)
        return scripts[0]

    def baseline_env(self, env: dict[str, str]) -> dict[str, str]:
        """`env` for the baseline wheel's tools: their venv first on PATH, and a zig cache of
        their own. Two installs of one zig must not share a cache: each would find the cache's
        records written for the other's files, and hash them all again at every switch (about a
        second per link on a 2-core VM)."""
        return {
            **with_path(env, self.baseline_bin),
            "ZIG_GLOBAL_CACHE_DIR": str(self.work / "zig-cache-baseline"),
        }

    def captured_link(self) -> list[str]:
        """rustc's link line for a release build of the hello-bin fixture."""
        env = {**self.env, "CARGO_TARGET_DIR": str(self.work / "t-capture")}
        return record_link(self.work / "hello-bin", env, self.work, TRIPLE, "--release")


def call(name: str, cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds one call of the variant `name` took. It runs subprocess itself rather than through
    the harness, so that the time is the call's alone (no output decoded as text, for one)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {name} failed:\n{proc.stderr.decode()[-4000:]}")
    return elapsed


def measure(
    variants: dict[str, list[str]],
    *,
    env: dict[str, str],
    cwd: Path,
    rounds: int,
    own_env: dict[str, dict[str, str]] | None = None,
) -> dict[str, float]:
    """Median wall time of each variant, run interleaved in a random order each round, in `env`
    or in the variant's entry in `own_env`.

    Each runs once untimed first, so that none is timed while zig fills its cache for it (the
    baseline's zig cache starts empty)."""
    envs = {name: (own_env or {}).get(name, env) for name in variants}
    for name, cmd in variants.items():
        call(name, cmd, envs[name], cwd)
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for _ in range(rounds):
        random.shuffle(names)
        for name in names:
            times[name].append(call(name, variants[name], envs[name], cwd))
    return {name: statistics.median(t) for name, t in times.items()}


def per_call(
    bench: Bench, what: str, tool: str, args: list[str], env: dict[str, str], rounds: int
) -> dict[str, float]:
    """One call of `tool` with `args`, against the zig command it runs (directly and through the
    exec-only shim), the baseline wheel's `tool` if there is one, and cargo-zigbuild's wrapper
    given the same arguments."""
    ours = [str(bench.bin / tool), *args]
    direct = bench.zig_line(ours, env, bench.work)
    variants = {DIRECT: direct, SHIM: [bench.shim, *direct], tool: ours}
    own_env = {}
    if bench.baseline_bin is not None:
        variants[baseline(tool)] = [str(bench.baseline_bin / tool), *args]
        own_env[baseline(tool)] = bench.baseline_env(env)
    variants[WRAPPER] = [str(bench.wrapper), *args]
    medians = measure(variants, env=env, cwd=bench.work, rounds=rounds, own_env=own_env)
    report(f"{what}, median of {rounds}:", medians, DIRECT)
    return medians


def report(title: str, medians: dict[str, float], reference: str) -> None:
    print(f"\n{title}")
    width = max(map(len, medians))
    for name, median in medians.items():
        ratio = median / medians[reference]
        print(f"  {name:{width}}  {median * 1000:9.1f} ms  {ratio:5.2f}x")


def compare_wheels(bench: Bench, rounds: int) -> None:
    """The two wheels' `ziglink` binaries: their sizes, and their start-up times, run
    interleaved."""
    new, old = bench.bin / "ziglink", bench.baseline_bin / "ziglink"
    variants = {"new": [str(new), "--version"], "baseline": [str(old), "--version"]}
    own_env = {"baseline": bench.baseline_env(bench.env)}
    startup = measure(variants, env=bench.env, cwd=bench.work, rounds=rounds, own_env=own_env)
    print(f"\nziglink binary, new wheel against baseline (start-up: `ziglink --version`, "
          f"median of {rounds}):")  # fmt: skip
    print(f"  {'':10}{'new':>14}{'baseline':>14}{'new/baseline':>14}")
    sizes = new.stat().st_size, old.stat().st_size
    wheel_row("size", *(f"{n} B" for n in sizes), sizes[0] / sizes[1])
    times = startup["new"], startup["baseline"]
    wheel_row("start-up", *(f"{t * 1000:.2f} ms" for t in times), times[0] / times[1])
    if filecmp.cmp(new, old, shallow=False):
        print("  (the two binaries are the same bytes)")


def wheel_row(what: str, new: str, old: str, ratio: float) -> None:
    print(f"  {what:10}{new:>14}{old:>14}{ratio:>13.3f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=40, help="rounds per call (default 40)")
    parser.add_argument("--builds", type=int, default=3, help="whole builds per tool (default 3)")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench")
    parser.add_argument(
        "--baseline-wheel",
        type=Path,
        metavar="PATH",
        help="a ziglink wheel built from an older commit, to time beside this one",
    )
    args = parser.parse_args()
    if args.baseline_wheel is not None and not args.baseline_wheel.is_file():
        parser.error(f"--baseline-wheel: {args.baseline_wheel} is not a file")
    baseline_wheel = args.baseline_wheel.resolve() if args.baseline_wheel else None

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    bench = Bench(args.work, args.wheelhouse.resolve(), baseline_wheel)
    env = bench.env

    # 1. A tiny C compile; 2. linking a Rust hello-world from rustc's own link line.
    (args.work / "hello.c").write_text(HELLO_C)
    cc_env = {**env, "TARGET": TRIPLE}
    compile_medians = per_call(
        bench, "C compile", "ziglink-cc", ["-c", "hello.c", "-o", "hello.o"], cc_env, args.rounds
    )
    link_medians = per_call(bench, "Rust link", "ziglink", bench.captured_link(), env, args.rounds)
    if bench.baseline_bin is not None:
        compare_wheels(bench, args.rounds)

    # 3. Whole builds from a clean target folder (zig's cache stays warm).
    crate = args.work / "hello-c"
    build_variants = {
        "ziglink cargo build": [str(bench.bin / "ziglink"), "cargo", "build"],
        "cargo zigbuild": ["cargo", "zigbuild"],
    }
    for cmd in build_variants.values():
        cmd.extend(["--locked", "--release", "--target", SPEC])
    targets = {name: args.work / f"t-{i}" for i, name in enumerate(build_variants)}
    build_envs = {name: {**env, "CARGO_TARGET_DIR": str(t)} for name, t in targets.items()}
    for name, cmd in build_variants.items():  # warm-up: zig's cache for each tool's flags
        run(cmd, env=build_envs[name], cwd=crate)

    build_times: dict[str, list[float]] = {name: [] for name in build_variants}
    for _ in range(args.builds):
        for name in random.sample(list(build_variants), len(build_variants)):
            shutil.rmtree(targets[name])
            build_times[name].append(timed(build_variants[name], env=build_envs[name], cwd=crate))
    build_medians = {name: statistics.median(t) for name, t in build_times.items()}
    report(f"cargo build --release of hello-c, median of {args.builds}:", build_medians,
           "cargo zigbuild")  # fmt: skip

    ours = {"C compile": (compile_medians, "ziglink-cc"), "Rust link": (link_medians, "ziglink")}
    print("\nratios")
    for what, (medians, name) in ours.items():
        ratio = medians[name] / medians[DIRECT]
        verdict = "met" if ratio <= PER_CALL_LIMIT else "NOT met"
        print(f"  {what}: ziglink / direct zig = {ratio:.3f}x "
              f"(target <= {PER_CALL_LIMIT}x: {verdict})")  # fmt: skip
        above = (medians[name] - medians[SHIM]) * 1000
        print(f"  {what}: ziglink costs {above:+.2f} ms over the exec-only C shim")
        print(f"  {what}: cargo-zigbuild / ziglink = "
              f"{medians[WRAPPER] / medians[name]:.2f}x")  # fmt: skip
        if baseline(name) in medians:
            print(f"  {what}: new / baseline = {medians[name] / medians[baseline(name)]:.3f}x")
    whole = build_medians["ziglink cargo build"] / build_medians["cargo zigbuild"]
    verdict = "met" if whole <= BUILD_LIMIT else "NOT met"
    print(f"  whole build: ziglink cargo / cargo zigbuild = {whole:.3f}x "
          f"(target <= {BUILD_LIMIT}x: {verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
