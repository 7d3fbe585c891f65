"""What ziglink and `cargo zigbuild` / `maturin --zig` link for x86_64-pc-windows-gnu, side by
side: each file is built, run under wine where it is a program, and read with a PE reader.

    python -m bench.windows --wheelhouse target/wheelhouse

The wheelhouse must hold the ziglink wheel, maturin, ziglang and cargo-zigbuild (`nox -s
windows` builds it). Needs `.ci/setup` (Debian's rustc, rust-web-src, wine): std comes from
`-Zbuild-std`, once per tool (about 20 minutes on 2 cores). For each tool it builds hello-bin,
hello-c (C, C++ and CMake), the hello-dll DLL (loaded by a C program ziglink-cc builds, the same
for both) and the PyO3 example as a wheel, and prints one row per file: built, ran, exports,
imports beyond Windows'.
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
    rtstartup,
    run,
    venv_with,
    with_path,
)
from tests.harness.pe import image
from tests.harness.wine import make_prefix, run_exe, stand_in_dll

DEBIAN_RUST = {"RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo", "RUSTC_BOOTSTRAP": "1"}
TRIPLE = "x86_64-pc-windows-gnu"


def first_error(text: str) -> str:
    """The linker's own complaint where there is one (rustc prints it as `= note: error: ...`),
    else cargo's first error line."""
    lines = [x.strip().removeprefix("= note: ") for x in text.splitlines()]
    errors = [x for x in lines if "error" in x.lower()]
    linker = [x for x in errors if not x.startswith(("error: linking with", "error: could not"))]
    picked = (linker or errors or lines or [""])[0]
    return picked.split(" searched paths:")[0].replace("|", "/")[:110]


def described(path: Path) -> tuple[str, str]:
    pe = image(path)
    exports = ", ".join(pe.exported[:3]) + (" ..." if len(pe.exported) > 3 else "")
    return f"{len(pe.exported)} ({exports})" if pe.exported else "0", ", ".join(
        pe.foreign_imports()
    ) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ziglink-windows-") as tmp:
        work = Path(tmp)
        env = {**clean_environ(), **DEBIAN_RUST, "UV_CACHE_DIR": str(work / "uv-cache")}
        objects = rtstartup.compile_objects(TRIPLE, work / "rtstartup", env)
        env["CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS"] = f"-L {objects}"
        bins = venv_with(
            work / "venv", env, "ziglink", "maturin", "cargo-zigbuild", wheelhouse=args.wheelhouse
        )
        env = with_path(env, bins)
        prefix = make_prefix(work / "wine", env)
        stand_in = stand_in_dll(work / "stand-in", TRIPLE, env)
        loader = work / "loader" / "loader.exe"
        loader.parent.mkdir()
        loader_source = FIXTURES / "hello-dll" / "loader.c"
        run(["ziglink-cc", f"--target={TRIPLE}", "-O2", loader_source, "-o", loader], env=env)

        def ran(exe: Path) -> str:
            done = run_exe(exe, prefix=prefix, stand_in=stand_in, env=env, check=False)
            return "yes" if done.returncode == 0 else f"no (exit {done.returncode})"

        for tool, command in [
            ("ziglink", ["ziglink", "cargo", "build"]),
            ("cargo zigbuild", ["cargo-zigbuild", "zigbuild"]),
        ]:
            target_dir = work / f"target-{tool.replace(' ', '-')}"
            tool_env = {**env, "CARGO_TARGET_DIR": str(target_dir)}
            release = target_dir / TRIPLE / "release"
            fixtures = [
                ("hello-bin", "hello-bin.exe"),
                ("hello-c", "hello-c.exe"),
                ("hello-dll", "hello_dll.dll"),
            ]
            for fixture, file in fixtures:
                crate = copy_tree(FIXTURES / fixture, work / f"{fixture}-{len(rows)}")
                build = [*command, "--release", "--target", TRIPLE, "-Zbuild-std"]
                built = run(build, env=tool_env, cwd=crate, check=False)
                if built.returncode != 0:
                    rows.append(f"| {tool} | {fixture} | no: {first_error(built.stderr)} | | | |")
                    continue
                exports, imports = described(release / file)
                if file.endswith(".dll"):
                    beside = work / f"run-{len(rows)}"
                    beside.mkdir()
                    (beside / file).write_bytes((release / file).read_bytes())
                    (beside / loader.name).write_bytes(loader.read_bytes())
                    result = ran(beside / loader.name)
                else:
                    result = ran(release / file)
                rows.append(f"| {tool} | {fixture} | yes | {result} | {exports} | {imports} |")
        for tool, extra, config in [("ziglink", [], True), ("maturin --zig", ["--zig"], False)]:
            src = copy_tree(EXAMPLE, work / f"pyo3-{tool.replace(' ', '-')}")
            if config:
                linker_config(src, TRIPLE)
            out = work / f"out-{tool.replace(' ', '-')}"
            target_dir = work / f"target-{'ziglink' if config else 'cargo-zigbuild'}"
            maturin = ["maturin", "build", "--release", "--target", TRIPLE, "-Zbuild-std"]
            built = run(
                [*maturin, *extra, "-o", out],
                env={**env, "CARGO_TARGET_DIR": str(target_dir)},
                cwd=src,
                check=False,
            )
            if built.returncode != 0:
                rows.append(f"| {tool} | PyO3 wheel | no: {first_error(built.stderr)} | | | |")
                continue
            (wheel,) = out.glob("*.whl")
            unpacked = work / f"{wheel.stem}-unpacked"
            zipfile.ZipFile(wheel).extractall(unpacked)
            (pyd,) = unpacked.glob("pyo3_hello/*.pyd")
            exports, imports = described(pyd)
            tag = wheel.name.split("-")[-1].removesuffix(".whl")
            rows.append(f"| {tool} | PyO3 wheel ({tag}) | yes | not run | {exports} | {imports} |")
    print("| linked by | file | built | ran under wine | exports | imports beyond Windows' |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
