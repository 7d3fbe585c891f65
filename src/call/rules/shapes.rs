//! The tests the rule table is written in: which targets a rule applies to, and the shapes of
//! argument it matches; and the small byte helpers its rewrites use.

use crate::platform::osbytes;
use crate::target::triple::Target;

pub(super) fn any_target(_: &Target) -> bool {
    true
}

pub(super) fn glibc_target(target: &Target) -> bool {
    target.glibc().is_some()
}

pub(super) fn apple(target: &Target) -> bool {
    target.is_apple()
}

pub(super) fn windows(target: &Target) -> bool {
    target.is_windows()
}

pub(super) fn not_windows(target: &Target) -> bool {
    !target.is_windows()
}

pub(super) fn windows_gnu(target: &Target) -> bool {
    target.is_windows_gnu()
}

pub(super) fn i686_windows_gnu(target: &Target) -> bool {
    target.is_windows_gnu() && target.zig_arch() == "x86"
}

/// rustc's start and end objects for 32-bit MinGW, bare or as paths.
pub(super) fn is_rs_begin_end(arg: &[u8]) -> bool {
    matches!(osbytes::file_name(arg), b"rsbegin.o" | b"rsend.o")
}

/// GCC-only MinGW libraries rustc names for `*-windows-gnu` and gnullvm: zig ships none.
pub(super) fn is_mingw_gcc_only_lib(arg: &[u8]) -> bool {
    matches!(arg, b"-l:libpthread.a" | b"-lmsvcrt" | b"-lssp_nonshared")
}

/// `-Wl,<path>.def`: the export list rustc writes for a DLL. One word: in a `-Wl,a,b.def` list
/// the `.def` is another option's value.
pub(super) fn is_wl_def_file(arg: &[u8]) -> bool {
    arg.len() > b"-Wl,.def".len()
        && arg.starts_with(b"-Wl,")
        && arg.ends_with(b".def")
        && arg[4] != b'-'
        && !arg[4..].contains(&b',')
}

pub(super) fn musl_target(target: &Target) -> bool {
    target.is_musl()
}

pub(super) fn arm(target: &Target) -> bool {
    target.zig_arch() == "arm"
}

pub(super) fn aarch64(target: &Target) -> bool {
    target.zig_arch() == "aarch64"
}

pub(super) fn riscv(target: &Target) -> bool {
    target.zig_arch().starts_with("riscv")
}

pub(super) fn x86(target: &Target) -> bool {
    matches!(target.zig_arch(), "x86" | "x86_64")
}

/// A prebuilt GNU C++ runtime on the line: `libstdc++.a` or `libstdc++.so[.6]`, as a path.
pub(super) fn is_gnu_libstdcxx(arg: &[u8]) -> bool {
    let name = osbytes::file_name(arg);
    name == b"libstdc++.a" || name.starts_with(b"libstdc++.so")
}

pub(super) fn not_aarch64(target: &Target) -> bool {
    !aarch64(target)
}

/// The C runtime start files gcc would add: `crt1.o`, `rcrt1.o`, `Scrt1.o`, `crti.o`, `crtn.o`,
/// `crtbegin*.o`, `crtend*.o`, bare or as paths.
pub(super) fn is_crt_object(arg: &[u8]) -> bool {
    let name = osbytes::file_name(arg);
    let Some(stem) = name.strip_suffix(b".o") else {
        return false;
    };
    matches!(stem, b"crt1" | b"rcrt1" | b"Scrt1" | b"crti" | b"crtn")
        || stem.starts_with(b"crtbegin")
        || stem.starts_with(b"crtend")
}

pub(super) fn lossy(arg: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(arg)
}

pub(super) fn strip(arg: &[u8], prefix: &str) -> Vec<u8> {
    arg[prefix.len()..].to_vec()
}

pub(super) fn prefixed(prefix: &str, rest: &[u8]) -> Vec<u8> {
    let mut out = prefix.as_bytes().to_vec();
    out.extend_from_slice(rest);
    out
}

pub(super) fn is_strip_debug(arg: &[u8]) -> bool {
    arg == b"-Wl,--strip-debug" || arg == b"-Wl,-S"
}
