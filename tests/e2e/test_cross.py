"""Cross-compilation (issue 4): each Linux architecture built with ziglink and run under qemu,
C/C++/CMake code through cc-rs and the cmake crate, a PyO3 abi3 wheel for aarch64 imported by
an arm64 CPython, and static musl binaries.

Other architectures' Rust standard libraries come from Debian (`rustc-web` 1.85 and
`libstd-rust-web-dev:<arch>`; riscv64 and musl build std from source); `.ci/setup` installs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import max_glibc

from tests.harness import EXAMPLE, FIXTURES, copy_tree, run
from tests.harness.sysroot import with_std

pytestmark = pytest.mark.e2e

DEBIAN_RUST = {"RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo"}
PY_ARM64_ROOT = Path(os.environ.get("PY_ARM64_ROOT", "/opt/ziglink-py-arm64"))
HELLO_OUTPUT = "threads: 60, caught panic: true, file: round trip"

# target spec, qemu command, `readelf -h` machine, whether std must be built from source
GNU_TARGETS = [
    ("aarch64-unknown-linux-gnu.2.17", ["qemu-aarch64"], "AArch64", False),
    ("armv7-unknown-linux-gnueabihf.2.17", ["qemu-arm"], "ARM", False),
    ("i686-unknown-linux-gnu.2.17", ["qemu-i386"], "Intel 80386", False),
    ("powerpc64le-unknown-linux-gnu.2.32", ["qemu-ppc64le"], "PowerPC64", False),
    (
        "s390x-unknown-linux-gnu.2.17",
        ["qemu-s390x", "-L", "/usr/s390x-linux-gnu"],
        "IBM S/390",
        False,
    ),
    (
        "riscv64gc-unknown-linux-gnu.2.27",
        ["qemu-riscv64", "-L", "/usr/riscv64-linux-gnu"],
        "RISC-V",
        True,
    ),
]


@pytest.fixture(scope="module", autouse=True)
def debian_rust():
    missing = [p for p in ("/usr/bin/rustc", "/usr/lib/rustlib/src/rust") if not Path(p).exists()]
    assert not missing, f"cross toolchain missing ({missing}): run `bash .ci/setup` first"


@pytest.fixture(scope="module")
def hello(tmp_path_factory) -> Path:
    """One copy of the fixture for the module, so its per-target builds share the crate dir."""
    return copy_tree(FIXTURES / "hello-bin", tmp_path_factory.mktemp("cross") / "hello-bin")


def ziglink_cargo(
    crate: Path, env: dict[str, str], spec: str, *extra: str, build_std=False, command="build"
):
    args = ["ziglink", "cargo", command, "--locked", "--target", spec, *extra]
    env = {**env, **DEBIAN_RUST}
    if build_std:  # Debian has no std for it: the cached sysroot's
        env = with_std(env, spec.split(".")[0])
    return run(args, env=env, cwd=crate)


def machine(binary: Path) -> str:
    header = subprocess.run(
        ["readelf", "-h", binary], capture_output=True, text=True, check=True
    ).stdout
    return re.search(r"Machine:\s+(.*)", header).group(1).strip()


@pytest.mark.parametrize(
    ("spec", "qemu", "expected_machine", "build_std"),
    GNU_TARGETS,
    ids=[t[0].split("-")[0] for t in GNU_TARGETS],
)
def test_gnu_target_runs_under_qemu(hello, cargo_env, spec, qemu, expected_machine, build_std):
    triple, floor = spec.split(".", 1)
    ziglink_cargo(hello, cargo_env, spec, build_std=build_std)
    binary = hello / "target" / triple / "debug" / "hello-bin"
    assert machine(binary) == expected_machine
    assert max_glibc(binary) <= tuple(int(p) for p in floor.split("."))
    assert run([*qemu, binary], env=cargo_env).stdout.strip() == HELLO_OUTPUT
    if build_std:
        return  # a release std from source takes minutes; the other five cover the ELF kinds
    # Release: ziglink removes the debug sections itself, from 32- and 64-bit files of either
    # byte order, and the symbol table a backtrace reads stays.
    ziglink_cargo(hello, cargo_env, spec, "--release")
    release = hello / "target" / triple / "release" / "hello-bin"
    headers = run(["readelf", "-S", "-W", release], env=cargo_env).stdout
    assert " .symtab " in headers and " .debug_" not in headers, headers
    traced = run([*qemu, release], env={**cargo_env, "HELLO_BIN_BACKTRACE": "1"})
    assert traced.stdout.strip() == HELLO_OUTPUT
    assert "hello_bin::report_where_i_am" in traced.stderr, traced.stderr


def test_c_cxx_and_cmake_code_cross_built_for_aarch64(cargo_env, tmp_path):
    crate = copy_tree(FIXTURES / "hello-c", tmp_path / "hello-c")
    ziglink_cargo(crate, cargo_env, "aarch64-unknown-linux-gnu.2.17")
    binary = crate / "target" / "aarch64-unknown-linux-gnu" / "debug" / "hello-c"
    assert machine(binary) == "AArch64"
    assert max_glibc(binary) <= (2, 17)
    out = run(["qemu-aarch64", binary], env=cargo_env).stdout.strip()
    assert out == "c: 5, c++: 42, c++ exception: -1, cmake: 7"


def test_pyo3_abi3_wheel_for_aarch64_imports_under_qemu(wheelhouse, sandbox, tmp_path):
    src = copy_tree(EXAMPLE, tmp_path / "pyo3-hello")
    out = tmp_path / "out"
    build_args = "build-args=--target aarch64-unknown-linux-gnu --compatibility manylinux2014"
    run(
        ["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", build_args, "-o", out, src],
        env={**sandbox.env, "RUSTC": DEBIAN_RUST["RUSTC"]},
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    assert wheel.name.endswith("-cp39-abi3-manylinux2014_aarch64.manylinux_2_17_aarch64.whl")
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    so = unpacked / "pyo3_hello" / "pyo3_hello.abi3.so"
    assert machine(so) == "AArch64"
    assert max_glibc(so) <= (2, 17)

    python = PY_ARM64_ROOT / "usr" / "bin" / "python3.11"
    assert python.exists(), f"no arm64 CPython at {python}: run `bash .ci/setup`"
    probe = "import platform, pyo3_hello as m; print(platform.machine(), m.add(2, 40), m.survives_panic())"
    env = {**sandbox.env, "PYTHONPATH": str(unpacked)}
    result = run(["qemu-aarch64", "-L", PY_ARM64_ROOT, python, "-c", probe], env=env)
    assert result.stdout.split() == ["aarch64", "42", "True"]


# (target spec, std::env::consts::ARCH, how it runs here: the kernel's binfmt_misc entry through
# Debian's multiarch loader, or ziglink's `qemu -L` for a loader only in a cross folder)
AARCH64_QEMU = ["binfmt_misc (qemu-aarch64)", "under `qemu-aarch64`"]
RUN_TARGETS = [
    ("aarch64-unknown-linux-gnu.2.17", "aarch64", AARCH64_QEMU),
    ("s390x-unknown-linux-gnu.2.17", "s390x", ["runs under `qemu-s390x -L /usr/s390x-linux-gnu`"]),
    # where binfmt_misc has no qemu-arm entry, ziglink's runner does it
    ("armv7-unknown-linux-gnueabihf.2.17", "arm", ["binfmt_misc (qemu-arm)", "under `qemu-arm`"]),
    # std from a sysroot built from source (tests/harness/sysroot.py)
    ("aarch64-unknown-linux-musl", "aarch64", AARCH64_QEMU),
]


@pytest.mark.parametrize(
    ("spec", "arch", "how"), RUN_TARGETS, ids=["aarch64", "s390x", "armv7", "aarch64-musl"]
)
def test_cargo_test_and_run_execute_the_targets_programs(hello, cargo_env, spec, arch, how):
    """`ziglink cargo test` and `run` for another architecture run what they built: the test
    passes only on its own architecture, and `run` prints the program's output."""
    build_std = "musl" in spec
    env = {**cargo_env, "HELLO_BIN_EXPECT_ARCH": arch, "ZIGLINK_LOG": "1"}
    tested = ziglink_cargo(hello, env, spec, command="test", build_std=build_std)
    assert "test tests::runs_on_the_expected_architecture ... ok" in tested.stdout, tested.stdout
    assert any(h in tested.stderr for h in how), tested.stderr
    ran = ziglink_cargo(hello, cargo_env, spec, command="run", build_std=build_std)
    assert ran.stdout.strip() == HELLO_OUTPUT, ran.stdout
    # A wrong architecture fails the test: the check is real.
    wrong = {**cargo_env, **DEBIAN_RUST, "HELLO_BIN_EXPECT_ARCH": "x86_64"}
    if build_std:
        wrong = with_std(wrong, spec)
    args = ["ziglink", "cargo", "test", "--locked", "--target", spec]
    failed = run(args, env=wrong, cwd=hello, check=False)
    assert failed.returncode != 0 and "runs_on_the_expected_architecture" in failed.stdout


