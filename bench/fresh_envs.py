"""What a fresh build environment costs at the link: the PyO3 example built N times through its
PEP 517 backend, each build in a new environment, for x86_64 and aarch64 Linux, windows-gnu and
arm64 macOS, side by side with the same builds made one environment:

    python -m bench.fresh_envs --wheelhouse target/wheelhouse [--builds N] [--targets a,b]
        [--variants "ziglink,one environment"]

Variants, each with a zig cache of its own that starts empty:

- `ziglink`: the ziglink.maturin backend; zig gets ziglink's copy of its lib folder;
- `ziglink, own lib`: the same with `ZIGLINK_LIB_COPY=0`, as before the copy existed: zig uses
  the lib folder of each environment's own ziglang;
- `one environment`: the ziglink backend with `--no-build-isolation` in one venv, which is what
  a link costs when the environment does not change;
- `maturin --zig`: maturin's own backend with `--zig`, on the Linux targets (it cannot link
  windows-gnu, and the macOS build needs an SDK it does not find here).

Before each build the crate's source is touched, so cargo compiles and links it again; its
dependencies stay built in the variant's target folder. Per build the table gives the link's
time (rustc's `run_linker` pass, from `-Z time-passes`), the build's wall time and what zig's
cache grew by (its `ziglink/` folder, the lib copy, apart). Needs `.ci/setup` (Debian's rustc;
std for windows-gnu and macOS from the test sysroots). It prints numbers and ratios, never
asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.harness import EXAMPLE, clean_environ, copy_tree, plain_maturin, run, venv_with
from tests.harness.macho import with_rust_objcopy
from tests.harness.sysroot import rustflags_var, with_std

TARGETS = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-pc-windows-gnu",
    "aarch64-apple-darwin",
]
NEEDS_SYSROOT = {"x86_64-pc-windows-gnu", "aarch64-apple-darwin"}
COPY, OWN, ONE, MATURIN = "ziglink", "ziglink, own lib", "one environment", "maturin --zig"
VARIANTS = [COPY, OWN, ONE, MATURIN]
# The crate's own link is the last `run_linker` pass after cargo starts compiling it.
LINK = re.compile(r"time:\s+([\d.]+);.*\trun_linker$", re.MULTILINE)


def du(folder: Path, skip: str = "ziglink") -> int:
    """Bytes below `folder`, leaving out its `skip` child."""
    total = 0
    for root, dirs, files in os.walk(folder):
        if Path(root) == folder and skip in dirs:
            dirs.remove(skip)
        total += sum((Path(root) / f).lstat().st_size for f in files)
    return total


class Variant:
    def __init__(self, name: str, target: str, work: Path, house: Path, base: dict[str, str]):
        self.name, self.target = name, target
        self.root = work / f"{target}-{name.replace(' ', '-').replace(',', '')}"
        self.src = copy_tree(EXAMPLE, self.root / "pyo3-hello")
        if name == MATURIN:
            plain_maturin(self.src, requires="ziglang")
        self.cache = self.root / "zig-cache"
        env = {
            **base,
            "ZIG_GLOBAL_CACHE_DIR": str(self.cache),
            "CARGO_TARGET_DIR": str(self.root / "target"),
            "RUSTC_BOOTSTRAP": "1",
            # The target's own rustflags, not RUSTFLAGS, which would hide the sysroot's.
            rustflags_var(target): "-Z time-passes",
        }
        if name == OWN:
            env["ZIGLINK_LIB_COPY"] = "0"
        if target in NEEDS_SYSROOT:
            env = with_std(env, target, builder=base)
            env = with_rust_objcopy(env, work / "tools")
        self.env = env
        args = f"--target {target}" + (" --zig" if name == MATURIN else "")
        out = self.root / "out"
        self.cmd = ["uv", "build", "--wheel", "--no-index", "--find-links", str(house),
                    "--config-setting", f"build-args={args}", "-o", str(out), str(self.src)]  # fmt: skip
        if name == ONE:
            venv = self.root / "venv"
            venv_with(venv, base, "maturin", "ziglink", wheelhouse=house)
            self.cmd[2:2] = ["--no-build-isolation", "--python", str(venv / "bin" / "python")]
        self.out = out

    def build(self) -> tuple[float | None, float, int, str]:
        """One build: the link's seconds, the build's, what zig's cache grew by, and why it
        failed (empty when it did not)."""
        os.utime(self.src / "src" / "lib.rs")
        before = du(self.cache) if self.cache.exists() else 0
        start = time.perf_counter()
        proc = run(self.cmd, env=self.env, check=False)
        seconds = time.perf_counter() - start
        grew = (du(self.cache) if self.cache.exists() else 0) - before
        shutil.rmtree(self.out, ignore_errors=True)
        log = proc.stdout + proc.stderr
        own = log[log.rfind("Compiling pyo3-hello") :]
        links = LINK.findall(own)
        failed = "" if proc.returncode == 0 else last_error(log)
        return (float(links[-1]) if links else None), seconds, grew, failed


def last_error(log: str) -> str:
    errors = [x.strip() for x in log.splitlines() if "error" in x.lower()]
    return (errors or ["failed"])[0][:100]


def size(n: int) -> str:
    """Bytes as bytes below 10 KiB, where the goal (0 bytes) is judged, else in KiB."""
    return f"{n:+d} B" if abs(n) < 10240 else f"{n / 1024:+.0f} KiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated")
    parser.add_argument("--seed", type=int, default=None)
    opts = parser.parse_args()
    unknown = set(opts.variants.split(",")) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
    rng = random.Random(opts.seed)
    house = opts.wheelhouse.resolve()
    work = Path(tempfile.mkdtemp(prefix="ziglink-bench-envs-"))
    base = clean_environ()
    base["UV_CACHE_DIR"] = str(work / "uv-cache")
    base = {**base, "RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo"}
    # A ziglink on PATH builds the sysroots that are not cached yet.
    tools = venv_with(work / "tools-venv", base, "ziglink", wheelhouse=house)
    builder = {**base, "PATH": f"{tools}{os.pathsep}{base['PATH']}"}
    rows = []
    try:
        for target in opts.targets.split(","):
            names = [n for n in opts.variants.split(",") if n != MATURIN or "linux" in target]
            variants = [Variant(n, target, work, house, builder) for n in names]
            for i in range(opts.builds):
                # Interleaved, in a new order each round: a noisy neighbour slows all alike.
                for variant in rng.sample(variants, len(variants)):
                    rows.append((target, variant.name, i + 1, *variant.build()))
                    print(*rows[-1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows)
    return 0


def report(rows: list) -> None:
    print("\n| target | variant | build | link | build time | zig cache growth |")
    print("| --- | --- | --- | --- | --- | --- |")
    for target, name, i, link, seconds, grew, failed in sorted(rows, key=lambda r: r[:3]):
        link_text = f"{link:.2f} s" if link is not None else "-"
        grown = size(grew) if not failed else f"failed: {failed}"
        print(f"| {target} | {name} | {i} | {link_text} | {seconds:.1f} s | {grown} |")
    print("\nFrom the second build on (median link time, as a ratio to one environment's):")
    for target in dict.fromkeys(r[0] for r in rows):
        later = {}
        for t, name, i, link, _, grew, failed in rows:
            if t == target and i > 1 and link is not None and not failed:
                later.setdefault(name, ([], []))
                later[name][0].append(link)
                later[name][1].append(grew)
        one = later.get(ONE)
        for name, (links, grown) in later.items():
            median = statistics.median(links)
            ratio = f", {median / statistics.median(one[0]):.2f}x" if one else ""
            print(f"  {target} {name}: {median:.3f} s{ratio}; zig cache {size(max(grown))} at most")


if __name__ == "__main__":
    raise SystemExit(main())
