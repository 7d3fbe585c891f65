"""ziglink's overhead, measured side by side with calling zig directly and with cargo-zigbuild
(what `maturin --zig` runs), in one run on one machine.

    python bench/bench.py --wheelhouse target/wheelhouse [--rounds N] [--builds N]

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

Variants run interleaved in a new random order each round, and the table gives medians, so a
noisy neighbour slows every variant alike rather than one. It prints ratios, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
# Saves rustc's link line, then links with ziglink as cargo asked.
RECORDER = """#!/bin/sh
printf '%s\\0' "$@" > "$BENCH_LINK_ARGS"
exec ziglink "$@"
"""


def run(cmd, *, env, cwd=None, capture=False) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, text=True, capture_output=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(
            f"bench: {shlex.join(map(str, cmd))} exited {proc.returncode}\n{proc.stderr[-4000:]}"
        )
    return proc


class Bench:
    def __init__(self, work: Path, wheelhouse: Path) -> None:
        self.work = work
        venv = work / "venv"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("ZIGLINK_", "VIRTUAL"))}
        # A fresh uv cache: one from an earlier run could serve an older wheel of the same name.
        base["UV_CACHE_DIR"] = str(work / "uv-cache")
        run(["uv", "venv", "--quiet", venv], env=base)
        run(["uv", "pip", "install", "--quiet", "--python", venv / "bin" / "python",
             "--no-index", "--find-links", wheelhouse, "ziglink", "cargo-zigbuild"],
            env=base)  # fmt: skip
        self.bin = venv / "bin"
        self.env = {
            **base,
            "PATH": f"{self.bin}{os.pathsep}{base['PATH']}",
            "ZIG_GLOBAL_CACHE_DIR": str(work / "zig-cache"),
            # cargo-zigbuild keeps its wrapper scripts in the user cache: keep them in here.
            "XDG_CACHE_HOME": str(work / "cache"),
        }
        for name in ("hello-bin", "hello-c"):
            shutil.copytree(ROOT / "tests" / "fixtures" / name, work / name)
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

    def captured_link(self) -> list[str]:
        """rustc's link line for the hello-bin fixture. -C save-temps keeps every file it names
        (rustc's temp folder and the object files), so it can be replayed."""
        crate = self.work / "hello-bin"
        recorder = self.work / "record-link"
        recorder.write_text(RECORDER)
        recorder.chmod(0o755)
        args_file = self.work / "link-args"
        env = {
            **self.env,
            "CARGO_TARGET_DIR": str(self.work / "t-capture"),
            f"CARGO_TARGET_{TRIPLE.upper().replace('-', '_')}_LINKER": str(recorder),
            "RUSTFLAGS": "-C save-temps",
            "BENCH_LINK_ARGS": str(args_file),
            "TMPDIR": str(self.work / "tmp"),
        }
        (self.work / "tmp").mkdir()
        run(["cargo", "build", "--locked", "--release", "--target", TRIPLE], env=env, cwd=crate)
        return args_file.read_bytes().decode().split("\0")[:-1]


def measure(variants: dict[str, list[str]], *, env, cwd, rounds: int) -> dict[str, float]:
    """Median wall time of each variant, run interleaved in a random order each round."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for _ in range(rounds):
        random.shuffle(names)
        for name in names:
            start = time.perf_counter()
            proc = subprocess.run(
                variants[name], env=env, cwd=cwd, capture_output=True, check=False
            )
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"bench: {name} failed:\n{proc.stderr.decode()[-4000:]}")
            times[name].append(elapsed)
    return {name: statistics.median(t) for name, t in times.items()}


def per_call(
    bench: Bench, what: str, tool: str, args: list[str], env: dict[str, str], rounds: int
) -> dict[str, float]:
    """One call of `tool` with `args`, against the zig command it runs (directly and through the
    exec-only shim) and against cargo-zigbuild's wrapper given the same arguments."""
    ours = [str(bench.bin / tool), *args]
    direct = bench.zig_line(ours, env, bench.work)
    variants = {
        DIRECT: direct,
        SHIM: [bench.shim, *direct],
        tool: ours,
        WRAPPER: [str(bench.wrapper), *args],
    }
    medians = measure(variants, env=env, cwd=bench.work, rounds=rounds)
    report(f"{what}, median of {rounds}:", medians, DIRECT)
    return medians


def report(title: str, medians: dict[str, float], baseline: str) -> None:
    print(f"\n{title}")
    width = max(map(len, medians))
    for name, median in medians.items():
        ratio = median / medians[baseline]
        print(f"  {name:{width}}  {median * 1000:9.1f} ms  {ratio:5.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=40, help="rounds per call (default 40)")
    parser.add_argument("--builds", type=int, default=3, help="whole builds per tool (default 3)")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    bench = Bench(args.work, args.wheelhouse.resolve())
    env = bench.env

    # 1. A tiny C compile; 2. linking a Rust hello-world from rustc's own link line.
    (args.work / "hello.c").write_text(HELLO_C)
    cc_env = {**env, "TARGET": TRIPLE}
    compile_medians = per_call(
        bench, "C compile", "ziglink-cc", ["-c", "hello.c", "-o", "hello.o"], cc_env, args.rounds
    )
    link_medians = per_call(bench, "Rust link", "ziglink", bench.captured_link(), env, args.rounds)

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
            start = time.perf_counter()
            run(build_variants[name], env=build_envs[name], cwd=crate)
            build_times[name].append(time.perf_counter() - start)
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
    whole = build_medians["ziglink cargo build"] / build_medians["cargo zigbuild"]
    verdict = "met" if whole <= BUILD_LIMIT else "NOT met"
    print(f"  whole build: ziglink cargo / cargo zigbuild = {whole:.3f}x "
          f"(target <= {BUILD_LIMIT}x: {verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
