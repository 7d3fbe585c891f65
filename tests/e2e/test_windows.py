"""Windows targets (issue 17): programs, DLLs and a PyO3 extension linked by ziglink for the
MinGW targets, run under wine where this machine's wine can (x86_64 and i686), and read with a
PE reader everywhere (tests/harness/pe.py): machine, exports, imports, header flags.

std comes from Debian's `rust-web-src` with `-Zbuild-std`, once per target, shared by the tests
through one target folder. cargo's build-std does not build the start objects rustup's
`*-windows-gnu` std ships (`rsbegin.o`, `rsend.o`); they are compiled here, from the same
source, into a folder on the library path. std's own raw-dylib imports make rustc run a
dlltool for every `*-windows-gnu` std: ziglink's, found on PATH by the name rustc looks for.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.harness import EXAMPLE, FIXTURES, clean_environ, copy_tree, rtstartup, run
from tests.harness.pe import AMD64, ARM64, I386, image
from tests.harness.wine import make_prefix, run_exe, stand_in_dll

pytestmark = pytest.mark.e2e

DEBIAN_RUST = {"RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo", "RUSTC_BOOTSTRAP": "1"}
GNU_TRIPLES = ["x86_64-pc-windows-gnu", "i686-pc-windows-gnu"]
MACHINE = {"x86_64": AMD64, "i686": I386, "aarch64": ARM64}
HELLO_BIN = "threads: 60, caught panic: true, file: round trip"


@pytest.fixture(scope="module", autouse=True)
def debian_rust():
    missing = [p for p in ("/usr/bin/rustc", rtstartup.SOURCE) if not Path(p).exists()]
    assert not missing, f"cross toolchain missing ({missing}): run `bash .ci/setup` first"


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """One folder for all: the target folder, the start objects and the wine prefix."""
    root = tmp_path_factory.mktemp("windows")
    env = {**clean_environ(), **DEBIAN_RUST}
    for triple in GNU_TRIPLES:
        rtstartup.compile_objects(triple, root / "rtstartup" / triple, env)
    make_prefix(root / "wine", env)
    return root


def with_shared(env: dict[str, str], shared: Path) -> dict[str, str]:
    """cargo's view: the shared target folder, and each target's start objects on its library
    path (a target's own rustflags, so that other targets' links do not see them)."""
    env = {**env, **DEBIAN_RUST, "CARGO_TARGET_DIR": str(shared / "target")}
    for triple in GNU_TRIPLES:
        flags = f"-L {shared / 'rtstartup' / triple}"
        env[f"CARGO_TARGET_{triple.upper().replace('-', '_')}_RUSTFLAGS"] = flags
    return env


@pytest.fixture
def win_env(cargo_env, shared) -> dict[str, str]:
    return with_shared(cargo_env, shared)


def build(fixture: Path, env: dict[str, str], triple: str, tmp_path: Path) -> Path:
    """`ziglink cargo build` of a copy of `fixture`; its release folder."""
    crate = copy_tree(fixture, tmp_path / fixture.name)
    args = ["ziglink", "cargo", "build", "--locked", "--release", "--target", triple]
    run([*args, "-Zbuild-std"], env=env, cwd=crate)
    return Path(env["CARGO_TARGET_DIR"]) / triple / "release"


def wine_run(exe: Path, triple: str, env: dict[str, str], shared: Path, *args: str) -> str:
    folder = shared / "stand-in" / triple
    built = folder / "bcryptprimitives.dll"
    stand_in = built if built.is_file() else stand_in_dll(folder, triple, env)
    ran = run_exe(exe, *args, prefix=shared / "wine", stand_in=stand_in, env=env)
    return ran.stdout.strip()


# Every test but the refusal pays for a std and a MinGW runtime of its own target: on demand,
# `nox -s platforms`. The release's `ziglink.exe` runs under wine in `nox -s dist-check`.
@pytest.mark.platforms
@pytest.mark.parametrize(
    "triple", ["x86_64-pc-windows-gnu", "i686-pc-windows-gnu", "x86_64-pc-windows-gnullvm"]
)
def test_hello_bin_runs_under_wine(win_env, shared, tmp_path, triple):
    """Threads, a caught panic (unwinding through zig's libunwind) and file I/O, for real."""
    release = build(FIXTURES / "hello-bin", win_env, triple, tmp_path)
    exe = release / "hello-bin.exe"
    pe = image(exe)
    assert (pe.machine, pe.dll) == (MACHINE[triple.split("-")[0]], False)
    assert pe.foreign_imports() == [], "only DLLs every Windows has: no libgcc, no winpthread"
    # 64-bit images always are; on i686 rustc asks for it, zig cannot, and ziglink sets it.
    assert pe.large_address_aware
    assert wine_run(exe, triple, win_env, shared) == HELLO_BIN


@pytest.mark.platforms
def test_dll_exports_what_rustc_listed_and_a_program_loads_it(win_env, shared, tmp_path):
    """rustc's .def export list reaches zig: exactly the `#[no_mangle]` function is exported,
    and a C program built by ziglink-cc loads the DLL and calls it (a panic caught inside)."""
    triple = "x86_64-pc-windows-gnu"
    release = build(FIXTURES / "hello-dll", win_env, triple, tmp_path)
    dll = release / "hello_dll.dll"
    pe = image(dll)
    assert (pe.machine, pe.dll, pe.exported) == (AMD64, True, ["hello_dll_add"])
    assert pe.foreign_imports() == []
    assert (release / "libhello_dll.dll.a").is_file(), "the import library rustc asked for"
    exe = tmp_path / "run" / "loader.exe"
    exe.parent.mkdir()
    (exe.parent / dll.name).write_bytes(dll.read_bytes())
    loader = FIXTURES / "hello-dll" / "loader.c"
    run(["ziglink-cc", f"--target={triple}", "-O2", loader, "-o", exe], env=win_env)
    out = wine_run(exe, triple, win_env, shared)
    assert out == "hello_dll_add: 42, overflow: -2147483648"


@pytest.mark.platforms
def test_c_cxx_and_cmake_code_runs_under_wine(win_env, shared, tmp_path):
    """cc-rs (C and C++, with a C++ exception) and the cmake crate, through ziglink's tools."""
    triple = "x86_64-pc-windows-gnu"
    release = build(FIXTURES / "hello-c", win_env, triple, tmp_path)
    exe = release / "hello-c.exe"
    assert image(exe).foreign_imports() == [], "zig links its libc++ statically"
    out = wine_run(exe, triple, win_env, shared)
    assert out == "c: 5, c++: 42, c++ exception: -1, cmake: 7"


@pytest.mark.windows_arm64
def test_aarch64_gnullvm_is_built_for_arm64(win_env, shared, tmp_path):
    """No wine here runs arm64 Windows: the files are read instead. A std and a zig runtime of
    its own cost 4 minutes, so it runs in `nox -s windows`, not in CI's e2e session."""
    triple = "aarch64-pc-windows-gnullvm"
    exe = image(build(FIXTURES / "hello-bin", win_env, triple, tmp_path) / "hello-bin.exe")
    assert (exe.machine, exe.dll, exe.foreign_imports()) == (ARM64, False, [])
    dll = image(build(FIXTURES / "hello-dll", win_env, triple, tmp_path) / "hello_dll.dll")
    assert (dll.machine, dll.dll, dll.exported) == (ARM64, True, ["hello_dll_add"])


@pytest.mark.platforms
def test_maturin_wheel_for_windows(wheelhouse, sandbox, shared, tmp_path):
    """maturin, through uv, by the ziglink.maturin backend, which sets ziglink up for the
    target, as `maturin --zig` users do today. With no Windows interpreter, maturin makes
    python3.dll's import library with the dlltool it finds by rustc's name: the one the ziglink
    wheel installs in the build environment."""
    triple = "x86_64-pc-windows-gnu"
    src = copy_tree(EXAMPLE, tmp_path / "src")
    out = tmp_path / "out"
    run(
        ["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", f"build-args=--target {triple} -Zbuild-std", "-o", out, src],
        env=with_shared(sandbox.env, shared),
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    assert wheel.name.endswith("-cp39-abi3-win_amd64.whl"), wheel.name
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    pyd = image(unpacked / "pyo3_hello" / "pyo3_hello.pyd")
    assert (pyd.machine, pyd.dll, pyd.exported) == (AMD64, True, ["PyInit_pyo3_hello"])
    assert pyd.foreign_imports() == ["python3.dll"], "abi3: the stable ABI's DLL, no other"


def test_msvc_targets_are_refused_with_the_way_out(win_env, tmp_path):
    crate = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    args = ["ziglink", "cargo", "build", "--target", "x86_64-pc-windows-msvc"]
    failed = run(args, env=win_env, cwd=crate, check=False)
    assert failed.returncode != 0
    assert "cargo-xwin" in failed.stderr and "x86_64-pc-windows-gnu" in failed.stderr
