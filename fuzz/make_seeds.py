"""Makes the seed corpora in fuzz/corpus/ from real inputs, on a machine set up by .ci/setup:

    python3 fuzz/make_seeds.py --ziglink-bin <folder with ziglink, ziglink-cc and zig beside>

- link_line, response_files: the link lines rustc passes for the test fixtures (a binary, a
  PyO3 cdylib, each for x86_64 and for aarch64 with Debian's rustc), caught by a stand-in linker;
  rustc's own `linker-arguments` file, forced by a line too long to pass (then trimmed), and
  GNU-style files;
- compile_line: the compile lines cc-rs and CMake pass for hello-c, with the rustflags cargo
  gave the build script;
- elf_file: small C programs and a shared library linked by zig for each Linux target ziglink
  supports, a glibc-2.34 one that the check refuses, and shared objects the host's cc links
  against the host's libssl and libz, which the manylinux policy check judges;
- macho_file: C programs, dylibs, objects and archives for both macOS arches at several
  deployment targets, and a fat file of two of them;
- pe_file: the headers of programs and DLLs linked by zig for each Windows target, whole and cut
  short where each field the PE reader uses begins, and with the header pointer bent;
- zig_manifest: manifests from the zig cache those links filled;
- zig_cache_file: small crt objects, libc stubs and runtime archives from that cache, whole and
  cut short, each behind the byte that says what it should be, and zig's verbose link lines;
- target_spec: the spellings of targets, floors, ages, `ziglink cargo` lines and maturin build
  arguments the docs use, and a pyproject.toml's tables for the maturin backend.

Every file is named after its content digest, as libFuzzer names what it adds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "fuzz" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
TARGETS = [  # the order of `target::TARGETS`, which the leading byte of a line indexes
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "i686-unknown-linux-gnu",
    "armv7-unknown-linux-gnueabihf",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "riscv64gc-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-gnu",
    "i686-pc-windows-gnu",
    "x86_64-pc-windows-gnullvm",
    "aarch64-pc-windows-gnullvm",
]
WINDOWS_TARGETS = TARGETS[-4:]
MACOS_TARGETS = {"x86_64-apple-darwin": ["10.12", "13.0"], "aarch64-apple-darwin": ["11.0", "14.0"]}
FLOORS = {"powerpc64le-unknown-linux-gnu": "2.32", "riscv64gc-unknown-linux-gnu": "2.27"}
# Writes its argv, NUL-separated, and the contents of any @file into $SEEDS_OUT, then links
# (or fails, with $SEEDS_FAIL set).
CATCHER = """#!/bin/sh
n=$(date +%s%N)
for a in "$@"; do printf '%s\\0' "$a"; done > "$SEEDS_OUT/argv-$n"
for a in "$@"; do case "$a" in @*) cp "${a#@}" "$SEEDS_OUT/file-$n";; esac; done
[ -n "$SEEDS_FAIL" ] && exit 1
exec ziglink "$@"
"""
# Records cc-rs's and CMake's compile lines and the build script's rustflags, then compiles.
CC_CATCHER = """#!/bin/sh
n=$(date +%s%N)
{ printf '%s\\0' "$CARGO_ENCODED_RUSTFLAGS"; for a in "$@"; do printf '%s\\0' "$a"; done; } \\
  > "$SEEDS_OUT/cc-$n"
