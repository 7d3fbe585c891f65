"""Rust's std for the targets Debian ships none for (macOS, Windows, musl, riscv64), built once
per (rustc, target) into a sysroot laid out as rustup's, and kept between runs.

rustup cannot add targets on these machines, and `-Zbuild-std` in each test's target folder
builds std again per folder and per change of the target's rustflags (minutes per target on 2
cores). A sysroot is what rustup installs: the target's rlibs in `lib/rustlib/<triple>/lib`,
with, for `*-windows-gnu`, rustc's start objects (`rsbegin.o`, `rsend.o`) beside them, where
rustc looks for them. Builds reach it through the target's own rustflags (`--sysroot`), so
build scripts and proc-macros, which are host code, keep the host's std.

The cache lives in `ZIGLINK_TEST_CACHE` (default `~/.cache/ziglink-tests`), one folder per
target named by a hash of `rustc -vV` and of how it is built: a new rustc, or a new recipe,
builds anew, and later runs on the same machine build nothing. A sysroot is built in a temp
folder beside its place and renamed into it, under a lock, so that a killed build leaves no half
sysroot and two runs never build the same one at once.

    python -m tests.harness.sysroot x86_64-pc-windows-gnu ...   # builds (or finds) them
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from tests.harness import rtstartup
from tests.harness.process import run

DEBIAN_RUSTC = "/usr/bin/rustc"
DEBIAN_CARGO = "/usr/bin/cargo"
# What rustup's std has: std with both panic runtimes, and `test` for `cargo test` harnesses.
CRATES = "std,panic_abort,test"
# Part of the key: a change to how a sysroot is built makes every cached one stale.
RECIPE = f"release; bitcode; -Zbuild-std={CRATES}; start objects for *-windows-gnu; panic_abort with abort; v2"
MANIFEST = """[package]
name = "ziglink-sysroot"
version = "0.0.0"
edition = "2021"

[lib]
path = "lib.rs"

[workspace]
"""
# rustc refuses a panic=abort crate (ziglink's own release profile) whose panic_abort runtime
# was not itself built with that strategy; rust's bootstrap builds it so, and cargo's build-std
# builds it with the profile's strategy (unwind here, which std needs for unwinding crates).
PANIC_ABORT_WRAPPER = """#!/bin/sh
prev=
for arg; do
    if [ "$prev" = --crate-name ] && [ "$arg" = panic_abort ]; then exec "$@" -Cpanic=abort; fi
    prev=$arg
done
exec "$@"
"""
# What a build's environment may carry that would change std's code, or what is built where.
DROPPED = (
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
)
DROPPED_PREFIXES = ("MACOSX_DEPLOYMENT_TARGET", "CARGO_PROFILE_")


def cache_root() -> Path:
    given = os.environ.get("ZIGLINK_TEST_CACHE")
    return Path(given) if given else Path.home() / ".cache" / "ziglink-tests"


def private_dir(path: Path) -> Path:
    """`path`, made 0700 if new, and refused unless it is a real folder of ours that nobody
    else can write to: what is built in it goes into every test's links."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise RuntimeError(f"{path} is not a private folder of this user's: remove it")
    return path


def rustc_identity(env: Mapping[str, str]) -> str:
    return run([env.get("RUSTC", DEBIAN_RUSTC), "-vV"], env=env).stdout


def key(triple: str, identity: str) -> str:
    digest = hashlib.sha256(f"{identity}\n{triple}\n{RECIPE}".encode()).hexdigest()
    return f"{triple}-{digest[:16]}"


def lib_dir(root: Path, triple: str) -> Path:
    return root / "lib" / "rustlib" / triple / "lib"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_env(env: Mapping[str, str]) -> dict[str, str]:
    clean = {
        name: value
        for name, value in env.items()
        if name not in DROPPED
        and not name.startswith(DROPPED_PREFIXES)
        and not (name.startswith("CARGO_TARGET_") and name.endswith("_RUSTFLAGS"))
    }
    return {"RUSTC": DEBIAN_RUSTC, "CARGO": DEBIAN_CARGO, **clean, "RUSTC_BOOTSTRAP": "1"}


def build(triple: str, into: Path, env: Mapping[str, str]) -> None:
    """std for `triple` into the sysroot folder `into`. `ziglink cargo` runs the build, as the
    tests' builds of std did: it puts the dlltool that std's raw-dylib imports on Windows need
    where rustc looks, and the linker of std's build scripts."""
    env = build_env(env)
    crate = into / "crate"
    crate.mkdir()
    (crate / "Cargo.toml").write_text(MANIFEST)
    (crate / "lib.rs").write_text("#![no_std]\n")
    target = into / "target"
    args = ["ziglink", "cargo", "build", "--release", "--target", triple, f"-Zbuild-std={CRATES}"]
    # As rustup's std: with the bitcode a crate built with `lto = true` needs (cargo would
    # leave it out, since nothing in this build uses it); the last -C wins.
    env[rustflags_var(triple)] = "-Cembed-bitcode=yes"
    wrapper = into / "rustc-wrapper"
    wrapper.write_text(PANIC_ABORT_WRAPPER)
    wrapper.chmod(0o700)
    env["RUSTC_WRAPPER"] = str(wrapper)
    run(args, env={**env, "CARGO_TARGET_DIR": str(target)}, cwd=crate)
    lib = lib_dir(into, triple)
    lib.mkdir(parents=True)
    for rlib in (target / triple / "release" / "deps").glob("*.rlib"):
        if not rlib.name.startswith("libziglink_sysroot-"):
            shutil.copy2(rlib, lib / rlib.name)
    if triple.endswith("-windows-gnu"):
        rtstartup.compile_objects(triple, lib, env)
    shutil.rmtree(crate)
    shutil.rmtree(target)
    wrapper.unlink()


def sysroot(triple: str, env: Mapping[str, str]) -> Path:
    """The sysroot with std for `triple` that `env`'s rustc (Debian's by default) reads, built
    now if no earlier run built it. `env` must find `ziglink` on PATH."""
    cache = private_dir(cache_root() / "sysroot")
    root = cache / key(triple, rustc_identity(build_env(env)))
    if lib_dir(root, triple).is_dir():
        return root
    with locked(cache / f"{triple}.lock"):
        if lib_dir(root, triple).is_dir():
            return root  # another run built it while this one waited
        work = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=cache))
        try:
            build(triple, work, env)
            work.rename(root)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for stale in cache.glob(f"{triple}-*"):
            if stale != root:
                shutil.rmtree(stale, ignore_errors=True)
    return root


def rustflags_var(triple: str) -> str:
    return f"CARGO_TARGET_{triple.upper().replace('-', '_')}_RUSTFLAGS"


def with_std(
    env: Mapping[str, str], *triples: str, builder: Mapping[str, str] | None = None
) -> dict[str, str]:
    """`env` with each of `triples` reading its std from its cached sysroot, and Debian's rustc
    and cargo (the ones that std is built by and for). A sysroot not yet built is built in
    `builder` (default `env`), which must find `ziglink` on PATH."""
    out = {**env, "RUSTC": DEBIAN_RUSTC, "CARGO": DEBIAN_CARGO}
    for triple in triples:
        given = out.get(rustflags_var(triple), "")
        out[rustflags_var(triple)] = f"{given} --sysroot {sysroot(triple, builder or env)}".strip()
    return out


def main() -> None:
    triples = sys.argv[1:]
    if not triples:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    for triple in triples:
        print(sysroot(triple, os.environ))


if __name__ == "__main__":
    main()
