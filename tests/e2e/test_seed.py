"""Acceptance 2, the seed scenario (astral-sh/uv#11444): `uv build --all-packages` of a uv
workspace of three maturin PyO3 members, each requiring ziglink, over and over, with every
build environment created and deleted each time. No run may fail and nothing may be left."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.harness import MEMBERS, file_tree, run, seed_workspace

pytestmark = pytest.mark.e2e

RUNS = int(os.environ.get("ZIGLINK_SEED_RUNS", "20"))


def ziglink_files(top: Path) -> list[Path]:
    return [p for p in top.rglob("ziglink-*") if p.name.endswith(".args")]


def test_uv_build_all_packages_never_fails_and_leaves_nothing(wheelhouse, sandbox, tmp_path):
    workspace = seed_workspace(tmp_path / "workspace")
    out = tmp_path / "out"
    builds = Path(sandbox.env["UV_CACHE_DIR"]) / "builds-v0"
    home_before = file_tree(sandbox.home)
    system_tmp = Path(tempfile.gettempdir())
    system_tmp_before = set(ziglink_files(system_tmp))

    def linked_at() -> dict[str, int]:
        libs = {
            n: workspace / "packages" / n / "target" / "release" / f"libseed_{n}.so"
            for n in MEMBERS
        }
        return {n: lib.stat().st_mtime_ns if lib.exists() else 0 for n, lib in libs.items()}

    failures = []
    for i in range(RUNS):
        # Touching the sources makes every run compile and link each member again.
        for name in MEMBERS:
            os.utime(workspace / "packages" / name / "src" / "lib.rs")
        before = linked_at()
        proc = run(
            ["uv", "build", "--all-packages", "--wheel", "--no-index", "--find-links",
             wheelhouse, "-o", out],
            env=sandbox.env, cwd=workspace, check=False,
        )  # fmt: skip
        wheels = sorted(p.name for p in out.glob("*.whl"))
        if proc.returncode != 0 or len(wheels) != len(MEMBERS):
            failures.append(
                f"run {i}: exit {proc.returncode}, wheels {wheels}\n{proc.stderr[-3000:]}"
            )
        stale = [n for n, t in linked_at().items() if t <= before[n]]
        assert not stale, f"run {i} did not link {stale} again, so it tested nothing"
        for wheel in out.glob("*.whl"):
            wheel.unlink()
        leftovers = sorted(p.name for p in sandbox.tmp.iterdir())
        assert not leftovers, f"run {i} left files in TMPDIR: {leftovers}"
        envs = sorted(p.name for p in builds.iterdir()) if builds.exists() else []
        assert not envs, f"run {i} left build environments: {envs}"

    print(f"seed scenario: {RUNS} runs of uv build --all-packages, {len(failures)} failures")
    assert not failures, "\n\n".join(failures)
    assert file_tree(sandbox.home) == home_before, "files appeared in HOME or its cache"
    assert not ziglink_files(sandbox.root)
    assert set(ziglink_files(system_tmp)) == system_tmp_before
