"""Issue 7: the post-link glibc check, floors refused before linking, explain mode, and the CPU
guard, each with real cargo builds and the real zig."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import cargo_build, max_glibc

from tests.harness import FIXTURES, ROOT, copy_tree, run

pytestmark = pytest.mark.e2e

HOST_LIBC = Path("/lib/x86_64-linux-gnu/libc.so.6")
# The build machine's own libc.so.6 on the line makes closefrom (glibc 2.34) resolve whatever
# the floor; an executable then also needs its private symbols left undefined.
HOST_LIBC_FLAGS = f"-C link-arg={HOST_LIBC} -C link-arg=-Wl,--allow-shlib-undefined"
RUSTFLAGS_VAR = "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS"


@pytest.mark.skipif(not HOST_LIBC.exists(), reason="needs the x86_64 Debian layout")
def test_a_link_above_the_floor_fails_naming_the_symbol(crate, cargo_env):
    env = {**cargo_env, RUSTFLAGS_VAR: HOST_LIBC_FLAGS}
    failed = cargo_build(crate, env, "--features", "closefrom", check=False)
    assert failed.returncode != 0
    line = next(x for x in failed.stderr.splitlines() if "ziglink: error:" in x)
    assert "above the glibc floor 2.17 for x86_64-unknown-linux-gnu" in line, line
    assert re.search(r"needs `\w+`.* from libc\.so\.6 \(GLIBC_2\.3[4-9]\)", line), line
    assert "ZIGLINK_FLOOR_CHECK=0" in line and "(the file was removed)" in line, line
    deps = crate / "target" / "debug" / "deps"
    assert not [p for p in deps.glob("hello_bin-*") if p.suffix not in (".d", ".o")]

    # The check is what failed the link: switched off, the same link succeeds and the binary
    # really needs glibc 2.34, which is what readelf says too.
    off = {**env, "ZIGLINK_GLIBC_CHECK": "0"}
    cargo_build(crate, off, "--features", "closefrom")
    binary = crate / "target" / "debug" / "hello-bin"
    assert max_glibc(binary) >= (2, 34)
    assert "closefrom: called" in run([binary], env=off).stdout

    # With the floor at 2.34 there is nothing to report.
    (crate / "src" / "main.rs").touch()
    cargo_build(crate, {**env, "ZIGLINK_GLIBC": "2.34"}, "--features", "closefrom")


@pytest.mark.parametrize(
    ("floor", "message"),
    [
        ("2.99", "glibc 2.99 is newer than any the zig at"),
        ("2.x", "malformed glibc version `2.x` in ZIGLINK_GLIBC"),
        ("2.5", "glibc 2.5 is below the lowest glibc zig can link"),
    ],
)
def test_invalid_floors_are_refused_before_zig_runs(crate, cargo_env, floor, message):
    env = {**cargo_env, "ZIGLINK_GLIBC": floor, "ZIGLINK_LOG": "1"}
    failed = cargo_build(crate, env, check=False)
    assert failed.returncode != 0
    assert message in failed.stderr
    assert "ziglink: zig from" not in failed.stderr  # refused before zig was started
    if floor == "2.99":
        assert "its newest is 2.44" in failed.stderr  # read from zig 0.17.1's own list


def test_explain_mode_names_each_rule_during_a_real_build(crate, cargo_env, tmp_path):
    log = tmp_path / "explain.log"
    cargo_build(crate, {**cargo_env, "ZIGLINK_EXPLAIN": str(log)})
    text = log.read_text()
    assert text.startswith("ziglink explain: link for x86_64-unknown-linux-gnu (glibc floor 2.17)")
    for piece in [
        "added     -target x86_64-linux-gnu.2.17",
        "replaced  -lgcc_s -> -lunwind",
        "[gcc-s] zig ships no libgcc_s",
        "dropped   -fuse-ld=lld",
        "[fuse-ld] ",
        "command: ",
    ]:
        assert piece in text, piece
    binary = crate / "target" / "debug" / "hello-bin"
    assert "threads: 60" in run([binary], env=cargo_env).stdout


def test_explain_points_at_the_rules_for_an_option_zig_rejects(crate, cargo_env):
    env = {
        **cargo_env,
        "ZIGLINK_EXPLAIN": "1",
        RUSTFLAGS_VAR: "-C link-arg=-Wl,--icf=all",
    }
    failed = cargo_build(crate, env, check=False)
    assert failed.returncode != 0
    assert "unknown   linker option --icf=all" in failed.stderr
    assert "zig rejected `--icf`, which no rule handles" in failed.stderr
    assert "RULES table in src/call/rules/mod.rs" in failed.stderr


def test_explain_command_reads_a_line_from_a_response_file(installed, tmp_path):
    line = tmp_path / "linker-arguments"
    line.write_text(
        "-m64\n/t/main.o\n-lgcc_s\n-fuse-ld=lld\n-Wl,-z,relro,-z,now\n-o\n/t/out\n"
        "-L\n/r/lib/rustlib/aarch64-unknown-linux-gnu/lib\n-Wl,--fix-cortex-a53-843419\n"
    )
    env = {**os.environ, "ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU": "2.28"}
    out = run([installed / "ziglink", "explain", "--", f"@{line}"], env=env).stdout
    assert out.startswith("ziglink explain: link for aarch64-unknown-linux-gnu (glibc floor 2.28)")
    assert "[cortex-a53-fix]" in out and "[gcc-s]" in out and "  unknown " not in out
    assert f"command: {installed.parent}" in out  # the zig of this install, not run
    assert "-target aarch64-linux-gnu.2.28" in out


def _table(name: str) -> list[str]:
    """A string table from src/call/explain/linker_options.rs, so the test follows the source."""
    source = (ROOT / "src" / "call" / "explain" / "linker_options.rs").read_text()
    body = re.search(rf"pub const {name}: &\[&str\] = &\[(.*?)\];", source, re.DOTALL).group(1)
    return re.findall(r'"([^"]*)"', body)


def test_every_linker_option_in_the_table_is_accepted_by_zig(installed, tmp_path):
    zig = next((installed.parent / "lib").glob("python3*/site-packages/ziglang/zig"))
    source = tmp_path / "main.c"
    source.write_text("int main(void) { return 0; }\n")
    obj = tmp_path / "main.o"
    target = ["-target", "x86_64-linux-gnu.2.17"]
    subprocess.run([zig, "cc", *target, "-c", source, "-o", obj], check=True)
    values = {"-rpath=": "/x", "-soname=": "libx.so", "--version-script=": "/dev/null"}
    values |= {"--build-id=": "sha1", "--hash-style=": "gnu", "--dynamic-linker=": "/lib/x"}
    values |= {"--compress-debug-sections=": "none", "--sort-section=": "name"}
    values |= {"--image-base=": "0x100000", "--entry=": "main"}
    options = [o + values[o] if o.endswith("=") else o for o in _table("ACCEPTED")]
    options += [f"-z,{k}4096" if k.endswith("=") else f"-z,{k}" for k in _table("Z_KEYWORDS")]
    rejected = []
    for option in options:
        proc = subprocess.run(
            [zig, "cc", *target, obj, "-o", tmp_path / "out", f"-Wl,{option}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or "unsupported" in proc.stderr:
            rejected.append((option, proc.stderr.strip()[:200]))
    assert len(options) > 50
    assert not rejected, rejected


def test_native_cpu_for_another_architecture_is_refused(installed, cargo_env, tmp_path):
    crate = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    env = {**cargo_env, "RUSTFLAGS": "-C target-cpu=native"}
    args = ["cargo", "build", "--target", "aarch64-unknown-linux-gnu"]
    failed = run([installed / "ziglink", *args], env=env, cwd=crate, check=False)
    assert failed.returncode == 1
    assert "target-cpu=native, but aarch64-unknown-linux-gnu is another architecture" in (
        failed.stderr
    )
    assert "Compiling" not in failed.stderr  # refused before cargo started
    # From CFLAGS, through cc-rs, the C compiler refuses it the same way.
    cc = [installed / "ziglink-cc", "--target=aarch64-unknown-linux-gnu", "-mcpu=native"]
    failed = run([*cc, "-c", "x.c"], env=cargo_env, check=False)
    assert failed.returncode == 1
    assert "`-mcpu=native` cannot be honoured for aarch64-unknown-linux-gnu" in failed.stderr
    # The host's own CPU stays allowed for the host.
    out = run(
        [installed / "ziglink", "explain", "--tool", "cc", "--", "-march=native", "-c", "x.c"],
        env={**cargo_env, "TARGET": "x86_64-unknown-linux-gnu"},
    )
    assert "-march=native" in out.stdout


# CPUs rustc lists for a 64-bit target that cannot run its code (32-bit-only x86, powerpc and
# riscv cores), and so zig refuses for it: not a naming problem.
NOT_FOR_64_BIT = re.compile(
    r"^(i[3-6]86|pentium.*|athlon(-.*)?|c3(-2)?|geode|k6(-[23])?|lakemont|winchip.*|yonah"
    r"|.*-rv32|andes-[an]?[24]5.*|andes-n45|rp2350-hazard3|sifive-e[0-9]+|syntacore-scr[1-5].*"
    r"|rocket-rv32|prescott|e500|g4\+|ppc32)$"
)
CPU_TARGETS = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "armv7-unknown-linux-gnueabihf",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "riscv64gc-unknown-linux-gnu",
]


@pytest.mark.parametrize("triple", CPU_TARGETS)
def test_rustc_cpu_names_reach_zig_under_its_names(installed, sandbox, tmp_path, triple):
    """A build script's C compile sees rustc's flags in CARGO_ENCODED_RUSTFLAGS; ziglink-cc
    compiles for `-C target-cpu=<name>`, and every name rustc knows for the target must come
    out of ziglink's table as one zig accepts."""
    listing = run(["rustc", "--print", "target-cpus", "--target", triple], env=sandbox.env)
    names = [
        line.split()[0]
        for line in listing.stdout.splitlines()[1:]
        if line.strip() and not line.split()[0].startswith("native")
    ]
    source = tmp_path / "x.c"
    source.write_text("int f(int x) { return x * 3; }\n")
    refused = []
    for name in names:
        if triple.startswith(("x86_64", "riscv64", "powerpc64")) and NOT_FOR_64_BIT.match(name):
            continue
        env = {**sandbox.env, "TARGET": triple, "CARGO_ENCODED_RUSTFLAGS": f"-Ctarget-cpu={name}"}
        proc = subprocess.run(
            [installed / "ziglink-cc", f"--target={triple}", "-c", source],
            cwd=tmp_path,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            refused.append((name, proc.stderr.strip().splitlines()[:1]))
    assert len(names) > 10
    assert not refused, refused
    # The compile really is for that CPU: explain shows the rule and zig's name.
    env = {**sandbox.env, "TARGET": triple, "CARGO_ENCODED_RUSTFLAGS": f"-Ctarget-cpu={names[-1]}"}
    out = run([installed / "ziglink", "explain", "--tool", "cc", "--", "-c", "x.c"], env=env)
    assert "[rustc-target-cpu]" in out.stdout, out.stdout


def _cxx_runtime_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.rglob("libc++*.a"))