exec ziglink-{tool} "$@"
"""


def save(target: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def sh(cmd, env, cwd=None, check=True) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, check=check,
                          capture_output=True)  # fmt: skip


def caught_link_lines(env: dict[str, str], work: Path) -> None:
    out = work / "caught"
    out.mkdir()
    catcher = work / "catcher"
    catcher.write_text(CATCHER)
    catcher.chmod(0o755)
    env = {**env, "SEEDS_OUT": str(out)}
    debian = {"RUSTC": "/usr/bin/rustc", "CARGO": "/usr/bin/cargo"}
    builds = [
        ("hello-bin", "x86_64-unknown-linux-gnu", {}, []),
        ("hello-bin", "aarch64-unknown-linux-gnu", debian, []),
        ("hello-bin", "x86_64-unknown-linux-gnu", {}, ["--release"]),
    ]
    pyo3 = ROOT / "examples" / "pyo3-hello"
    for n, (name, target, extra, flags) in enumerate(builds):
        crate = work / f"{name}-{n}"
        shutil.copytree(FIXTURES / name, crate, ignore=shutil.ignore_patterns("target"))
        var = f"CARGO_TARGET_{target.upper().replace('-', '_')}_LINKER"
        cargo = extra.get("CARGO", "cargo")
        sh([cargo, "build", "--target", target, *flags], {**env, **extra, var: str(catcher)},
           cwd=crate, check=False)  # fmt: skip
    crate = work / "pyo3"
    shutil.copytree(pyo3, crate, ignore=shutil.ignore_patterns("target"))
    var = "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"
    sh(["cargo", "build"], {**env, var: str(catcher)}, cwd=crate, check=False)

    # rustc's own response file: a line too long for one exec (over 2 MiB of arguments).
    long = work / "long.args"
    long.write_text("\n".join(f"-Clink-arg=-Wl,--defsym=ziglink_seed_{i}=0" for i in range(60000)))
    source = work / "main.rs"
    source.write_text("fn main() {}\n")
    sh(["rustc", f"-Clinker={catcher}", f"@{long}", source, "-o", work / "main"],
       {**env, "SEEDS_FAIL": "1"}, cwd=work, check=False)  # fmt: skip

    for argv in sorted(out.glob("argv-*")):
        line = argv.read_bytes().rstrip(b"\0")
        args = line.split(b"\0")
        triple = next((t for t in TARGETS if f"rustlib/{t}/lib".encode() in line), TARGETS[0])
        index = bytes([TARGETS.index(triple)])
        save("link_line", index + b"\0".join(a for a in args if b"ziglink_seed_" not in a))
    for rsp in sorted(out.glob("file-*")):
        kept = [x for x in rsp.read_bytes().split(b"\n") if b"ziglink_seed_" not in x]
        # Index byte odd: the replay names it `linker-arguments`, rustc's dialect.
        save("response_files", b"\x01" + b"\n".join(kept))
    save("response_files", b'\x00-o \'my app\' "a\\"b" \\@x @/r/1\0@/r/0\0-Wl,--as-needed\n')


def caught_compile_lines(env: dict[str, str], work: Path) -> None:
    out = work / "cc"
    out.mkdir()
    for tool in ("cc", "cxx"):
        wrapper = work / f"catch-{tool}"
        wrapper.write_text(CC_CATCHER.replace("{tool}", tool))
        wrapper.chmod(0o755)
    crate = work / "hello-c"
    shutil.copytree(FIXTURES / "hello-c", crate, ignore=shutil.ignore_patterns("target"))
    env = {
        **env,
        "SEEDS_OUT": str(out),
        "CC_x86_64_unknown_linux_gnu": str(work / "catch-cc"),
        "CXX_x86_64_unknown_linux_gnu": str(work / "catch-cxx"),
        "AR_x86_64_unknown_linux_gnu": "ziglink-ar",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": "ziglink",
        "RUSTFLAGS": "-C target-cpu=x86-64-v3",
    }
    sh(["cargo", "build", "--target", "x86_64-unknown-linux-gnu"], env, cwd=crate)
    for line in sorted(out.glob("cc-*")):
        save("compile_line", bytes([0]) + line.read_bytes().rstrip(b"\0"))


def linked_files(env: dict[str, str], work: Path) -> None:
    source = work / "hello.c"
    source.write_text('#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    lib = work / "lib.c"
    lib.write_text("#include <pthread.h>\nint f(void) { return pthread_self() != 0; }\n")
    new = work / "new.c"
    new.write_text("#include <unistd.h>\nint main(void) { closefrom(3); return 0; }\n")
    for target in TARGETS:
        if "apple" in target:
            continue
        floor = FLOORS.get(target, "2.17")
        cc = {**env, "TARGET": target, "ZIGLINK_GLIBC": floor}
        exe, so = work / f"{target}.exe", work / f"{target}.so"
        sh(["ziglink-cc", "-Os", "-s", source, "-o", exe], cc)
        save("elf_file", exe.read_bytes())
        if "musl" not in target:
            sh(["ziglink-cc", "-Os", "-s", "-shared", "-fPIC", lib, "-o", so], cc)
            save("elf_file", so.read_bytes())
    above = work / "closefrom.exe"
    cc = {**env, "TARGET": TARGETS[0], "ZIGLINK_GLIBC": "2.34"}
    sh(["ziglink-cc", "-Os", "-s", new, "-o", above], cc)
    save("elf_file", above.read_bytes())
    # What the manylinux policy check judges: the host's libraries, loaded by files the host's
    # cc links (libssl, which no policy allows; libz's ZLIB_1.2.9, above manylinux2014).
    users = {
        "ssl": "int OPENSSL_init_ssl(unsigned long, const void *);\n"
        "int f(void) { return OPENSSL_init_ssl(0, 0); }\n",
        "z": "unsigned long crc32_z(unsigned long, const unsigned char *, unsigned long);\n"
        "unsigned long f(const unsigned char *b) { return crc32_z(0, b, 1); }\n",
    }
    for name, text in users.items():
        user, so = work / f"uses-{name}.c", work / f"uses-{name}.so"
        user.write_text(text)
        sh(["cc", "-Os", "-s", "-shared", "-fPIC", user, f"-l{name}", "-o", so], env)
        save("elf_file", so.read_bytes())


def macho_files(env: dict[str, str], work: Path) -> None:
    source = work / "hello.c"
    lib = work / "lib.c"
    lib.write_text("int PyInit_seed(void) { return 1; }\n")
    thin = []
    for target, versions in MACOS_TARGETS.items():
        for version in versions:
            cc = {**env, "TARGET": target, "MACOSX_DEPLOYMENT_TARGET": version}
            stem = work / f"{target}-{version}"
            exe, dylib, obj, archive = (stem.with_suffix(s) for s in (".exe", ".dylib", ".o", ".a"))
            sh(["ziglink-cc", "-Os", source, "-o", exe], cc)
            dynamic = ["-dynamiclib", "-undefined", "dynamic_lookup"]
            sh(["ziglink-cc", "-Os", *dynamic, lib, "-o", dylib], cc)
            sh(["ziglink-cc", "-Os", "-c", lib, "-o", obj], cc)
            sh(["ziglink-ar", "rcs", archive, obj], cc)
            for file in (exe, dylib, obj, archive):
                save("macho_file", file.read_bytes())
            thin.append(exe.read_bytes())
    # A fat file of the first slice of each arch, laid out as lipo does (slices 16 KiB apart).
    slices = [thin[0], thin[2]]
    cpus = [0x01000007, 0x0100000C]
    header = struct.pack(">II", 0xCAFEBABE, len(slices))
    offset, body = 0x4000, b""
    for cpu, data in zip(cpus, slices):
        header += struct.pack(">iiIII", cpu, 3 if cpu == cpus[0] else 0, offset, len(data), 14)
        body += data + b"\0" * (-len(data) % 0x4000)
        offset += len(data) + (-len(data) % 0x4000)
    save("macho_file", header + b"\0" * (0x4000 - len(header)) + body)


def pe_files(env: dict[str, str], work: Path) -> None:
    """Only the first KiB of each file: the reader looks at the DOS and COFF headers alone, and
    whole files would put megabytes in the repository."""
    source = work / "hello.c"
    lib = work / "lib.c"
    lib.write_text("__declspec(dllexport) int PyInit_seed(void) { return 1; }\n")
    for target in WINDOWS_TARGETS:
        stem = work / target
        exe, dll = stem.with_suffix(".exe"), stem.with_suffix(".dll")
        sh(["ziglink-cc", f"--target={target}", "-Os", source, "-o", exe], env)
        sh(["ziglink-cc", f"--target={target}", "-Os", "-shared", lib, "-o", dll], env)
        for file in (exe, dll):
            head = file.read_bytes()[:1024]
            lfanew = struct.unpack_from("<I", head, 0x3C)[0]
            cuts = [0, 2, 0x3C, 0x40, lfanew, lfanew + 4, lfanew + 22, lfanew + 23, lfanew + 24]
            for cut in [*cuts, *range(0x44, lfanew + 24, 4), *range(lfanew + 24, 1025, 64)]:
                save("pe_file", head[:cut])
            for bent in (0, 0x3C, lfanew + 1, len(head), 0xFFFFFFFF):
                save("pe_file", head[:0x3C] + struct.pack("<I", bent) + head[0x40:])


def manifests(cache: Path) -> None:
    found = sorted((cache / "h").iterdir(), key=lambda p: p.stat().st_size)
    picked = [p for p in found if 0 < p.stat().st_size < 8192 and p.suffix != ".txt"]
    step = max(1, len(picked) // 24)
    for manifest in picked[::step]:
        save("zig_manifest", manifest.read_bytes())
    save("zig_manifest", b"")


# The leading byte of a zig_cache_file input: what `well_formed::Shape` the file should be.
SHAPES = {".a": 0, ".lib": 0, ".o": 1, ".obj": 1, ".so": 2}


def cache_files(cache: Path) -> None:
    picked: dict[int, list[Path]] = {0: [], 1: [], 2: []}
    for path in sorted((cache / "o").glob("*/*")):
        suffix = ".so" if ".so" in path.name else path.suffix
        if suffix in SHAPES and 0 < path.stat().st_size < 64 << 10:
            picked[SHAPES[suffix]].append(path)
    for shape, paths in picked.items():
        for path in paths[:: max(1, len(paths) // 12)]:
            data = path.read_bytes()
            for cut in (len(data), len(data) - 1, len(data) // 2, 64, 8):
                save("zig_cache_file", bytes([shape]) + data[:cut])
    for line in (
        b"ld.lld -o h /c/o/b379798b5139d9d3b0781fb8df5a4a21/libc.so.6 /c/o/x/y.o",
        b"error: FileNotFound: /c/o/ce9150365c18bd947f89666f6c335d77/libcompiler_rt.a",
        b"lld-link /c\\o\\1b8f35954c3cfd0530e0bd72486a1c82\\crt2.obj",
    ):
        save("zig_cache_file", b"\0" + line)
    save("zig_cache_file", b"")


def target_specs() -> None:
    for text in [
        "aarch64-unknown-linux-gnu.2.17",
        "x86_64-unknown-linux-gnu.2.28",
        "powerpc64le-unknown-linux-gnu.2.32",
        "x86_64-unknown-linux-musl",
        "2.17\x002.x\x0030d\x0012h\x0090m",
        "\x00".join(
            ["cargo", "+stable", "--reproducible", "build", "--target"]
            + ["aarch64-unknown-linux-gnu.2.17", "--target=x86_64-unknown-linux-musl"]
            + ["--manifest-path", "a/Cargo.toml"]
        ),
        # maturin's build arguments, as the maturin backend reads them, and manylinux tags
        "\x00".join(
            ["--release", "--compatibility=manylinux_2_28", "--target", "aarch64-unknown-linux-gnu"]
            + ["--manylinux", "manylinux2014", "musllinux_1_2", "--", "--zig"]
        ),
        "manylinux2014\x00manylinux_2_17\x00manylinux_2_x\x00musllinux_1_2",
        # a pyproject.toml's tables for the backend
        (
            '[tool.maturin]\ncompatibility = ["manylinux_2_28"]\n[tool.ziglink]\nglibc = "2.28"\n'
            'targets = ["x86_64-unknown-linux-musl"]\n'
        ),
    ]:
        save("target_spec", text.encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ziglink-bin", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ziglink-seeds-") as tmp:
        work = Path(tmp)
        cache = work / "zig-cache"
        env = {
            **os.environ,
            "PATH": f"{args.ziglink_bin}{os.pathsep}{os.environ['PATH']}",
            "ZIG_GLOBAL_CACHE_DIR": str(cache),
            "CARGO_TARGET_DIR": str(work / "target"),
        }
        caught_link_lines(env, work)
        caught_compile_lines(env, work)
        linked_files(env, work)
        macho_files(env, work)
        pe_files(env, work)
        manifests(cache)
        cache_files(cache)
        target_specs()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
