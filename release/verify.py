"""Checks each artifact `release.build` made, here, as far as this machine can:

    python -m release.verify <folder>

- every Linux wheel: its tag and `auditwheel show`, the machine of its programs, and that they
  ask for no glibc symbol above the floor they were linked for (musl: that they are static);
- each Linux wheel whose arch runs here (x86 natively, the others where `.ci/setup` registered
  qemu-user's binfmt entry), installed with ziglang's wheel for that host: `--version`,
  `doctor`, and a link of a C program for x86_64 Linux glibc 2.17 that then runs here;
- the Windows wheels: the machine and DLLs of each program; the x64 and x86 ones laid out as a
  Windows venv with ziglang's wheel and run under wine (`doctor`, `targets`, `explain`, and the
  same link, whose program runs natively). The verifier needs `ziglink-cc` on PATH: it builds
  wine's stand-in DLL and the recorder that takes zig.exe's place;
- the macOS wheels: each executable read field by field (arch, minos, dylibs, signed);
- the sdist: installed into a clean venv, built from source by cargo (without the release
  profile's lto), `ziglink doctor`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

from release.hosts import HOSTS, Host
from tests.harness.process import run
from tests.harness.sandbox import clean_environ

ZIGLANG = "ziglang==0.17.1"
RECORDER = Path(__file__).parent / "recorder" / "zig_recorder.c"
HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello from ziglink"); return 0; }\n'
BINFMT = Path("/proc/sys/fs/binfmt_misc")
# The executables every wheel ships.
PROGRAMS = ["ziglink", "ziglink-cc", "ziglink-cxx", "ziglink-ar", "ziglink-ranlib", "ziglink-cmake"]
# Per Linux arch: the machine readelf names, the binfmt entry that runs it here (x86 runs
# natively), and where its glibc is when it is not a Debian multiarch one (`QEMU_LD_PREFIX`).
LINUX_MACHINE = {
    "x86_64": ("X86-64", None, None),
    "i686": ("Intel 80386", None, None),
    "aarch64": ("AArch64", "qemu-aarch64", None),
    "armv7": ("ARM", "qemu-arm", None),
    "powerpc64le": ("PowerPC64", "qemu-ppc64le", None),
    "s390x": ("IBM S/390", "qemu-s390x", "/usr/s390x-linux-gnu"),
    "riscv64gc": ("RISC-V", "qemu-riscv64", "/usr/riscv64-linux-gnu"),
}
# Where macOS keeps the libraries every Mac has.
MACOS_OWN = ("/usr/lib/", "/System/Library/")
# What the C tools compile for, outside a cargo build script (which sets TARGET).
FLOOR_2_17 = {"ZIGLINK_TARGET": "x86_64-unknown-linux-gnu.2.17"}


def host_of(wheel: Path) -> Host:
    """The host whose tags the wheel's file name has (maturin may order them differently)."""
    platform = wheel.name[: -len(".whl")].split("-")[-1]
    for host in HOSTS:
        if set(platform.split(".")) == set(host.platform_tag.split(".")):
            return host
    raise SystemExit(f"{wheel.name}: no host has the tag {platform}")


def fetch_ziglang(platform: str, work: Path, env: dict[str, str]) -> Path:
    """ziglang's wheel for `platform`, from PyPI, into a folder of its own in `work`."""
    into = work / "ziglang-wheel"
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    run([*args, "--platform", platform, "-d", into, ZIGLANG], env=env)
    (wheel,) = into.glob("ziglang-*.whl")
    return wheel


def unpack_venv(wheels: list[Path], root: Path, *, windows: bool) -> Path:
    """The wheels unpacked as an install of the host lays them out: `Scripts` beside
    `Lib/site-packages` on Windows, `bin` beside `lib/pythonX.Y/site-packages` elsewhere.
    Returns the scripts folder."""
    site = root / ("Lib/site-packages" if windows else "lib/python3.11/site-packages")
    scripts = root / ("Scripts" if windows else "bin")
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                parts = Path(info.filename).parts
                if len(parts) > 2 and parts[0].endswith(".data") and parts[1] == "scripts":
                    target = scripts / Path(*parts[2:])
                else:
                    target = site / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                if info.external_attr >> 16 & 0o111:
                    target.chmod(0o755)
    return scripts