# std from the cached sysroot of each target (tests/harness/sysroot.py).
@pytest.mark.parametrize(
    ("triple", "runner"),
    [("x86_64-unknown-linux-musl", []), ("aarch64-unknown-linux-musl", ["qemu-aarch64"])],
    ids=["x86_64", "aarch64"],
)
def test_musl_binary_is_static_and_runs(hello, cargo_env, triple, runner):
    ziglink_cargo(hello, cargo_env, triple, "--release", build_std=True)
    binary = hello / "target" / triple / "release" / "hello-bin"
    headers = run(["readelf", "-l", "-d", binary], env=cargo_env).stdout
    assert "INTERP" not in headers, "a static binary has no program interpreter"
    assert "NEEDED" not in headers, "a static binary loads no shared libraries"
    assert run([*runner, binary], env=cargo_env).stdout.strip() == HELLO_OUTPUT


@pytest.mark.parametrize(
    ("triple", "runner", "arch"),
    [
        ("x86_64-unknown-linux-gnu", [], "x86_64"),
        ("aarch64-unknown-linux-gnu", ["qemu-aarch64"], "aarch64"),
    ],
    ids=["x86_64", "aarch64"],
)
def test_bindgen_reads_the_targets_c_and_cxx_headers_at_the_floor(
    cargo_env, tmp_path, triple, runner, arch
):
    """A C header and a C++ header that includes the standard library, through one
    BINDGEN_EXTRA_CLANG_ARGS: with the host's headers bindgen would report the host's glibc
    (2.36 on Debian 12) and find libstdc++, which has no _LIBCPP_VERSION; with zig's C headers
    alone it stops at `'algorithm' file not found`."""
    crate = copy_tree(FIXTURES / "hello-bindgen", tmp_path / "hello-bindgen")
    ziglink_cargo(crate, cargo_env, f"{triple}.2.17")
    binary = crate / "target" / triple / "debug" / "hello-bindgen"
    out = run([*runner, binary], env=cargo_env).stdout.strip()
    assert re.fullmatch(
        rf"headers: glibc 2\.17, machine: {arch}, libc\+\+ \d{{6}} \(abi 1\)", out
    ), out