def test_libcxx_is_built_only_for_links_that_need_it(installed, cargo_env, tmp_path):
    """A cold zig cache: a pure-Rust link leaves no libc++ behind; a crate with C++ from cc-rs
    gets it, and its C++ exception works."""
    cache = tmp_path / "zig-cache"
    env = {**cargo_env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}
    rust_only = copy_tree(FIXTURES / "hello-bin", tmp_path / "hello-bin")
    cargo_build(rust_only, env)
    assert (cache / "o").is_dir()
    assert _cxx_runtime_files(cache) == []

    with_cxx = copy_tree(FIXTURES / "hello-c", tmp_path / "hello-c")
    run([installed / "ziglink", "cargo", "build", "--locked"], env=env, cwd=with_cxx)
    assert _cxx_runtime_files(cache) == ["libc++.a", "libc++abi.a"]
    out = run([with_cxx / "target" / "debug" / "hello-c"], env=env).stdout
    assert "c++: 42, c++ exception: -1" in out


HOST_LZMA = Path("/usr/lib/x86_64-linux-gnu/liblzma.so")


@pytest.mark.skipif(not HOST_LZMA.exists(), reason="needs liblzma-dev (.ci/setup installs it)")
def test_a_host_library_above_the_floor_is_named_with_the_fix(installed, cargo_env, tmp_path):
    """lzma-sys finds the build machine's liblzma through pkg-config; that file needs the
    machine's glibc. The failed link says so, and the fix it names works."""
    crate = copy_tree(FIXTURES / "hello-xz", tmp_path / "hello-xz")
    failed = cargo_build(crate, cargo_env, check=False)
    assert failed.returncode != 0
    line = next(x for x in failed.stderr.splitlines() if "ziglink: error:" in x)
    assert re.search(
        rf"`{HOST_LZMA}` \(from -llzma\) needs GLIBC_2\.(3[4-9]|[4-9]\d) \(`\w+`.*\) "
        r"and the floor is 2\.17: it is a library built for this machine's glibc",
        line,
    ), line
    assert "LZMA_API_STATIC=1" in line, line

    # The fix it names: liblzma built for the target, by ziglink's C compiler.
    env = {**cargo_env, "LZMA_API_STATIC": "1"}
    run([installed / "ziglink", "cargo", "build", "--locked"], env=env, cwd=crate)
    binary = crate / "target" / "debug" / "hello-xz"
    assert run([binary], env=env).stdout.startswith("liblzma 5.")
    assert max_glibc(binary) <= (2, 17)
