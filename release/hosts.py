"""The hosts ziglink is released for: the Rust target its wheel is built for, the floor asked of
the link, the tag maturin gives the wheel, and the ziglang wheel it pairs with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Host:
    name: str
    rust: str
    # What ziglink links the wheel's executables for: the triple and, for glibc, its floor.
    link_target: str
    # maturin's --compatibility, which makes it check the files against the tag.
    compatibility: str | None
    # The platform part of the wheel's file name.
    platform_tag: str
    # The platform of ziglang's wheel for this host (pip's --platform).
    ziglang_platform: str
    # Debian has no std for it: it comes from a sysroot built once (tests/harness/sysroot.py).
    build_std: bool = False


def _gnu(
    name: str, rust: str, arch: str, glibc: str = "2.17", policy: str = "", build_std: bool = False
) -> Host:
    """Linked for `glibc`; tagged with the manylinux `policy` (default: the same glibc), which
    has to be one maturin and auditwheel define."""
    major, minor = (policy or glibc).split(".")
    tag = f"manylinux_{major}_{minor}_{arch}"
    if (major, minor) == ("2", "17"):
        tag += f".manylinux2014_{arch}"
    # ziglang's own wheels are manylinux2010 on x86, manylinux_2_31 on riscv64 and manylinux2014
    # elsewhere.
    ziglang = {"x86_64": "2_12", "i686": "2_12", "riscv64": "2_31"}.get(arch, "2_17")
    compatibility = f"manylinux_{major}_{minor}"
    return Host(name, rust, f"{rust}.{glibc}", compatibility, tag, f"manylinux_{ziglang}_{arch}",
                build_std)  # fmt: skip


def _musl(name: str, rust: str, arch: str) -> Host:
    tag = f"musllinux_1_2_{arch}"
    return Host(name, rust, rust, "musllinux_1_2", tag, f"musllinux_1_1_{arch}", build_std=True)


def _built_std(name: str, rust: str, tag: str, ziglang: str) -> Host:
    """macOS and Windows: the wheel's tag is maturin's default for the target."""
    return Host(name, rust, rust, None, tag, ziglang, build_std=True)


HOSTS = [
    _gnu("linux-x86_64", "x86_64-unknown-linux-gnu", "x86_64"),
    _gnu("linux-aarch64", "aarch64-unknown-linux-gnu", "aarch64"),
    _gnu("linux-i686", "i686-unknown-linux-gnu", "i686"),
    _gnu("linux-armv7", "armv7-unknown-linux-gnueabihf", "armv7l"),
    # zig's libunwind for ppc64le needs glibc 2.32 (`ziglink targets`); no manylinux policy
    # has 2.32, so the wheel takes the next one up.
    _gnu("linux-ppc64le", "powerpc64le-unknown-linux-gnu", "ppc64le", glibc="2.32", policy="2.34"),
    _gnu("linux-s390x", "s390x-unknown-linux-gnu", "s390x"),
    # ziglang's riscv64 wheel asks for glibc 2.31; Debian has no riscv64 std.
    _gnu("linux-riscv64", "riscv64gc-unknown-linux-gnu", "riscv64", glibc="2.31", build_std=True),
    _musl("musl-x86_64", "x86_64-unknown-linux-musl", "x86_64"),
    _musl("musl-aarch64", "aarch64-unknown-linux-musl", "aarch64"),
    _built_std("macos-x86_64", "x86_64-apple-darwin", "macosx_10_12_x86_64", "macosx_13_0_x86_64"),
    _built_std("macos-arm64", "aarch64-apple-darwin", "macosx_11_0_arm64", "macosx_13_0_arm64"),
    _built_std("windows-x64", "x86_64-pc-windows-gnu", "win_amd64", "win_amd64"),
    _built_std("windows-x86", "i686-pc-windows-gnu", "win32", "win32"),
    # LLVM's MinGW flavour: zig's own runtime for arm64 (rustc has no -gnu target there).
    _built_std("windows-arm64", "aarch64-pc-windows-gnullvm", "win_arm64", "win_arm64"),
]

BY_NAME = {host.name: host for host in HOSTS}