def test_eval_env_then_cargo_build_for_aarch64(installed, sandbox, tmp_path):
    """`eval "$(ziglink env --target ...)"` then plain cargo: linker, cc-rs's C and C++ compilers,
    the archiver and the cmake crate all come from the exported settings."""
    crate = copy_tree(FIXTURES / "hello-c", tmp_path / "hello-c")
    triple = "aarch64-unknown-linux-gnu"
    script = (
        f'eval "$({installed / "ziglink"} env --target {triple})" && '
        f"cargo build --locked --target {triple}"
    )
    run(["sh", "-c", script], env={**sandbox.env, **DEBIAN_RUST}, cwd=crate)
    binary = crate / "target" / triple / "debug" / "hello-c"
    assert machine(binary) == "AArch64"
    assert max_glibc(binary) <= (2, 17)
    out = run(["qemu-aarch64", binary], env=sandbox.env).stdout.strip()
    assert out == "c: 5, c++: 42, c++ exception: -1, cmake: 7"


DOCTESTED = """/// ```
/// assert_eq!(doctested::add(40, 2), 42);
/// ```
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}
"""


def test_cross_doctests_run_with_the_rustdoc_beside_rustc(cargo_env, tmp_path):
    """RUSTC names Debian's rustc while rustup's toolchain comes first on PATH, as on these
    machines. cargo would compile the doctests with rustup's rustdoc, which cannot read Debian's
    std for aarch64 (E0463); ziglink cargo hands it the rustdoc beside RUSTC, the doctest runs,
    and the newer cargo is named in one warning."""
    env = {name: value for name, value in cargo_env.items() if name not in ("CARGO", "RUSTDOC")}
    env["RUSTC"] = "/usr/bin/rustc"
    assert shutil.which("rustdoc", path=env["PATH"]) not in (None, "/usr/bin/rustdoc"), (
        "rustup's toolchain must come first on PATH, as on the test machines"
    )
    crate = tmp_path / "doctested"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "doctested"\nversion = "0.1.0"\nedition = "2021"\n'
    )
    (crate / "src" / "lib.rs").write_text(DOCTESTED)
    args = ["ziglink", "cargo", "test", "--doc", "--target", "aarch64-unknown-linux-gnu"]
    tested = run(args, env=env, cwd=crate)
    assert "test src/lib.rs - add (line 1) ... ok" in tested.stdout, tested.stdout
    major, minor = run(["cargo", "-V"], env=env).stdout.split()[1].split(".")[:2]
    assert (int(major), int(minor)) > (1, 85), "rustup's cargo is newer than Debian's rustc"
    warning = (
        f"ziglink: warning: cargo {major}.{minor} is newer than rustc 1.85 (RUSTC=/usr/bin/rustc)"
    )
    assert warning in tested.stderr, tested.stderr
