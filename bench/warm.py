"""What `ziglink warm` buys: the link of a Rust hello-world in a fresh zig cache, against the
same link after `ziglink warm`, and the time `warm` itself takes, side by side in one run.

    python -m bench.warm --wheelhouse target/wheelhouse [--rounds N]
    python -m bench.warm --bin DIR     # a folder holding an installed ziglink (and its zig)

rustc's link line for the hello-bin fixture (dev profile) is recorded once and replayed, so only
zig's cache differs between the variants. Each round uses new, empty zig caches:

1. cold: the link alone, in an empty cache (zig builds its libc, CRT, compiler-rt, libunwind);
2. warm: `ziglink warm` for the host target in an empty cache, then the same link;

and reports how many cache entries the link after `warm` still had to build (0 means `warm`
built all of it). Medians over the rounds; it prints numbers, never asserts.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from tests.harness import (
    FIXTURES,
    ROOT,
    clean_environ,
    copy_tree,
    record_link,
    timed,
    venv_with,
    with_path,
)

TRIPLE = "x86_64-unknown-linux-gnu"


def captured_link(work: Path, env: dict[str, str]) -> list[str]:
    """rustc's link line for hello-bin, recorded with a zig cache of its own, which the
    measured links never see."""
    crate = copy_tree(FIXTURES / "hello-bin", work / "hello-bin")
    capture_env = {**env, "ZIG_GLOBAL_CACHE_DIR": str(work / "capture-cache")}
    return record_link(crate, capture_env, work, TRIPLE)


def entries(cache: Path) -> int:
    out = cache / "o"
    return len(list(out.iterdir())) if out.is_dir() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--wheelhouse", type=Path, help="install ziglink from this wheelhouse")
    source.add_argument("--bin", type=Path, help="use the ziglink in this folder")
    parser.add_argument("--rounds", type=int, default=3, help="fresh caches per variant")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench-warm")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    base = clean_environ()
    base["UV_CACHE_DIR"] = str(args.work / "uv-cache")
    if args.bin:
        bin_dir = args.bin.resolve()
    else:
        bin_dir = venv_with(args.work / "venv", base, "ziglink", wheelhouse=args.wheelhouse)
    env = with_path(base, bin_dir)
    ziglink = str(bin_dir / "ziglink")
    link = [ziglink, *captured_link(args.work, env)]
    # cargo links from the crate's folder; warm and link run there too, below none of zig's
    # folders, so zig writes the same absolute paths into its cache keys for both.
    crate = args.work / "hello-bin"

    cold, warm, after, built_after = [], [], [], []
    for i in range(args.rounds):
        cold_env = {**env, "ZIG_GLOBAL_CACHE_DIR": str(args.work / f"cold-{i}")}
        cold.append(timed(link, env=cold_env, cwd=crate))
        cache = args.work / f"warm-{i}"
        warm_env = {**env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}
        warm.append(timed([ziglink, "warm", "--target", TRIPLE], env=warm_env, cwd=crate))
        before = entries(cache)
        after.append(timed(link, env=warm_env, cwd=crate))
        built_after.append(entries(cache) - before)
        print(f"round {i + 1}: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s, "
              f"after warm {after[-1]:.3f} s", file=sys.stderr)  # fmt: skip

    print(f"\nhello-bin link ({TRIPLE}, dev profile), median of {args.rounds} fresh zig caches:")
    rows = [
        ("link, cold cache", statistics.median(cold)),
        ("ziglink warm (dev and release)", statistics.median(warm)),
        ("link after ziglink warm", statistics.median(after)),
    ]
    for name, seconds in rows:
        print(f"  {name:32} {seconds:8.3f} s")
    print(f"  cache entries the link after warm built: {max(built_after)} (max over rounds)")
    print(
        f"  cold link / link after warm: {statistics.median(cold) / statistics.median(after):.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
