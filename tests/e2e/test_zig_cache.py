"""`ziglink warm`, `ziglink cache info` and `ziglink cache clean` against real zig caches: after
`warm`, a cargo build's link builds nothing more in zig's cache; `clean`, run over and over while
a cold-cache build links, removes what no build holds, never what the running link uses."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.harness import run

pytestmark = pytest.mark.e2e

EXPECTED_OUTPUT = "threads: 60, caught panic: true, file: round trip"


@pytest.fixture
def own_cache(cargo_env, sandbox) -> tuple[dict[str, str], Path]:
    """A zig cache for this test alone: the session's shared one would already be warm."""
    cache = sandbox.root / "zig-cache"
    return {**cargo_env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}, cache


def outputs(cache: Path) -> set[str]:
    return {p.name for p in (cache / "o").iterdir()}


def info(env: dict[str, str]) -> dict:
    return json.loads(run(["ziglink", "cache", "info", "--json"], env=env).stdout)


def test_after_warm_a_build_builds_nothing_in_zigs_cache(crate, own_cache, sandbox):
    env, cache = own_cache
    # Run from above the cache, as from a HOME above ~/.cache/zig: zig then writes its cache's
    # path relatively, and keys C objects by it, while cargo links from the crate's folder.
    warm = run(["ziglink", "warm"], env=env, cwd=sandbox.root).stdout
    assert "warming for links run there and elsewhere" in warm, warm
    assert re.search(
        r"^x86_64-unknown-linux-gnu \(glibc 2\.17\): built \d+ cache entries in [\d.]+ s$",
        warm,
        re.MULTILINE,
    ), warm
    kinds = {k["kind"]: k["bytes"] for k in info(env)["kinds"]}
    for kind in ("glibc-stubs", "glibc-crt", "compiler-rt", "libunwind"):
        assert kinds.get(kind, 0) > 0, kinds
    # A Rust link calls no UBSan runtime, so zig builds none (the no-ubsan-runtime rule).
    assert "sanitizers" not in kinds, kinds

    before = outputs(cache)
    for profile in ([], ["--release"]):
        run(["cargo", "build", "--locked", *profile], env=env, cwd=crate)
        assert outputs(cache) == before, f"cargo build {profile} built in zig's cache"
    for binary in ("debug", "release"):
        out = run([crate / "target" / binary / "hello-bin"], env=env).stdout
        assert out.strip() == EXPECTED_OUTPUT

    again = run(["ziglink", "warm"], env=env, cwd=sandbox.root).stdout
    assert "x86_64-unknown-linux-gnu (glibc 2.17): already warm, nothing built" in again


def test_warm_and_cache_key_default_to_the_projects_targets(crate, own_cache):
    """Without --target, `warm` warms cargo's build.target (two at once here), `cache key`
    names the same targets, and a cold `ziglink cargo build` of a crate without bindgen builds
    no sanitizer runtime."""
    env, cache = own_cache
    (crate / ".cargo").mkdir()
    (crate / ".cargo" / "config.toml").write_text(
        '[build]\ntarget = ["aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"]\n'
    )
    warm = run(["ziglink", "warm"], env=env, cwd=crate).stdout
    assert "the project builds for: aarch64-unknown-linux-gnu, x86_64-unknown-linux-gnu" in warm
    assert re.search(r"^2 targets at once: built \d+ cache entries", warm, re.MULTILINE), warm
    key = run(["ziglink", "cache", "key"], env=env, cwd=crate).stdout.strip()
    named = ["--target", "x86_64-unknown-linux-gnu", "--target", "aarch64-unknown-linux-gnu"]
    assert run(["ziglink", "cache", "key", *named], env=env).stdout.strip() == key
    assert re.fullmatch(r"zig-0\.17\.1-x86_64-unknown-linux-gnu-[0-9a-f]{12}", key), key
    alone = run(["ziglink", "cache", "key", "--target", "x86_64-unknown-linux-gnu"], env=env)
    assert alone.stdout.strip() != key

    (crate / ".cargo" / "config.toml").unlink()
    before = outputs(cache)
    run(["ziglink", "cargo", "build", "--locked"], env=env, cwd=crate)
    assert outputs(cache) == before, "warm left something for the host's build to build"
    kinds = {k["kind"] for k in info(env)["kinds"]}
    assert "sanitizers" not in kinds, kinds


def test_clean_during_a_cold_link_spares_what_the_link_uses(crate, own_cache):
    env, cache = own_cache
    build = subprocess.Popen(
        ["cargo", "build", "--locked"],
        env=env,
        cwd=crate,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reports = []
    while build.poll() is None:
        reports.append(run(["ziglink", "cache", "clean"], env=env).stdout)
        time.sleep(0.5)
    _, stderr = build.communicate()
    assert build.returncode == 0, stderr
    out = run([crate / "target" / "debug" / "hello-bin"], env=env).stdout
    assert out.strip() == EXPECTED_OUTPUT
    # The cleans really ran beside the link: some found entries the link held, some removed
    # entries it no longer needed (intermediate objects, ZIR).
    assert any(
        re.search(r"^kept \d+ entr\w+ in use by running builds", r, re.MULTILINE) for r in reports
    )
    assert any(re.search(r"^removed \d+ entr", r, re.MULTILINE) for r in reports), reports

    # Everything is young: --older-than keeps all of it.
    size = info(env)["total_bytes"]
    young = run(["ziglink", "cache", "clean", "--older-than", "1h"], env=env).stdout
    assert not re.search(r"^removed", young, re.MULTILINE), young
    assert info(env)["total_bytes"] == size
    # With the build over, nothing is held any more: what the last clean beside the build had to
    # keep goes now. (When the link let go before that clean ran, it went then already.)
    done = run(["ziglink", "cache", "clean"], env=env).stdout
    assert "in use" not in done, done
    if re.search(r"^kept \d+ entr\w+ in use by running builds", reports[-1], re.MULTILINE):
        assert info(env)["total_bytes"] < size, reports[-1]

    # zig rebuilds what was removed.
    (crate / "src" / "main.rs").touch()
    run(["cargo", "build", "--locked"], env=env, cwd=crate)
    out = run([crate / "target" / "debug" / "hello-bin"], env=env).stdout
    assert out.strip() == EXPECTED_OUTPUT
    assert outputs(cache)
