"""Cold builds, as a fresh CI runner sees them: ziglink against maturin --zig and cargo-zigbuild,
each run from an empty zig cache and an empty target folder (cargo's registry and uv's cache
stay warm), side by side in one run.

    python -m bench.cold --wheelhouse target/wheelhouse [--rounds N] [--only seed,cross,...]
                         [--baseline-wheel OLD.whl]

Scenarios:

- seed: the three-member seed workspace, `uv build --all-packages`: ziglink against maturin --zig;
- cross: tests/fixtures/hello-zstd for aarch64-unknown-linux-gnu, `ziglink cargo build --release`
  against `cargo zigbuild --release`;
- musl: hello-bin for x86_64-unknown-linux-musl, a dev build then a release one, both tools;
- gnu: the same for x86_64-unknown-linux-gnu.2.17;
- warm: the musl builds again with ziglink after `ziglink warm` (its time counted apart).

With --baseline-wheel, an older ziglink wheel runs every ziglink variant too (in a venv of its
own), which gives before and after in one run.

Every round runs each variant once, in a new random order, so a noisy neighbour slows all alike.
It prints wall times (medians over rounds), ratios, and per run what zig left in its cache, by
kind and size (`ziglink cache info --json`). It prints numbers, never asserts.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import (
    EXAMPLE,
    FIXTURES,
    MEMBERS,
    ROOT,
    CommandFailed,
    Sandbox,
    copy_tree,
    run,
    seed_workspace,
    venv_with,
    with_path,
)

AARCH64 = "aarch64-unknown-linux-gnu"
MUSL = "x86_64-unknown-linux-musl"
GNU = "x86_64-unknown-linux-gnu.2.17"
# Debian's Rust has the standard libraries of other architectures (docs/cross-testing.md).
DEBIAN_RUST = {"RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo"}
MIB = 1024 * 1024


@dataclass
class Tools:
    """The programs a variant runs (its venv's bin folder), the environment to run them in, and
    the wheelhouse its PEP 517 builds install their requirements from."""

    bin: Path
    env: dict[str, str]
    house: Path


@dataclass
class Result:
    seconds: list[float] = field(default_factory=list)
    warm_seconds: list[float] = field(default_factory=list)
    caches: list[dict] = field(default_factory=list)
    failed: str = ""


# Runs one variant's builds in `work` with `env`; returns the seconds spent in `ziglink warm`
# first (0 when it does not warm).
Build = Callable[[Path, dict[str, str]], float]


def seed(tool: str, house: Path) -> Build:
    """`uv build --all-packages` of the seed workspace, its requirements from `house`."""

    def build(work: Path, env: dict[str, str]) -> float:
        ws = seed_workspace(work / "ws", maturin_zig=tool != "ziglink")
        extra = "" if tool == "ziglink" else "--zig "
        run(
            ["uv", "build", "--all-packages", "--wheel", "--no-index", "--find-links", house,
             "--config-setting", f"build-args={extra}--compatibility manylinux2014",
             "-o", work / "out"],
            env=env, cwd=ws,
        )  # fmt: skip
        wheels = list((work / "out").glob("*.whl"))
        if len(wheels) != len(MEMBERS):
            sys.exit(f"bench: {tool} built {len(wheels)} wheels, not {len(MEMBERS)}")
        return 0.0

    return build


def cargo(tool: str, fixture: str, target: str, profiles: list[str], warm: bool = False) -> Build:
    """`ziglink cargo build` or `cargo zigbuild` of `fixture` for `target`, once per profile."""

    def build(work: Path, env: dict[str, str]) -> float:
        crate = copy_tree(FIXTURES / fixture, work / fixture)
        warm_seconds = 0.0
        if warm:
            start = time.monotonic()
            run(["ziglink", "warm", "--target", target], env=env, cwd=crate)
            warm_seconds = time.monotonic() - start
        head = ["ziglink", "cargo", "build"] if tool == "ziglink" else ["cargo", "zigbuild"]
        if "musl" in target:
            # Debian ships no musl std: both tools build it from source, alike. Its rustc names
            # musl's start files bare (`rcrt1.o`), which only ziglink's rules drop; with
            # link-self-contained=no rustc names none, and zig adds its own for both tools.
            head.append("-Zbuild-std")
            env = {**env, "RUSTC_BOOTSTRAP": "1", "RUSTFLAGS": "-C link-self-contained=no"}
        for profile in profiles:
            flags = ["--release"] if profile == "release" else []
            run([*head, "--locked", "--target", target, *flags], env=env, cwd=crate)
        return warm_seconds

    return build


@dataclass
class Scenario:
    title: str
    incumbent: str  # the incumbent's name; empty when only ziglink runs
    make: Callable[[str, Tools], Build]  # the build, for "ziglink" or the incumbent


def scenarios() -> dict[str, Scenario]:
    zigbuild = "cargo zigbuild"
    return {
        "seed": Scenario(
            "uv build --all-packages, 3 members",
            "maturin --zig",
            lambda t, tools: seed(t, tools.house),
        ),
        "cross": Scenario(
            f"hello-zstd --release for {AARCH64}",
            zigbuild,
            lambda t, _: cargo(t, "hello-zstd", AARCH64, ["release"]),
        ),
        "musl": Scenario(
            f"hello-bin for {MUSL}, dev then release",
            zigbuild,
            lambda t, _: cargo(t, "hello-bin", MUSL, ["dev", "release"]),
        ),
        "gnu": Scenario(
            f"hello-bin for {GNU}, dev then release",
            zigbuild,
            lambda t, _: cargo(t, "hello-bin", GNU, ["dev", "release"]),
        ),
        "warm": Scenario(
            f"hello-bin for {MUSL}, dev then release, after `ziglink warm` (against musl's "
            f"{zigbuild})",
            "",
            lambda t, _: cargo(t, "hello-bin", MUSL, ["dev", "release"], warm=True),
        ),
    }


def cache_info(tools: Tools, cache: Path) -> dict:
    """`ziglink cache info --json` of `cache`, by the ziglink under test."""
    env = {**tools.env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}
    return json.loads(run([tools.bin / "ziglink", "cache", "info", "--json"], env=env).stdout)


def describe(info: dict) -> str:
    """A cache's total and its kinds, largest first."""
    kinds = sorted(info.get("kinds", []), key=lambda k: -k["bytes"])
    parts = [f"{k['kind']} {k['bytes'] / MIB:.1f} MiB ({k['entries']})" for k in kinds]
    return f"{info.get('total_bytes', 0) / MIB:.1f} MiB: " + ", ".join(parts)


def make_tools(work: Path, house: Path, baseline_wheel: Path | None) -> dict[str, Tools]:
    """ziglink's venv, the incumbents' (cargo-zigbuild, maturin, ziglang) and the baseline's."""
    # One sandbox for all: HOME and TMPDIR are the bench's; uv's cache stays warm across runs.
    box = Sandbox(work / "sandbox", {"UV_CACHE_DIR": work / "uv-cache"})
    base = {**box.env, **DEBIAN_RUST}
    venvs = {
        "ziglink": venv_with(work / "venv", box.env, "ziglink", wheelhouse=house),
        INCUMBENTS: venv_with(
            work / "venv-incumbents", box.env, "cargo-zigbuild", "ziglang", "maturin",
            wheelhouse=house,
        ),
    }  # fmt: skip
    houses = dict.fromkeys(venvs, house)
    if baseline_wheel is not None:
        # A wheelhouse of its own, for the seed builds' build environments: this one's, with
        # the baseline wheel for ziglink's. And a uv cache of its own, since the two wheels may
        # have the same file name.
        houses[BASELINE] = work / "wheelhouse-baseline"
        houses[BASELINE].mkdir()
        for wheel in house.glob("*.whl"):
            if not wheel.name.startswith("ziglink-"):
                shutil.copy2(wheel, houses[BASELINE])
        shutil.copy2(baseline_wheel, houses[BASELINE])
        env = {**box.env, "UV_CACHE_DIR": str(work / "uv-cache-baseline")}
        venvs[BASELINE] = venv_with(
            work / "venv-baseline", env, "ziglink", wheelhouse=houses[BASELINE]
        )
    tools = {name: Tools(bin, with_path(base, bin), houses[name]) for name, bin in venvs.items()}
    if BASELINE in tools:
        tools[BASELINE].env["UV_CACHE_DIR"] = str(work / "uv-cache-baseline")
    return tools


INCUMBENTS = "incumbents"
BASELINE = "ziglink (baseline)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1, help="cold runs per variant (default 1)")
    parser.add_argument("--only", help="scenarios, comma-separated (default: all)")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench-cold")
    parser.add_argument("--baseline-wheel", type=Path, metavar="PATH")
    args = parser.parse_args()
    house = args.wheelhouse.resolve()
    table = scenarios()
    only = args.only.split(",") if args.only else list(table)
    unknown = sorted(set(only) - set(table))
    if unknown:
        parser.error(f"--only: no scenario {', '.join(unknown)} (have {', '.join(table)})")
    if args.baseline_wheel is not None and not args.baseline_wheel.is_file():
        parser.error(f"--baseline-wheel: {args.baseline_wheel} is not a file")

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    baseline = args.baseline_wheel.resolve() if args.baseline_wheel else None
    tools = make_tools(args.work, house, baseline)
    ours = [name for name in tools if name != INCUMBENTS]

    # (scenario, variant name) -> (tools, build)
    variants: dict[tuple[str, str], tuple[Tools, Build]] = {}
    for key in only:
        scenario = table[key]
        for name in ours:
            variants[(key, name)] = (tools[name], scenario.make("ziglink", tools[name]))
        if scenario.incumbent:
            t = tools[INCUMBENTS]
            variants[(key, scenario.incumbent)] = (t, scenario.make(scenario.incumbent, t))
    results = {key: Result() for key in variants}
    # cargo's registry warm, so that no variant is timed downloading crates. (-Zbuild-std's own
    # dependencies are fetched by the first musl build: run twice on a new machine.)
    for project in (FIXTURES / "hello-bin", FIXTURES / "hello-zstd", EXAMPLE):
        run(["cargo", "fetch", "--locked"], env=tools["ziglink"].env, cwd=project)
    for r in range(args.rounds):
        for key in random.sample(list(variants), len(variants)):
            t, build = variants[key]
            work = args.work / "runs" / f"{key[0]}-{key[1].replace(' ', '_')}-{r}"
            work.mkdir(parents=True)
            env = {
                **t.env,
                "ZIG_GLOBAL_CACHE_DIR": str(work / "zig-cache"),
                # cargo-zigbuild keeps its wrapper scripts in the user cache: a new one per run.
                "XDG_CACHE_HOME": str(work / "user-cache"),
            }
            start = time.monotonic()
            try:
                warm = build(work, env)
            except CommandFailed as failed:
                last = (failed.stderr.strip().splitlines() or ["?"])[-1]
                results[key].failed = f"{shlex.join(map(str, failed.cmd[:3]))}...: {last}"
                print(f"round {r + 1}: {key[0]} / {key[1]}: FAILED: {last}", flush=True)
                continue
            took = time.monotonic() - start
            res = results[key]
            res.seconds.append(took - warm)
            res.warm_seconds.append(warm)
            res.caches.append(cache_info(tools["ziglink"], work / "zig-cache"))
            print(f"round {r + 1}: {key[0]} / {key[1]}: {took:.1f} s", flush=True)
            for bulky in ("ws", "hello-zstd", "hello-bin"):
                shutil.rmtree(work / bulky, ignore_errors=True)

    report(table, only, results, args.rounds)
    return 0


def report(
    table: dict[str, Scenario], only: list[str], results: dict[tuple[str, str], Result], rounds: int
) -> None:
    print(
        f"\ncold builds, median of {rounds} round(s), each from an empty zig cache and target folder"
    )
    medians = {key: statistics.median(r.seconds) for key, r in results.items() if r.seconds}
    for key in only:
        scenario = table[key]
        print(f"\n{key}: {scenario.title}")
        reference = (key, scenario.incumbent) if scenario.incumbent else ("musl", "cargo zigbuild")
        for (s, name), res in results.items():
            if s != key:
                continue
            if (s, name) not in medians:
                print(f"  {name:20} failed: {res.failed}")
                continue
            median = medians[(s, name)]
            line = f"  {name:20} {median:7.1f} s"
            warm = statistics.median(res.warm_seconds)
            if warm:
                line += f" (after ziglink warm, {warm:.1f} s)"
            if reference in medians and reference != (s, name):
                line += f"  {median / medians[reference]:.2f}x {reference[1]}"
            print(line)
            print(f"  {'':20} zig cache {describe(res.caches[-1])}")


if __name__ == "__main__":
    sys.exit(main())
