"""What a pure-Rust link saves by never asking zig for libc++, measured from a cold zig cache.

    python -m bench.libcxx --wheelhouse target/wheelhouse [--rounds N]

Each round builds tests/fixtures/hello-bin from a clean target folder and an empty zig cache
twice, with ziglink as the linker: once as ziglink links it (no C++ runtime), once with
`-C link-arg=-lc++` added, which is what a tool that links everything with `zig c++` pays.
The two runs alternate in a random order; the table gives medians and the difference. It
prints numbers; it stops only if a
variant did not do what it stands for.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from tests.harness import FIXTURES, clean_environ, copy_tree, timed, venv_with, with_path

RUSTFLAGS_VAR = "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS"
VARIANTS = {"pure Rust (as ziglink links it)": "", "same link with libc++": "-C link-arg=-lc++"}


def cold_build(work: Path, env: dict[str, str], rustflags: str) -> tuple[float, bool]:
    """Seconds for a clean `cargo build` with an empty zig cache, and whether libc++ was built."""
    crate, cache = work / "hello-bin", work / "zig-cache"
    shutil.rmtree(crate, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    copy_tree(FIXTURES / "hello-bin", crate)
    env = {**env, "ZIG_GLOBAL_CACHE_DIR": str(cache), RUSTFLAGS_VAR: rustflags}
    seconds = timed(["cargo", "build", "--locked"], env=env, cwd=crate)
    return seconds, any(cache.rglob("libc++.a"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ziglink-libcxx-") as tmp:
        work = Path(tmp)
        base = clean_environ()
        base["UV_CACHE_DIR"] = str(work / "uv-cache")
        bin_dir = venv_with(work / "venv", base, "ziglink", wheelhouse=args.wheelhouse)
        env = {
            **with_path(base, bin_dir),
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": "ziglink",
        }
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.rounds):
            for name in random.sample(list(VARIANTS), len(VARIANTS)):
                seconds, built_libcxx = cold_build(work, env, VARIANTS[name])
                if built_libcxx != bool(VARIANTS[name]):
                    sys.exit(f"libcxx: {name}: libc++ built: {built_libcxx}, not as expected")
                times[name].append(seconds)
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"cold-cache `cargo build` of hello-bin, median of {args.rounds}:")
    for name, median in medians.items():
        print(f"  {name:<34} {median:7.2f} s")
    pure, with_cxx = medians.values()
    print(f"  libc++ avoided: {with_cxx - pure:.2f} s ({with_cxx / pure:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
