"""macOS targets (issue 16): binaries and a PyO3 extension linked by ziglink for x86_64 and
aarch64 apple-darwin, from Linux. No Mac runs them here, so each file is read field by field
(tests/harness/macho.py): CPU, file type, the deployment target it records, the dylibs it
loads, its exports and undefined symbols, and the ad-hoc signature arm64 needs.

rustup cannot add apple targets on these machines; std comes from a sysroot built once per
arch from Debian's `rust-web-src` (tests/harness/sysroot.py), and the tests share one target
folder.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.harness import EXAMPLE, FIXTURES, copy_tree, run
from tests.harness.macho import ARM64, X86_64, Image, image, images, tbd_exports, with_rust_objcopy

pytestmark = pytest.mark.e2e

APPLE = ("aarch64-apple-darwin", "x86_64-apple-darwin")
SYSTEM = "/usr/lib/libSystem.B.dylib"
# crates.io's libc (pyo3 uses it) links libiconv on apple targets; zig has no libiconv, so
# ziglink gives it a stub that names the one every macOS has in /usr/lib.
ICONV = "/usr/lib/libiconv.2.dylib"
CPU = {"aarch64": ARM64, "x86_64": X86_64}
DEMO_FRAMEWORK = "/System/Library/Frameworks/ZiglinkDemo.framework/Versions/A/ZiglinkDemo"


@pytest.fixture(scope="module", autouse=True)
def debian_rust():
    missing = [p for p in ("/usr/bin/rustc", "/usr/lib/rustlib/src/rust") if not Path(p).exists()]
    assert not missing, f"cross toolchain missing ({missing}): run `bash .ci/setup` first"


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """One folder for all: a target folder, so std is built once per arch, and rust-objcopy."""
    return tmp_path_factory.mktemp("macos")


def with_shared(env: dict[str, str], shared: Path, std_for) -> dict[str, str]:
    env = {**std_for(env, *APPLE), "CARGO_TARGET_DIR": str(shared / "target")}
    return with_rust_objcopy(env, shared / "tools")


@pytest.fixture
def mac_env(cargo_env, shared, std_for) -> dict[str, str]:
    return with_shared(cargo_env, shared, std_for)


def fresh(fixture: Path, tmp_path: Path) -> Path:
    """A copy of `fixture` that cargo links again. The tests share one target folder, cargo
    names a path package's files after its path relative to the workspace (the same for every
    copy), and does not know the link depends on the deployment target: sources newer than
    the last link make it link."""
    crate = copy_tree(fixture, tmp_path / fixture.name)
    for source in (crate / "src").rglob("*.rs"):
        source.touch()
    return crate


def build(crate: Path, env: dict[str, str], spec: str, *extra: str, check=True):
    args = ["ziglink", "cargo", "build", "--locked", "--release", "--target", spec]
    return run([*args, *extra], env=env, cwd=crate, check=check)


def release(env: dict[str, str], triple: str, name: str) -> Path:
    return Path(env["CARGO_TARGET_DIR"]) / triple / "release" / name


@pytest.mark.parametrize(
    ("spec", "deployment_target", "minos"),
    [
        ("aarch64-apple-darwin", None, (11, 0, 0)),
        ("x86_64-apple-darwin", None, (10, 12, 0)),
        ("aarch64-apple-darwin", "13.0", (13, 0, 0)),
        ("x86_64-apple-darwin.10.15", None, (10, 15, 0)),
    ],
    ids=["aarch64-default", "x86_64-default", "aarch64-raised", "x86_64-suffix"],
)
def test_binary_records_the_deployment_target_asked_for(
    mac_env, tmp_path, spec, deployment_target, minos
):
    """rustc's defaults (11.0, 10.12), MACOSX_DEPLOYMENT_TARGET, and a target suffix; zig alone
    would write 15.0 into each."""
    crate = fresh(FIXTURES / "hello-bin", tmp_path)
    env = dict(mac_env)
    if deployment_target:
        env["MACOSX_DEPLOYMENT_TARGET"] = deployment_target
    build(crate, env, spec)
    triple, arch = spec.split(".")[0], spec.split("-")[0]
    binary = image(release(env, triple, "hello-bin"))
    assert binary.cputype == CPU[arch]
    assert binary.filetype == "execute"
    assert binary.minos == minos
    assert binary.dylibs == [SYSTEM], "-lSystem -lc -lm are one library: one load command"
    # arm64 macOS kills an unsigned binary, or one whose pages do not match their hashes; zig
    # signs ad hoc there, and only there.
    assert binary.signed == (arch == "aarch64")
    assert binary.signature_problems == []


def test_release_debug_info_is_stripped_by_an_objcopy_that_runs(mac_env, tmp_path):
    """rustc strips a Mach-O file's debug info itself after the link, with `rust-objcopy`,
    which Debian does not ship and rustup's cannot run here (its libLLVM is missing): built with
    line tables, the debugger entries zig writes for them are there when kept and gone when
    stripped, and the stripped file is still signed as it now is."""
    triple = "aarch64-apple-darwin"
    crate = fresh(FIXTURES / "hello-bin", tmp_path)
    kept = {
        **mac_env,
        "CARGO_PROFILE_RELEASE_DEBUG": "line-tables-only",
        "CARGO_PROFILE_RELEASE_STRIP": "none",
    }
    build(crate, kept, triple)
    assert image(release(kept, triple, "hello-bin")).stabs > 0
    stripped = {**kept, "CARGO_PROFILE_RELEASE_STRIP": "debuginfo"}
    built = build(crate, stripped, triple)
    assert "rust-objcopy" not in built.stderr, built.stderr
    binary = image(release(stripped, triple, "hello-bin"))
    assert binary.stabs == 0
    assert binary.signed and binary.signature_problems == []


def libsystem_exports(installed: Path) -> set[str]:
    """What zig's libSystem stub exports, with every library it re-exports (what dyld would
    find behind /usr/lib/libSystem.B.dylib)."""
    (stub,) = installed.parent.glob(
        "lib/python*/site-packages/ziglang/lib/libc/darwin/libSystem.tbd"
    )
    return set().union(*tbd_exports(stub).values())


def assert_binds_as_dyld_would(ext: Image, installed: Path) -> None:
    """Exactly the interpreter's symbols (`_Py*`, `__Py*`) are left to the flat namespace, and
    every other undefined symbol names a library the file loads that exports it."""
    python = {s for s in ext.undefined if re.match(r"_+Py", s)}
    flat = {s for s, lib in ext.bound_from.items() if lib == "dynamic lookup"}
    assert python and flat == python, sorted(flat ^ python)
    system = libsystem_exports(installed)
    unbound = {
        s: lib
        for s, lib in ext.bound_from.items()
        if s not in python and not (lib == SYSTEM and s in system)
    }
    assert unbound == {}, unbound


def test_pyo3_extension_is_a_dylib_that_leaves_python_to_the_interpreter(
    mac_env, installed, tmp_path
):
    """What maturin asks for a macOS extension (`-undefined dynamic_lookup`), through cargo."""
    crate = fresh(EXAMPLE, tmp_path)
    lookup = ["--", "-C", "link-arg=-undefined", "-C", "link-arg=dynamic_lookup"]
    args = ["ziglink", "cargo", "rustc", "--locked", "--release", "--lib"]
    args += ["--target", "aarch64-apple-darwin", *lookup]
    run(args, env=mac_env, cwd=crate)
    ext = image(release(mac_env, "aarch64-apple-darwin", "libpyo3_hello.dylib"))
    assert (ext.cputype, ext.filetype, ext.minos) == (ARM64, "dylib", (11, 0, 0))
    assert "_PyInit_pyo3_hello" in ext.exported
    assert {"_PyModule_Create2", "_PyLong_FromLong"} & ext.undefined, sorted(ext.undefined)[:20]
    assert sorted(ext.dylibs) == [SYSTEM, ICONV], "no libpython: the interpreter provides it"
    assert ext.signature_valid, ext.signature_problems
    assert_binds_as_dyld_would(ext, installed)


def test_c_cxx_and_cmake_code_for_arm64_macos(mac_env, tmp_path):
    """cc-rs and the cmake crate reach zig through ziglink-cc, ziglink-cxx and ziglink-cmake;
    the objects they make must be built for the floor too, or the link is refused."""
    crate = fresh(FIXTURES / "hello-c", tmp_path)
    build(crate, mac_env, "aarch64-apple-darwin")
    binary = image(release(mac_env, "aarch64-apple-darwin", "hello-c"))
    assert (binary.cputype, binary.filetype, binary.minos) == (ARM64, "execute", (11, 0, 0))
    assert binary.dylibs == [SYSTEM], "zig links its libc++ statically"
    build_dirs = Path(mac_env["CARGO_TARGET_DIR"]) / "aarch64-apple-darwin" / "release" / "build"
    objects = list(build_dirs.glob("hello-c-*/out/**/*.o"))
    # cc-rs names its objects `<hash>-add.o`, CMake `sub.c.o`
    assert {o.name.split("-")[-1] for o in objects} == {"add.o", "stamp.o", "mul.o", "sub.c.o"}
    assert {image(o).minos for o in objects} == {(11, 0, 0)}


def maturin_wheel(
    spec, wheelhouse, sandbox, shared, std_for, tmp_path, pyproject: str = ""
) -> tuple[str, Path]:
    """The example as a wheel for `spec`, built through uv by the ziglink.maturin backend, which
    sets ziglink up for each apple target `spec` stands for: the wheel's name and its extension
    module. `pyproject` is added to the example's pyproject.toml; such a build gets a target
    folder of its own, because cargo does not rebuild dependencies when the deployment target
    changes: the builds at the defaults would find pyo3 compiled for the table's newer macOS,
    which ziglink refuses to link."""
    src = fresh(EXAMPLE, tmp_path)
    env = with_shared(sandbox.env, shared, std_for)
    if pyproject:
        path = src / "pyproject.toml"
        path.write_text(path.read_text() + pyproject)
        env["CARGO_TARGET_DIR"] = str(shared / "target-with-pyproject-additions")
    out = tmp_path / "out"
    build_args = f"build-args=--target {spec}"
    built = run(
        ["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", build_args, "-o", out, src],
        env=env,
    )  # fmt: skip
    # maturin's own cc-rs asks the target's C compiler `-E` what family it is, outside cargo's
    # build scripts: ziglink-cc has to answer with no TARGET set.
    assert "Compiler family detection failed" not in built.stderr + built.stdout
    (wheel,) = out.glob("*.whl")
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    return wheel.name, unpacked / "pyo3_hello" / "pyo3_hello.abi3.so"


# maturin's test-crate pyo3-pure sets `[tool.maturin.target."aarch64-apple-darwin"]
# macos-deployment-target`, which the backend once refused on every target. The arm64 wheel
# carries such a table (12.0, above rustc's 11.0): maturin tags the wheel for it, and the
# backend's link must write it into the file. The universal2 wheel below keeps the defaults.
TABLE_12 = '\n[tool.maturin.target."aarch64-apple-darwin"]\nmacos-deployment-target = "12.0"\n'


@pytest.mark.parametrize(
    ("triple", "table", "tag", "cpu", "minos"),
    [
        ("aarch64-apple-darwin", TABLE_12, "macosx_12_0_arm64", ARM64, (12, 0, 0)),
        ("x86_64-apple-darwin", "", "macosx_10_12_x86_64", X86_64, (10, 12, 0)),
    ],
    ids=["arm64-target-table", "x86_64"],
)
def test_maturin_wheel_for_macos(
    wheelhouse, installed, sandbox, shared, std_for, tmp_path, triple, table, tag, cpu, minos
):
    """maturin drives cargo with ziglink as the linker, as `maturin build --zig` users do."""
    name, so = maturin_wheel(triple, wheelhouse, sandbox, shared, std_for, tmp_path, table)
    assert name.endswith(f"-cp39-abi3-{tag}.whl"), name
    ext = image(so)
    assert (ext.cputype, ext.minos) == (cpu, minos)
    assert ext.filetype in ("dylib", "bundle")
    assert "_PyInit_pyo3_hello" in ext.exported
    assert ext.signed == (cpu == ARM64)
    assert ext.signature_problems == []
    assert_binds_as_dyld_would(ext, installed)


def test_input_built_for_a_newer_macos_is_refused_and_removed(mac_env, tmp_path):
    """zig writes the floor into the file whatever its inputs were built for, so an object
    compiled for macOS 14 would hide in a file that claims 11.0."""
    newer = tmp_path / "newer.o"
    (tmp_path / "newer.c").write_text("int newer_symbol(void) { return 14; }\n")
    run(
        ["ziglink-cc", "--target=aarch64-apple-darwin", "-c", tmp_path / "newer.c", "-o", newer],
        env={**mac_env, "MACOSX_DEPLOYMENT_TARGET": "14.0"},
    )
    assert image(newer).minos == (14, 0, 0)
    crate = fresh(FIXTURES / "hello-bin", tmp_path)
    # Only the binary's own link gets the object: std, built by the tests above, is reused.
    link = ["ziglink", "cargo", "rustc", "--locked", "--release", "--bin", "hello-bin"]
    link += ["--target", "aarch64-apple-darwin", "--", "-C", f"link-arg={newer}"]
    failed = run(link, env=mac_env, cwd=crate, check=False)
    assert failed.returncode != 0
    line = next((x for x in failed.stderr.splitlines() if "above the deployment target" in x), "")
    assert f"links `{newer}`, built for macOS 14.0" in line, failed.stderr
    assert "macOS 11.0" in line and "(the file was removed)" in line, line
    # The file rustc linked, in deps/; cargo copies it to release/ only after a good link.
    linked = Path(line.split("`")[1])
    assert linked.parent.name == "deps" and not linked.exists(), line
    run(link, env={**mac_env, "ZIGLINK_FLOOR_CHECK": "0"}, cwd=crate)
    binary = image(release(mac_env, "aarch64-apple-darwin", "hello-bin"))
    assert binary.minos == (11, 0, 0), "zig writes the floor whatever the inputs need"


def test_universal2_build_merges_both_arches(mac_env, tmp_path):
    crate = fresh(FIXTURES / "hello-bin", tmp_path)
    built = build(crate, mac_env, "universal2-apple-darwin")
    fat = release(mac_env, "universal2-apple-darwin", "hello-bin")
    assert f"Merged {fat}" in built.stderr, built.stderr
    assert "Finished" in built.stderr, "cargo's own messages still reach the user"
    slices = [(i.cputype, i.filetype, i.minos, i.signed) for i in images(fat)]
    assert [i.signature_problems for i in images(fat)] == [[], []]
    assert slices == [
        (X86_64, "execute", (10, 12, 0), False),
        (ARM64, "execute", (11, 0, 0), True),
    ]
    assert os.access(fat, os.X_OK)


def test_maturin_universal2_wheel(wheelhouse, sandbox, shared, std_for, tmp_path):
    """maturin builds each arch with ziglink as its linker and merges them itself."""
    spec = "universal2-apple-darwin"
    name, so = maturin_wheel(spec, wheelhouse, sandbox, shared, std_for, tmp_path)
    # maturin adds the tags of each half to the universal2 one.
    assert "-cp39-abi3-macosx_10_12_universal2." in name, name
    slices = images(so)
    assert [(i.cputype, i.minos) for i in slices] == [(X86_64, (10, 12, 0)), (ARM64, (11, 0, 0))]
    assert all("_PyInit_pyo3_hello" in i.exported for i in slices)
    assert [i.signature_problems for i in slices] == [[], []]
    assert slices[1].signature_valid


def fake_sdk(root: Path) -> Path:
    """An SDK with one framework, as a text stub: enough for zig to link against it."""
    sdk = root / "MacOSX14.5.sdk"
    framework = sdk / "System" / "Library" / "Frameworks" / "ZiglinkDemo.framework"
    framework.mkdir(parents=True)
    (sdk / "usr" / "include").mkdir(parents=True)
    (sdk / "usr" / "lib").mkdir(parents=True)
    (sdk / "SDKSettings.json").write_text('{"Version": "14.5"}\n')
    (framework / "Headers").mkdir()
    (framework / "Headers" / "ZiglinkDemo.h").write_text("int ziglink_demo_version(void);\n")
    (framework / "ZiglinkDemo.tbd").write_text(
        "--- !tapi-tbd\ntbd-version: 4\ntargets: [ x86_64-macos, arm64-macos ]\n"
        f"install-name: '{DEMO_FRAMEWORK}'\n"
        "exports:\n  - targets: [ x86_64-macos, arm64-macos ]\n"
        "    symbols: [ _ziglink_demo_version ]\n...\n"
    )
    return sdk


def test_framework_links_from_sdkroot_and_without_one_says_how(mac_env, tmp_path):
    crate = fresh(FIXTURES / "hello-bin", tmp_path)
    link = ["ziglink", "cargo", "rustc", "--locked", "--release", "--bin", "hello-bin"]
    link += ["--target", "aarch64-apple-darwin", "--"]
    link += ["-C", "link-arg=-framework", "-C", "link-arg=ZiglinkDemo"]
    failed = run(link, env=mac_env, cwd=crate, check=False)
    assert failed.returncode != 0
    assert "needs the ZiglinkDemo framework" in failed.stderr, failed.stderr
    assert "set SDKROOT" in failed.stderr, failed.stderr

    sdk = fake_sdk(tmp_path)
    # C code finds the framework's headers through ziglink-cc, as cc-rs would call it.
    source = tmp_path / "demo.c"
    source.write_text(
        "#include <ZiglinkDemo/ZiglinkDemo.h>\nint f(void) { return ziglink_demo_version(); }\n"
    )
    compile_demo = [
        "ziglink-cc",
        "--target=aarch64-apple-darwin",
        "-c",
        source,
        "-o",
        tmp_path / "demo.o",
    ]
    assert run(compile_demo, env=mac_env, check=False).returncode != 0, "no SDK, no header"
    run(compile_demo, env={**mac_env, "SDKROOT": str(sdk)})
    assert image(tmp_path / "demo.o").minos == (11, 0, 0)
    run(link, env={**mac_env, "SDKROOT": str(sdk)}, cwd=crate)
    binary = image(release(mac_env, "aarch64-apple-darwin", "hello-bin"))
    assert sorted(binary.dylibs) == [DEMO_FRAMEWORK, SYSTEM]
    assert binary.minos == (11, 0, 0)


# Stands in for a tool that edits a file after zig signed it: runs zig, then changes one byte
# of the first page of each arm64 Mach-O file zig wrote.
EDIT_AFTER_SIGNING = """#!{python}
import os, subprocess, sys
args = sys.argv[1:]
code = subprocess.call([os.environ["REAL_ZIG"], *args])
words = list(args)
for arg in args:
    if arg.startswith("@") and os.path.isfile(arg[1:]):
        words += [w.strip('"') for w in open(arg[1:]).read().split()]
