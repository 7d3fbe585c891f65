"""Builds the release into a folder: a wheel per host in `release.hosts`, and the sdist.

    python -m release.build <folder> [--hosts linux-x86_64,windows-x64,...]

Every wheel's executables are linked by ziglink itself: a ziglink built with the host's linker
links them all, through maturin, with the settings `ziglink env` gives for the host's target.
Debian's Rust 1.85 compiles (`.ci/setup` installs it with the std of each Linux architecture);
the hosts Debian has no std for read one from a sysroot built once per rustc
(`tests.harness.sysroot`, with rustc's start objects for Windows), and macOS gets the
`rust-objcopy` rustc strips Mach-O with.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from release.hosts import BY_NAME, HOSTS, Host
from tests.harness.process import run
from tests.harness.sources import ROOT
from tests.harness.sysroot import with_std
from tests.harness.wheelhouse import bootstrap

DEBIAN_RUSTC = "/usr/bin/rustc"
DEBIAN_CARGO = "/usr/bin/cargo"
TARGET_DIR = ROOT / "target" / "release-build"


def build(out: Path, hosts: list[Host], work: Path) -> list[Path]:
    """The wheels of `hosts` and the sdist, in `out`; `work` holds what the builds share."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("ziglink-*"):
        old.unlink()
    venv = bootstrap(work / "venv")
    # maturin runs `cargo` from PATH: Debian's, the one the sysroots' std is built with.
    tools = work / "tools"
    tools.mkdir(exist_ok=True)
    (tools / "cargo").unlink(missing_ok=True)
    (tools / "cargo").symlink_to(DEBIAN_CARGO)
    base = {
        **os.environ,
        "PATH": os.pathsep.join([str(venv / "bin"), str(tools), os.environ["PATH"]]),
        "RUSTC": DEBIAN_RUSTC,
        "CARGO_TARGET_DIR": str(TARGET_DIR),
    }
    for host in hosts:
        build_wheel(host, out, base, work)
    maturin = venv / "bin" / "maturin"
    run([maturin, "sdist", "--manifest-path", ROOT / "Cargo.toml", "-o", out], env=base)
    return sorted(out.glob("ziglink-*"))


def build_wheel(host: Host, out: Path, base: dict[str, str], work: Path) -> None:
    exported = run(["ziglink", "env", "--shell", "json", "--target", host.link_target], env=base)
    env = {**base, **json.loads(exported.stdout)}
    args = ["maturin", "build", "--release", "--locked", "--target", host.rust, "-o", out]
    args += ["--manifest-path", ROOT / "Cargo.toml"]
    if host.compatibility:
        args += ["--compatibility", host.compatibility]
    if host.build_std:
        env = with_std(env, host.rust)
    if host.rust.endswith("-apple-darwin"):
        from tests.harness.macho import with_rust_objcopy  # reads Mach-O: needs macholib

        env = with_rust_objcopy(env, work / "objcopy")
    run(args, env=env, capture=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--hosts", help="comma-separated names (default: all)")
    options = parser.parse_args()
    names = options.hosts.split(",") if options.hosts else [h.name for h in HOSTS]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        sys.exit(f"unknown hosts {unknown}; known: {', '.join(BY_NAME)}")
    with tempfile.TemporaryDirectory(prefix="ziglink-release-") as work:
        built = build(options.out, [BY_NAME[n] for n in names], Path(work))
    for path in built:
        print(f"{path.name}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