def check_linux_link(
    ziglink_cc: list[str], work: Path, env: dict[str, str], replay: Callable[[], int] | None = None
) -> str:
    """`ziglink-cc` links a C program for x86_64 Linux glibc 2.17 in `work` (then `replay` runs
    what it recorded); it runs here, and asks for no glibc symbol newer than 2.17. Returns what
    it printed."""
    (work / "hello.c").write_text(HELLO_C)
    run([*ziglink_cc, "hello.c", "-o", "hello"], env={**env, **FLOOR_2_17}, cwd=work)
    if replay is not None:
        assert replay() == 1, "one zig call per compile-and-link"
    needed = glibc_needed(work / "hello", env)
    assert needed and needed <= (2, 17), f"needs glibc {needed}"
    printed = run([work / "hello"], env=env).stdout.strip()
    assert printed == "hello from ziglink", printed
    return printed


def glibc_needed(elf: Path, env: dict[str, str]) -> tuple[int, ...] | None:
    """The newest glibc symbol version `elf` asks for (None: it asks for none)."""
    symbols = run(["readelf", "-V", elf], env=env).stdout
    versions = {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+)", symbols)}
    return max(versions, default=None)


def verify_linux(wheel: Path, host: Host, work: Path, env: dict[str, str]) -> str:
    tag = host.platform_tag.split(".")[0]
    shown = run(["auditwheel", "show", wheel], env=env).stdout
    assert tag in shown.replace("\n", " "), shown
    machine, binfmt, glibc_root = LINUX_MACHINE[host.rust.split("-")[0]]
    scripts = unpack_venv([wheel], work / "venv", windows=False)
    header = run(["readelf", "-h", "-l", scripts / "ziglink"], env=env).stdout
    (machine_line,) = re.findall(r"Machine:.*", header)
    assert machine_line.endswith(machine), machine_line
    # A musl wheel's programs carry their libc: they run on any Linux of the arch, musl or not.
    static = "musl" in host.rust
    assert static == ("program interpreter" not in header), header
    # The floor ziglink was asked for, which can be below the tag's (ppc64le).
    floor = re.search(r"\.(\d+)\.(\d+)$", host.link_target)
    if floor:
        wanted = tuple(map(int, floor.groups()))
        for program in PROGRAMS:
            needed = glibc_needed(scripts / program, env)
            assert needed and needed <= wanted, (program, f"needs glibc {needed}")
    floor_note = f"no glibc symbol above {'.'.join(floor.groups())}; " if floor else ""
    if binfmt and not (BINFMT / binfmt).exists():
        return f"auditwheel: {tag}; {floor_note}not run (no binfmt entry for {binfmt})"
    unpack_venv([fetch_ziglang(host.ziglang_platform, work, env)], work / "venv", windows=False)
    if glibc_root and not static:
        env = {**env, "QEMU_LD_PREFIX": glibc_root}
    version = run([scripts / "ziglink", "--version"], env=env).stdout.strip()
    # Not the help a program that lost its arguments prints (musl's, before `platform::args`).
    assert re.fullmatch(r"ziglink \d+\.\d+\.\d+\S*", version), version
    doctor = run([scripts / "ziglink", "doctor"], env=env).stdout
    assert "zig 0.17.1 at " in doctor, doctor
    check_linux_link([str(scripts / "ziglink-cc")], work, env)
    ran = f"ran under {binfmt}" if binfmt else "ran"
    kind = "static; " if static else floor_note
    return (
        f"auditwheel: {tag}; {kind}{ran} {version!r}, doctor, linked x86_64 glibc 2.17 and ran it"
    )


