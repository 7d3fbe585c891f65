//! What each part of zig's cache is, in terms a user of ziglink knows. Found by reading a zig
//! 0.17 cache after Rust builds for glibc, musl and C++ targets, and zig's `Cache.zig`:
//!
//! - `h/<hex>`: manifests, one per cached compilation (see `digest`); `h/timestamp` is zig's
//!   probe of the filesystem's clock.
//! - `o/<hex>`: one compilation's output. What it is shows in its file names (`libc.so.6`,
//!   `libunwind.a`, ...) or, for single objects, in the first input its manifest lists: a source
//!   in zig's lib folder (`libc/musl/src/...`), a glibc stub `o/<hex>/c.s` in the cache itself,
//!   or a user's file by absolute path.
//! - `z/<hex>`: ZIR, zig's parsed form of the zig sources compiler-rt and its kin are built from.
//! - `b/<hex>/builtin.zig`: generated copies zig keeps on disk only for debuggers.
//! - `tmp/`: outputs being written, renamed into `o/` when done.
//! - `p/<hash>`: packages `zig build` fetched.

use super::digest::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    GlibcStubs,
    GlibcCrt,
    Musl,
    ZigLibc,
    OtherLibc,
    CompilerRt,
    Sanitizers,
    Libunwind,
    LibCxx,
    CObjects,
    ZigOther,
    Manifests,
    ZigCompiler,
    Packages,
    Temporary,
    Ziglink,
    /// A manifest a build holds while it has not written it yet: what it is for is unknown.
    BeingBuilt,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::GlibcStubs,
        Kind::GlibcCrt,
        Kind::Musl,
        Kind::ZigLibc,
        Kind::OtherLibc,
        Kind::CompilerRt,
        Kind::Sanitizers,
        Kind::Libunwind,
        Kind::LibCxx,
        Kind::CObjects,
        Kind::ZigOther,
        Kind::Manifests,
        Kind::ZigCompiler,
        Kind::Packages,
        Kind::Temporary,
        Kind::Ziglink,
        Kind::BeingBuilt,
        Kind::Other,
    ];

    /// A short, stable name for JSON.
    pub fn id(self) -> &'static str {
        match self {
            Kind::GlibcStubs => "glibc-stubs",
            Kind::GlibcCrt => "glibc-crt",
            Kind::Musl => "musl",
            Kind::ZigLibc => "zig-libc",
            Kind::OtherLibc => "other-libc",
            Kind::CompilerRt => "compiler-rt",
            Kind::Sanitizers => "sanitizers",
            Kind::Libunwind => "libunwind",
            Kind::LibCxx => "libcxx",
            Kind::CObjects => "c-objects",
            Kind::ZigOther => "zig-other",
            Kind::Manifests => "manifests",
            Kind::ZigCompiler => "zig-compiler",
            Kind::Packages => "packages",
            Kind::Temporary => "temporary",
            Kind::Ziglink => "ziglink",
            Kind::BeingBuilt => "being-built",
            Kind::Other => "other",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::GlibcStubs => "glibc stub libraries (libc.so.6 and kin, per glibc version)",
            Kind::GlibcCrt => "glibc start files and libc_nonshared.a",
            Kind::Musl => "musl libc and its start files",
            Kind::ZigLibc => "zig's own libc functions (libzigc)",
            Kind::OtherLibc => "other libcs (mingw, wasi, BSDs, ...)",
            Kind::CompilerRt => "compiler-rt",
            Kind::Sanitizers => "sanitizer runtimes (UBSan, TSan)",
            Kind::Libunwind => "libunwind",
            Kind::LibCxx => "libc++ and libc++abi",
            Kind::CObjects => "C/C++ objects zig cc compiled (for cc-rs, cmake, ...)",
            Kind::ZigOther => "other zig-built outputs",
            Kind::Manifests => "manifests (h/)",
            Kind::ZigCompiler => "zig's compiler caches (z/ ZIR, b/ builtin.zig)",
            Kind::Packages => "packages zig build fetched (p/, never cleaned)",
            Kind::Temporary => "temporary (tmp/)",
            Kind::Ziglink => "ziglink's own (warm-up program, locks, the copy of zig's lib folder)",
            Kind::BeingBuilt => "entries a build is writing now",
            Kind::Other => "other",
        }
    }
}