if code == 0 and "-o" in words:
    out = words[words.index("-o") + 1]
    with open(out, "r+b") as f:
        head = f.read(8)
        if head[:4] == bytes.fromhex("cffaedfe") and head[4:8] == bytes.fromhex("0c000001"):
            f.seek(0x1000)
            byte = f.read(1)
            f.seek(0x1000)
            f.write(bytes([byte[0] ^ 0xFF]))
sys.exit(code)
"""


def test_a_file_edited_after_zig_signed_it_is_refused_and_removed(mac_env, installed, tmp_path):
    """The page hashes of the ad-hoc signature are checked after the link: a file whose page
    no longer matches would be killed by the arm64 kernel, so it never reaches cargo."""
    (zig,) = installed.parent.glob("lib/python*/site-packages/ziglang/zig")
    wrapper = tmp_path / "zig"
    wrapper.write_text(EDIT_AFTER_SIGNING.format(python=sys.executable))
    wrapper.chmod(0o755)
    env = {**mac_env, "ZIGLINK_ZIG": str(wrapper), "REAL_ZIG": str(zig)}
    env["ZIG_LIB_DIR"] = str(zig.parent / "lib")
    crate = fresh(FIXTURES / "hello-bin", tmp_path)
    failed = build(crate, env, "aarch64-apple-darwin", check=False)
    assert failed.returncode != 0
    line = next((x for x in failed.stderr.splitlines() if "code signature" in x), "")
    assert "does not match its hash in the code signature" in line, failed.stderr
    assert "(the file was removed)" in line, line
    linked = Path(line.split("`")[1])
    assert linked.parent.name == "deps" and not linked.exists(), line
    # The same link without the edit passes the check.
    build(crate, mac_env, "aarch64-apple-darwin")
    assert image(release(mac_env, "aarch64-apple-darwin", "hello-bin")).signature_valid
