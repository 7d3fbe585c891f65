"""What ziglink and `maturin --zig` / `cargo zigbuild` link for macOS, side by side, read off
the files (no Mac runs them here):

    python -m bench.macos --wheelhouse target/wheelhouse

The wheelhouse must hold the ziglink wheel, maturin, ziglang and cargo-zigbuild (`nox -s
macos` builds it). Needs Debian's rustc and rust-web-src (`.ci/setup`): std comes from
`-Zbuild-std`, once per tool and arch (about 12 minutes on 2 cores). For each tool it builds
hello-bin for both arches and the PyO3 example as an arm64 wheel, and prints one table row per
file: which tool linked it, file type, deployment target, dylibs, exports, signature.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

from tests.harness import (
    EXAMPLE,
    FIXTURES,
    clean_environ,
    copy_tree,
    linker_config,
    run,
    venv_with,
    with_path,
)
from tests.harness.macho import ARM64, image, with_rust_objcopy

DEBIAN_RUST = {"RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo", "RUSTC_BOOTSTRAP": "1"}
ARCHES = ["aarch64-apple-darwin", "x86_64-apple-darwin"]


def row(tool: str, what: str, path: Path) -> str:
    found = image(path)
    minos = ".".join(map(str, found.minos[:2]))
    dylibs = ", ".join(Path(d).name for d in found.dylibs)
    exports = len(found.exported)
    pyinit = (
        " (PyInit_ among them)" if any(e.startswith("_PyInit_") for e in found.exported) else ""
    )
    signed = "yes" if found.signed else "no"
    arch = "arm64" if found.cputype == ARM64 else "x86_64"
    return (
        f"| {tool} | {what} | {arch} | {found.filetype} | {minos} | {dylibs} | "
        f"{exports}{pyinit} | {signed} |"
    )


def wheel_extension(out: Path, work: Path) -> tuple[str, Path]:
    (wheel,) = out.glob("*.whl")
    unpacked = work / f"{wheel.stem}-unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    (ext,) = unpacked.glob("pyo3_hello/*.so")
    return wheel.name.split("-")[-1].removesuffix(".whl"), ext


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ziglink-macos-") as tmp:
        work = Path(tmp)
        # A uv cache of its own: one that held an older ziglink-0.1.0 wheel would install that.
        env = {**clean_environ(), **DEBIAN_RUST, "UV_CACHE_DIR": str(work / "uv-cache")}
        env = with_rust_objcopy(env, work / "tools")
        bins = venv_with(
            work / "venv", env, "ziglink", "maturin", "cargo-zigbuild", wheelhouse=args.wheelhouse
        )
        env = with_path(env, bins)
        for tool, command in [
            ("ziglink", ["ziglink", "cargo", "build"]),
            ("cargo zigbuild", ["cargo-zigbuild", "zigbuild"]),
        ]:
            target_dir = work / f"target-{tool.replace(' ', '-')}"
            tool_env = {**env, "CARGO_TARGET_DIR": str(target_dir)}
            crate = copy_tree(FIXTURES / "hello-bin", work / f"hello-bin-{len(rows)}")
            for arch in ARCHES:
                build = [*command, "--release", "--target", arch, "-Zbuild-std"]
                run(build, env=tool_env, cwd=crate)
                rows.append(row(tool, "hello-bin", target_dir / arch / "release" / "hello-bin"))
        for tool, extra, config in [
            ("ziglink", [], True),
            ("maturin --zig", ["--zig"], False),
        ]:
            src = copy_tree(EXAMPLE, work / f"pyo3-{tool.replace(' ', '-')}")
            if config:
                linker_config(src, "aarch64-apple-darwin")
            out = work / f"out-{tool.replace(' ', '-')}"
            target_dir = work / f"target-{'ziglink' if config else 'cargo-zigbuild'}"
            maturin = ["maturin", "build", "--release", "--target", ARCHES[0], "-Zbuild-std"]
            run(
                [*maturin, *extra, "-o", out],
                env={**env, "CARGO_TARGET_DIR": str(target_dir)},
                cwd=src,
            )
            tag, ext = wheel_extension(out, work)
            rows.append(row(tool, f"PyO3 wheel ({tag})", ext))
    print("| linked by | file | arch | type | minos | dylibs | exports | signed |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