/// The top-level folder an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Manifests,
    Outputs,
    Zir,
    Builtin,
    Packages,
    Tmp,
    Ziglink,
    Other,
}

impl Area {
    pub fn of(top: &str) -> Area {
        match top {
            "h" => Area::Manifests,
            "o" => Area::Outputs,
            "z" => Area::Zir,
            "b" => Area::Builtin,
            "p" => Area::Packages,
            "tmp" => Area::Tmp,
            super::ZIGLINK_DIR => Area::Ziglink,
            _ => Area::Other,
        }
    }

    /// The kind of everything in this area; `None` for `o/`, whose entries differ.
    pub fn kind(self) -> Option<Kind> {
        match self {
            Area::Manifests => Some(Kind::Manifests),
            Area::Outputs => None,
            Area::Zir | Area::Builtin => Some(Kind::ZigCompiler),
            Area::Packages => Some(Kind::Packages),
            Area::Tmp => Some(Kind::Temporary),
            Area::Ziglink => Some(Kind::Ziglink),
            Area::Other => Some(Kind::Other),
        }
    }
}

/// The prefix index zig gives paths in its lib folder (0 is an absolute path).
const ZIG_LIB: u8 = 1;

/// What an `o/<hex>` folder holds, from the names of its files and the first input its
/// manifest lists (`None` when no manifest names the folder).
pub fn classify_output(first_input: Option<&Input>, files: &[&str]) -> Kind {
    let has = |names: &[&str]| files.iter().any(|f| names.contains(f));
    if has(&["libc++.a", "libc++abi.a"]) {
        return Kind::LibCxx;
    }
    if has(&["libunwind.a"]) {
        return Kind::Libunwind;
    }
    if has(&["libcompiler_rt.a", "compiler_rt_zcu.o", "compiler_rt.o"]) {
        return Kind::CompilerRt;
    }
    if has(&["libubsan_rt.a", "ubsan_rt_zcu.o", "libtsan.a", "libtsan.so"]) {
        return Kind::Sanitizers;
    }
    if has(&["libzigc.a", "zigc_zcu.o"]) {
        return Kind::ZigLibc;
    }
    if has(&["libc.so.6", "all.map"]) {
        return Kind::GlibcStubs;
    }
    if has(&["libc_nonshared.a"]) {
        return Kind::GlibcCrt;
    }
    let Some(input) = first_input else {
        return Kind::Other;
    };
    let path = String::from_utf8_lossy(&input.path);
    match input.prefix {
        0 => Kind::CObjects,
        ZIG_LIB => from_lib_path(&path),
        // A path in the cache itself: the assembly of a glibc stub library, or the program
        // `ziglink warm` compiles.
        _ if path.starts_with("o/") && path.ends_with(".s") => Kind::GlibcStubs,
        _ if path.starts_with(&format!("{}/", super::ZIGLINK_DIR)) => Kind::Ziglink,
        _ => Kind::Other,
    }
}