def verify_windows(wheel: Path, host: Host, work: Path, env: dict[str, str]) -> str:
    from tests.harness.pe import AMD64, ARM64, I386, image
    from tests.harness.wine import loader as wine_for
    from tests.harness.wine import make_prefix, stand_in_dll, wine_env

    arch = host.rust.split("-")[0]
    machine, name = {
        "x86_64": (AMD64, "x86-64"),
        "i686": (I386, "x86"),
        "aarch64": (ARM64, "arm64"),
    }[arch]
    scripts = unpack_venv([wheel, fetch_ziglang(host.ziglang_platform, work, env)], work / "venv",
                          windows=True)  # fmt: skip
    for program in PROGRAMS:
        read = image(scripts / f"{program}.exe")
        assert (read.machine, read.dll) == (machine, False), (program, read)
        assert read.foreign_imports() == [], (program, "imports DLLs Windows does not have")
    read_only = f"PE {name}, importing only Windows' own DLLs"
    if machine == ARM64:
        return f"{read_only}; not run (no wine here runs {name})"
    loader = wine_for(machine)
    # Wine 8 lacks ProcessPrng, which Rust's std imports: a stand-in beside the programs.
    stand_in = stand_in_dll(work / "stand-in", host.rust, env)
    shutil.copy2(stand_in, scripts / stand_in.name)
    prefix = make_prefix(work / "wine", env)
    wine = {**wine_env(prefix, env), "PATH": env["PATH"]}

    def ziglink(*args: str) -> str:
        return run([loader, scripts / "ziglink.exe", *args], env=wine, cwd=work).stdout

    # ziglang's own zig.exe: found in the Windows layout, and asked its version.
    doctor = ziglink("doctor")
    assert "zig 0.17.1 at " in doctor and "found by the ziglang package" in doctor, doctor
    assert "x86_64-pc-windows-gnu" in ziglink("targets")
    explained = ziglink("explain", "--target", "x86_64-unknown-linux-gnu", "--", "-m64", "-Wl,-O1")
    assert "linker-opt-level" in explained, explained
    # The links: the recorder in zig.exe's place, each command replayed with Linux's zig.
    zig_exe = work / "venv" / "Lib" / "site-packages" / "ziglang" / "zig.exe"
    run(["ziglink-cc", f"--target={host.rust}", RECORDER, "-o", zig_exe], env=env)
    cc = [str(loader), str(scripts / "ziglink-cc.exe")]
    check_linux_link(cc, work, {**wine, "ZIGLINK_RECORD": str(work / "record")},
                     replay=lambda: replay(work / "record", work, env))  # fmt: skip
    check_long_line(cc, work, wine, env)
    check_exit_codes(cc, work, wine)
    return (
        f"{read_only}; under wine: doctor with ziglang's zig.exe, targets, explain; links for "
        "x86_64 glibc 2.17 (zig.exe's commands replayed by Linux zig) that run here, one whose "
        "zig line passes Windows' 32,767-character limit through a response file; zig's exit "
        "code passed through"
    )


def replay(record: Path, work: Path, env: dict[str, str]) -> int:
    """Runs each command the recorder took, in order, with Linux's zig; returns how many."""
    import ziglang

    zig = Path(ziglang.__file__).parent / "zig"
    calls = sorted(record.iterdir(), key=lambda d: int(d.name))
    for call in calls:
        args = (call / "args").read_bytes().decode().split("\0")[:-1]
        args = [f"@{call / 'response'}" if a == "@response" else a for a in args]
        run([zig, *args], env=env, cwd=work)
    shutil.rmtree(record)
    return len(calls)


def check_long_line(cc: list[str], work: Path, wine: dict[str, str], env: dict[str, str]) -> None:
    """A compile line that fits Windows' 32,767-character limit, and does not once ziglink has
    added zig's path and the target: ziglink.exe hands it to zig in a response file, which
    Linux's zig then reads as zig.exe would. (No caller can start ziglink with a longer line.)"""
    exe = "Z:" + cc[-1].replace("/", "\\")  # argv[0] as wine writes it into the line
    rest = ["hello.c", "-o", "long"]
    used = sum(len(arg) + 1 for arg in [exe, *rest])
    pad = "-DZIGLINK_LONG_LINE=" + "x" * (32_760 - used - len("-DZIGLINK_LONG_LINE="))
    record = work / "record"
    run([*cc, pad, *rest], env={**wine, **FLOOR_2_17, "ZIGLINK_RECORD": str(record)}, cwd=work)
    (call,) = record.iterdir()
    args = (call / "args").read_bytes().decode()
    assert "@response" in args and "LONG_LINE" not in args, args
    assert pad in (call / "response").read_text()
    replay(record, work, env)
    assert run([work / "long"], env=env).stdout.strip() == "hello from ziglink"


