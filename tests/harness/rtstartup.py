"""rustc's start and end objects for `*-windows-gnu` (`rsbegin.o`, `rsend.o`). rustup's std for
those targets ships them; cargo's `-Zbuild-std` does not build them, so the test sysroots
(tests/harness/sysroot.py) and the side-by-side comparison compile them from Debian's
`rust-web-src`."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from tests.harness.process import run

SOURCE = Path("/usr/lib/rustlib/src/rust/library/rtstartup")


def compile_objects(triple: str, out: Path, env: Mapping[str, str]) -> Path:
    """Both objects for `triple` in `out`, with the rustc `env` names (its source uses
    `#![feature]`, so `env` sets RUSTC_BOOTSTRAP); returns `out`."""
    out.mkdir(parents=True, exist_ok=True)
    rustc = env.get("RUSTC", "rustc")
    for name in ("rsbegin", "rsend"):
        args = [rustc, "--target", triple, "--crate-type", "lib", "--emit=obj"]
        args += ["-Cpanic=abort", "-Copt-level=2", "--cap-lints=allow"]
        run([*args, "-o", out / f"{name}.o", SOURCE / f"{name}.rs"], env=env)
    return out
