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
    # Debian has no std for it: cargo builds one (-Zbuild-std).
    build_std: bool = False


def _gnu(name: str, rust: str, arch: str, glibc: str = "2.17") -> Host:
    major, minor = glibc.split(".")
    tag = f"manylinux_{major}_{minor}_{arch}"
    if glibc == "2.17":
        tag += f".manylinux2014_{arch}"
    # ziglang's own wheels are manylinux2010 on x86 and manylinux2014 elsewhere.
    ziglang = f"manylinux_2_{12 if arch in ('x86_64', 'i686') else 17}_{arch}"
    return Host(name, rust, f"{rust}.{glibc}", f"manylinux_{major}_{minor}", tag, ziglang)


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
    # zig's libunwind for ppc64le needs glibc 2.32 (`ziglink targets`).
    _gnu("linux-ppc64le", "powerpc64le-unknown-linux-gnu", "ppc64le", glibc="2.32"),
    _gnu("linux-s390x", "s390x-unknown-linux-gnu", "s390x"),
    _musl("musl-x86_64", "x86_64-unknown-linux-musl", "x86_64"),
    _musl("musl-aarch64", "aarch64-unknown-linux-musl", "aarch64"),
    _built_std("macos-x86_64", "x86_64-apple-darwin", "macosx_10_12_x86_64", "macosx_13_0_x86_64"),
    _built_std("macos-arm64", "aarch64-apple-darwin", "macosx_11_0_arm64", "macosx_13_0_arm64"),
    _built_std("windows-x64", "x86_64-pc-windows-gnu", "win_amd64", "win_amd64"),
]

BY_NAME = {host.name: host for host in HOSTS}