def check_exit_codes(cc: list[str], work: Path, wine: dict[str, str]) -> None:
    """ziglink.exe leaves with zig's own code, on the direct path and on the one that waits to
    check the output. 300 does not fit a byte; wine hands Linux its low byte (44), where a
    code cut to a byte would have come back as 1 or 255."""
    failing = {**wine, "ZIGLINK_RECORD_EXIT": "300"}
    plain = {**failing, "ZIGLINK_TARGET": "x86_64-unknown-linux-gnu"}
    direct = run([*cc, "-c", "hello.c", "-o", "x.o"], env=plain, cwd=work, check=False)
    floor = {**failing, **FLOOR_2_17}
    waited = run([*cc, "hello.c", "-o", "x"], env=floor, cwd=work, check=False)
    assert (direct.returncode, waited.returncode) == (300 & 0xFF, 300 & 0xFF), (direct, waited)


def verify_macos(wheel: Path, host: Host, work: Path, env: dict[str, str]) -> str:
    from tests.harness.macho import ARM64, X86_64, image

    scripts = unpack_venv([wheel], work / "venv", windows=False)
    cpu = ARM64 if host.rust.startswith("aarch64") else X86_64
    # The floor the tag promises (macosx_10_12_x86_64: 10.12) is the one the files have.
    tag_floor = tuple(map(int, host.platform_tag.split("_")[1:3]))
    facts = set()
    for program in PROGRAMS:
        read = image(scripts / program)
        assert (read.cputype, read.filetype) == (cpu, "execute"), (program, read)
        # libSystem, and libiconv (std asks for it): macOS's own, as on every Mac.
        assert all(d.startswith(MACOS_OWN) for d in read.dylibs), (program, read.dylibs)
        assert "/usr/lib/libSystem.B.dylib" in read.dylibs, (program, read.dylibs)
        assert read.signed == (cpu == ARM64), (program, "signed")
        facts.add((read.minos, read.signed))
    ((minos, signed),) = facts
    assert tuple(minos[:2]) == tag_floor, (minos, host.platform_tag)
    return f"Mach-O read: minos {'.'.join(map(str, minos))}, macOS's own dylibs, signed {signed}"


# What the sdist check proves is that the sources in it build and the result runs; the release
# profile's whole-program optimisation (lto, one codegen unit) changes neither and would make this
# the slowest compile of the check, so it builds without it.
QUICK_RELEASE = {"CARGO_PROFILE_RELEASE_LTO": "false", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "16"}


def verify_sdist(sdist: Path, work: Path, env: dict[str, str]) -> str:
    venv = work / "venv"
    run(["uv", "venv", "--quiet", "--python", sys.executable, venv], env=env)
    run(["uv", "pip", "install", "--quiet", "--no-cache", "--python", venv / "bin" / "python",
         sdist], env={**env, **QUICK_RELEASE})  # fmt: skip
    run([venv / "bin" / "ziglink", "doctor"], env=env)
    return "built from source in a clean venv (without lto); doctor"


def verify(folder: Path) -> list[str]:
    env = clean_environ()
    lines = []
    for artifact in sorted(folder.glob("ziglink-*")):
        with tempfile.TemporaryDirectory(prefix="ziglink-verify-") as tmp:
            work = Path(tmp)
            if artifact.name.endswith(".tar.gz"):
                how = verify_sdist(artifact, work, env)
            else:
                host = host_of(artifact)
                check = {"macos": verify_macos, "windows": verify_windows}.get(
                    host.name.split("-")[0], verify_linux
                )
                how = check(artifact, host, work, env)
        size = artifact.stat().st_size
        lines.append(f"{artifact.name}  {size / 1e6:.1f} MB  {how}")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    options = parser.parse_args()
    if not any(options.folder.glob("ziglink-*")):
        sys.exit(f"nothing to check in {options.folder}")
    verify(options.folder)


if __name__ == "__main__":
    main()
