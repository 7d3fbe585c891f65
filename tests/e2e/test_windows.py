"""Windows targets: programs, DLLs and a PyO3 extension linked by ziglink for the MinGW
targets, run under wine where this machine's wine can (x86_64 and i686), and read with a PE
reader everywhere (tests/harness/pe.py): machine, exports, imports, header flags. The
extension's wheel is installed into the official Windows embeddable CPython and imported there
(tests/harness/windows_python.py). arm64 Windows cannot run here: its files are read.

std comes from a sysroot built once per target from Debian's `rust-web-src`
(tests/harness/sysroot.py), with the start objects rustup's `*-windows-gnu` std ships
(`rsbegin.o`, `rsend.o`). std's own raw-dylib imports make rustc run a dlltool for every
`*-windows-gnu` link: ziglink's, found on PATH by the name rustc looks for.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.harness import EXAMPLE, FIXTURES, clean_environ, copy_tree, rtstartup, run
from tests.harness.pe import AMD64, ARM64, I386, image
from tests.harness.sysroot import lib_dir, rustflags_var
from tests.harness.windows_python import embeddable, run_python, with_wheel
from tests.harness.wine import WINE32, make_prefix, run_exe, stand_in_dll

pytestmark = pytest.mark.e2e

MACHINE = {"x86_64": AMD64, "i686": I386, "aarch64": ARM64}
HELLO_BIN = "threads: 60, caught panic: true, file: round trip"


@pytest.fixture(scope="module", autouse=True)
def debian_rust():
    missing = [p for p in ("/usr/bin/rustc", rtstartup.SOURCE) if not Path(p).exists()]
    assert not missing, f"cross toolchain missing ({missing}): run `bash .ci/setup` first"


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """One folder for all: the target folder and the wine prefix."""
    root = tmp_path_factory.mktemp("windows")
    make_prefix(root / "wine", clean_environ())
    return root


@pytest.fixture
def win_env(cargo_env, shared) -> dict[str, str]:
    return {**cargo_env, "CARGO_TARGET_DIR": str(shared / "target")}


def build(fixture: Path, env: dict[str, str], triple: str, tmp_path: Path, std_for) -> Path:
    """`ziglink cargo build` of a copy of `fixture`, with the target's std from its sysroot;
    its release folder."""
    crate = copy_tree(fixture, tmp_path / fixture.name)
    args = ["ziglink", "cargo", "build", "--locked", "--release", "--target", triple]
    run(args, env=std_for(env, triple), cwd=crate)
    return Path(env["CARGO_TARGET_DIR"]) / triple / "release"


def stand_in(triple: str, env: dict[str, str], shared: Path) -> Path:
    folder = shared / "stand-in" / triple
    built = folder / "bcryptprimitives.dll"
    return built if built.is_file() else stand_in_dll(folder, triple, env)


def wine_run(exe: Path, triple: str, env: dict[str, str], shared: Path, *args: str) -> str:
    dll = stand_in(triple, env, shared)
    ran = run_exe(exe, *args, prefix=shared / "wine", stand_in=dll, env=env)
    return ran.stdout.strip()


@pytest.mark.parametrize(
    "triple", ["x86_64-pc-windows-gnu", "i686-pc-windows-gnu", "x86_64-pc-windows-gnullvm"]
)
def test_hello_bin_runs_under_wine(win_env, shared, tmp_path, std_for, triple):
    """Threads, a caught panic (unwinding through zig's libunwind) and file I/O, for real."""
    release = build(FIXTURES / "hello-bin", win_env, triple, tmp_path, std_for)
    exe = release / "hello-bin.exe"
    pe = image(exe)
    assert (pe.machine, pe.dll) == (MACHINE[triple.split("-")[0]], False)
    assert pe.foreign_imports() == [], "only DLLs every Windows has: no libgcc, no winpthread"
    # 64-bit images always are; on i686 rustc asks for it, zig cannot, and ziglink sets it.
    assert pe.large_address_aware
    if pe.machine == I386:
        assert WINE32.exists(), f"no 32-bit wine at {WINE32}: `bash .ci/setup` installs wine32"
    assert wine_run(exe, triple, win_env, shared) == HELLO_BIN


def test_dll_exports_what_rustc_listed_and_a_program_loads_it(win_env, shared, tmp_path, std_for):
    """rustc's .def export list reaches zig: exactly the `#[no_mangle]` function is exported,
    and a C program built by ziglink-cc loads the DLL and calls it (a panic caught inside)."""
    triple = "x86_64-pc-windows-gnu"
    release = build(FIXTURES / "hello-dll", win_env, triple, tmp_path, std_for)
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


def test_c_cxx_and_cmake_code_runs_under_wine(win_env, shared, tmp_path, std_for):
    """cc-rs (C and C++, with a C++ exception) and the cmake crate, through ziglink's tools."""
    triple = "x86_64-pc-windows-gnu"
    release = build(FIXTURES / "hello-c", win_env, triple, tmp_path, std_for)
    exe = release / "hello-c.exe"
    assert image(exe).foreign_imports() == [], "zig links its libc++ statically"
    out = wine_run(exe, triple, win_env, shared)
    assert out == "c: 5, c++: 42, c++ exception: -1, cmake: 7"


def test_a_std_without_start_objects_links_and_the_program_runs(win_env, shared, tmp_path, std_for):
    """cargo's -Zbuild-std builds no rsbegin.o or rsend.o, and rustc then names them bare on the
    line, which lld cannot open: with the sysroot's std but not its start objects, ziglink
    leaves them out (empty on x86_64) and the program links and runs."""
    triple = "x86_64-pc-windows-gnu"
    env = std_for(win_env, triple)
    given = Path(env[rustflags_var(triple)].split("--sysroot ")[-1])
    bare = tmp_path / "sysroot"
    lib = lib_dir(bare, triple)
    lib.mkdir(parents=True)
    for file in lib_dir(given, triple).iterdir():
        if file.name not in ("rsbegin.o", "rsend.o"):
            (lib / file.name).symlink_to(file)
    explained = tmp_path / "explain.txt"
    env = {
        **env,
        rustflags_var(triple): f"--sysroot {bare}",
        "CARGO_TARGET_DIR": str(tmp_path / "target"),
        "ZIGLINK_EXPLAIN": str(explained),
    }
    release = build(FIXTURES / "hello-bin", env, triple, tmp_path, lambda env, _: env)
    assert "missing-start-objects" in explained.read_text()
    assert wine_run(release / "hello-bin.exe", triple, env, shared) == HELLO_BIN


def test_aarch64_gnullvm_is_built_for_arm64(win_env, shared, tmp_path, std_for):
    """No wine here runs arm64 Windows: the files are read instead."""
    triple = "aarch64-pc-windows-gnullvm"
    built = build(FIXTURES / "hello-bin", win_env, triple, tmp_path, std_for)
    exe = image(built / "hello-bin.exe")
    assert (exe.machine, exe.dll, exe.foreign_imports()) == (ARM64, False, [])
    dll = image(build(FIXTURES / "hello-dll", win_env, triple, tmp_path, std_for) / "hello_dll.dll")
    assert (dll.machine, dll.dll, dll.exported) == (ARM64, True, ["hello_dll_add"])


@pytest.fixture(scope="module")
def windows_wheel(wheelhouse, sandbox_factory, shared, std_for, tmp_path_factory) -> Path:
    """The example's wheel for x86_64-pc-windows-gnu, built through uv by the ziglink.maturin
    backend, which sets ziglink up for the target, as `maturin --zig` users do today. With no
    Windows interpreter, maturin makes python3.dll's import library with the dlltool it finds by
    rustc's name: the one the ziglink wheel installs in the build environment."""
    triple = "x86_64-pc-windows-gnu"
    work = tmp_path_factory.mktemp("windows-wheel")
    src = copy_tree(EXAMPLE, work / "src")
    out = work / "out"
    env = std_for({**sandbox_factory(work).env, "CARGO_TARGET_DIR": str(shared / "target")}, triple)
    run(
        ["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", f"build-args=--target {triple}", "-o", out, src],
        env=env,
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    return wheel


def test_maturin_wheel_for_windows(windows_wheel, tmp_path):
    assert windows_wheel.name.endswith("-cp39-abi3-win_amd64.whl"), windows_wheel.name
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(windows_wheel).extractall(unpacked)
    pyd = image(unpacked / "pyo3_hello" / "pyo3_hello.pyd")
    assert (pyd.machine, pyd.dll, pyd.exported) == (AMD64, True, ["PyInit_pyo3_hello"])
    assert pyd.foreign_imports() == ["python3.dll"], "abi3: the stable ABI's DLL, no other"


def test_windows_wheel_imports_in_windows_cpython(windows_wheel, shared, win_env, tmp_path):
    """The wheel installed into the official Windows embeddable CPython, imported under wine64,
    and both of its functions called: `add` and a Rust panic caught inside the extension."""
    site = with_wheel(embeddable(win_env), windows_wheel, tmp_path / "python")
    # Wine 8 lacks ProcessPrng, which std imports: the stand-in goes beside the .pyd.
    dll = stand_in("x86_64-pc-windows-gnu", win_env, shared)
    shutil.copy2(dll, site / "pyo3_hello" / dll.name)
    # Not `platform`: its machine() asks WMI, which wine 8 lacks (propsys.VariantToString).
    probe = (
        "import sys, struct, pyo3_hello as m; "
        "print(sys.platform, struct.calcsize('P') * 8, '%d.%d.%d' % sys.version_info[:3], "
        "sys.modules['pyo3_hello.pyo3_hello'].__file__.endswith('.pyd'), m.add(40, 2), "
        "m.survives_panic())"
    )
    ran = run_python(tmp_path / "python", probe, prefix=shared / "wine", env=win_env)
    assert ran.stdout.split() == ["win32", "64", "3.13.2", "True", "42", "True"], ran


def test_msvc_targets_are_refused_with_the_way_out(win_env, tmp_path):
    crate = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    args = ["ziglink", "cargo", "build", "--target", "x86_64-pc-windows-msvc"]
    failed = run(args, env=win_env, cwd=crate, check=False)
    assert failed.returncode != 0
    assert "cargo-xwin" in failed.stderr and "x86_64-pc-windows-gnu" in failed.stderr