fn from_lib_path(path: &str) -> Kind {
    let table: &[(&str, Kind)] = &[
        ("libc/glibc/", Kind::GlibcCrt),
        ("libc/musl/", Kind::Musl),
        ("libc/", Kind::OtherLibc),
        ("libunwind/", Kind::Libunwind),
        ("libcxx/", Kind::LibCxx),
        ("libcxxabi/", Kind::LibCxx),
        ("compiler_rt", Kind::CompilerRt),
        ("libtsan/", Kind::Sanitizers),
    ];
    table
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(Kind::ZigOther, |(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(prefix: u8, path: &str) -> Input {
        Input {
            digest: [0; 16],
            prefix,
            path: path.as_bytes().to_vec(),
        }
    }

    #[test]
    fn classifies_output_folders() {
        // Each row is an `o/` folder seen in a real zig 0.17.1 cache.
        // (the first input's prefix and path, the folder's files, its kind)
        type Case<'a> = (Option<(u8, &'a str)>, &'a [&'a str], Kind);
        let cases: &[Case] = &[
            (
                Some((1, "libc/glibc/abilists")),
                &["all.map", "c.s", "libc.so.6", "libm.so.6", "m.s"],
                Kind::GlibcStubs,
            ),
            (
                Some((2, "o/b379798b5139d9d3b0781fb8df5a4a21/c.s")),
                &["c.o"],
                Kind::GlibcStubs,
            ),
            (
                Some((1, "libc/glibc/sysdeps/x86_64/start-2.33.S")),
                &["Scrt1.o"],
                Kind::GlibcCrt,
            ),
            (
                Some((1, "libc/glibc/csu/init.c")),
                &["init.o"],
                Kind::GlibcCrt,
            ),
            (
                Some((1, "libc/glibc/stdlib/atexit.c")),
                &["libc_nonshared.a"],
                Kind::GlibcCrt,
            ),
            (
                Some((1, "libc/musl/src/linux/copy_file_range.c")),
                &["copy_file_range.o"],
                Kind::Musl,
            ),
            (
                Some((1, "libc/musl/src/aio/aio.c")),
                &["libc.a"],
                Kind::Musl,
            ),
            (Some((1, "libc/musl/crt/crt1.c")), &["crt1.o"], Kind::Musl),
            (
                Some((1, "std/std.zig")),
                &["libzigc.a", "zigc_zcu.o"],
                Kind::ZigLibc,
            ),
            (
                Some((1, "libc/mingw/crt/crtexe.c")),
                &["crt2.o"],
                Kind::OtherLibc,
            ),
            (
                Some((1, "std/std.zig")),
                &["compiler_rt_zcu.o", "libcompiler_rt.a"],
                Kind::CompilerRt,
            ),
            (
                Some((1, "std/std.zig")),
                &["libubsan_rt.a", "ubsan_rt_zcu.o"],
                Kind::Sanitizers,
            ),
            (
                Some((1, "libunwind/src/UnwindLevel1.c")),
                &["UnwindLevel1.o"],
                Kind::Libunwind,
            ),
            (
                Some((1, "libunwind/src/libunwind.cpp")),
                &["libunwind.a"],
                Kind::Libunwind,
            ),
            (
                Some((1, "libcxx/src/algorithm.cpp")),
                &["libc++.a"],
                Kind::LibCxx,
            ),
            (
                Some((1, "libcxxabi/src/cxa_demangle.cpp")),
                &["cxa_demangle.o"],
                Kind::LibCxx,
            ),
            (
                Some((0, "/tmp/scratch/hc/csrc/add.c")),
                &["add.o"],
                Kind::CObjects,
            ),
            (Some((1, "std/std.zig")), &["thing.o"], Kind::ZigOther),
            (Some((3, "ziglink/warm.c")), &["warm.o"], Kind::Ziglink),
            // No manifest names it: the file names still tell some.
            (None, &["ubsan_rt_zcu.o"], Kind::Sanitizers),
            (None, &["x.o"], Kind::Other),
            (None, &[], Kind::Other),
        ];
        for (first, files, expected) in cases {
            let first = first.map(|(prefix, path)| input(prefix, path));
            assert_eq!(
                classify_output(first.as_ref(), files),
                *expected,
                "{first:?} {files:?}"
            );
        }
    }

    #[test]
    fn areas_have_their_kinds() {
        let cases = [
            ("h", Some(Kind::Manifests)),
            ("o", None),
            ("z", Some(Kind::ZigCompiler)),
            ("b", Some(Kind::ZigCompiler)),
            ("p", Some(Kind::Packages)),
            ("tmp", Some(Kind::Temporary)),
            ("ziglink", Some(Kind::Ziglink)),
            ("something-else", Some(Kind::Other)),
        ];
        for (top, kind) in cases {
            assert_eq!(Area::of(top).kind(), kind, "{top}");
        }
    }

    #[test]
    fn every_kind_is_listed_once_with_a_unique_id() {
        let ids: std::collections::BTreeSet<_> = Kind::ALL.iter().map(|k| k.id()).collect();
        assert_eq!(ids.len(), Kind::ALL.len());
    }
}
