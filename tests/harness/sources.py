"""The projects the harness builds: the fixtures, the PyO3 example, the seed workspace made of
copies of it, and rustc's link line for a build, recorded to be replayed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Mapping

from .process import run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "pyo3-hello"
FIXTURES = ROOT / "tests" / "fixtures"
MEMBERS = ("alpha", "beta", "gamma")

# Saves rustc's link line, then links with ziglink as cargo asked.
RECORDER = """#!/bin/sh
printf '%s\\0' "$@" > "$RECORDED_LINK_ARGS"
exec ziglink "$@"
"""


def copy_tree(src: Path, dst: Path) -> Path:
    """A copy of a project without what earlier builds of it left there."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("target", "dist", "out"))
    return dst


def plain_maturin(project: Path, *, requires: str | None = "ziglink") -> Path:
    """Turns a copy of the example into a project built by maturin's own backend: `requires`
    takes the place of ziglink in the build requirements (none when it is None)."""
    path = project / "pyproject.toml"
    text = path.read_text().replace(
        'build-backend = "ziglink.maturin"', 'build-backend = "maturin"'
    )
    text = text.replace(', "ziglink"]', f', "{requires}"]' if requires else "]")
    path.write_text(text)
    return project


def linker_config(project: Path, *triples: str) -> Path:
    """Writes a `.cargo/config.toml` that names ziglink as the linker of each of `triples`: the
    explicit way, which works with maturin's own backend and with plain cargo."""
    config = project / ".cargo" / "config.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text("".join(f'[target.{t}]\nlinker = "ziglink"\n\n' for t in triples))
    return config


def seed_workspace(root: Path, *, maturin_zig: bool = False, cargo_config: bool = False) -> Path:
    """The seed scenario's uv workspace (astral-sh/uv#11444): MEMBERS are copies of the example,
    renamed, built by the ziglink.maturin backend. With `cargo_config` they use maturin's own
    backend and name ziglink as the linker in a cargo config instead; with `maturin_zig` they are
    built the incumbent's way: no ziglink anywhere, maturin's own --zig instead (which the build
    has to ask for)."""
    (root / "packages").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    for name in MEMBERS:
        member = copy_tree(EXAMPLE, root / "packages" / name)
        for rel in ("Cargo.toml", "Cargo.lock", "pyproject.toml", "src/lib.rs"):
            path = member / rel
            text = path.read_text().replace("pyo3-hello", f"seed-{name}")
            path.write_text(text.replace("pyo3_hello", f"seed_{name}"))
        if maturin_zig:
            plain_maturin(member, requires="ziglang")
        elif cargo_config:
            plain_maturin(member)
            linker_config(member, "x86_64-unknown-linux-gnu")
    return root


def record_link(
    crate: Path, env: Mapping[str, str], work: Path, triple: str, *cargo_args: str
) -> list[str]:
    """rustc's link line from `cargo build --target <triple>` of `crate`, linked by the ziglink on
    PATH. -C save-temps keeps every file the line names (rustc's temp folder, in `work`/tmp, and
    the object files), so it can be replayed."""
    recorder = work / "record-link"
    recorder.write_text(RECORDER)
    recorder.chmod(0o755)
    args_file = work / "link-args"
    (work / "tmp").mkdir()
    env = {
        **env,
        f"CARGO_TARGET_{triple.upper().replace('-', '_')}_LINKER": str(recorder),
        "RUSTFLAGS": "-C save-temps",
        "RECORDED_LINK_ARGS": str(args_file),
        "TMPDIR": str(work / "tmp"),
    }
    run(["cargo", "build", "--locked", "--target", triple, *cargo_args], env=env, cwd=crate)
    return args_file.read_bytes().decode().split("\0")[:-1]
