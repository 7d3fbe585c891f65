//! Whether a glibc link needs zig's compiler-rt. zig builds compiler-rt from its Zig sources on
//! the first link for a target: about 4 s of a 5 s cold link and 47 MiB of its 49 MiB cache
//! (docs/zig-cache.md). A line of Rust's objects alone never calls it: rustc links its own
//! `compiler_builtins`, which defines every helper Rust code calls, as it does when gcc links
//! with `-nodefaultlibs`. C code may call helpers only compiler-rt has (`__cpu_model` for
//! `__builtin_cpu_supports`, `__aarch64_cpu_features`, `__clear_cache`), and in a shared object
//! a missing one is found only at load time; so any input that is not Rust's keeps it, C
//! bundled into a `-sys` crate's rlib included (`archive_members`).
//!
//! `zig cc` has no switch for compiler-rt alone; `-nostdlib` drops it and, unlike clang, keeps
//! the start files and the libraries the line names, so the output is the same. musl keeps
//! `-nodefaultlibs`: zig's musl takes `memcpy` and others from compiler-rt.

use std::ffi::OsString;
use std::path::Path;

use crate::call::after_link::link_inputs::{self, Kind};
use crate::call::archive_members;
use crate::call::rules::{Change, Translation};
use crate::platform::osbytes;
use crate::target::triple::Target;

pub const RULE: &str = "no-compiler-rt";

const REASON: &str = "zig builds compiler-rt for every link (4 s and 47 MiB per target on a cold \
                      cache); a glibc link of Rust's objects alone has compiler_builtins instead, \
                      and zig's -nostdlib skips compiler-rt but keeps the start files and libraries";

/// How the decision looks at files: whether a path is a file, and whether an rlib holds C.
pub struct Probe<'a> {
    pub is_file: &'a dyn Fn(&Path) -> bool,
    pub rlib_has_c: &'a dyn Fn(&Path) -> bool,
}

/// The probe of a real link: the filesystem, and the members of every rlib outside Rust's
/// sysroot (std's rlibs are Rust's; the toolchain's compiler_builtins bundles compiler-rt's own
/// C). An rlib that cannot be read counts as holding C.
pub fn rlib_has_c(path: &Path) -> bool {
    if link_inputs::in_rust_sysroot(path) {
        return false;
    }
    let found = std::fs::File::open(path)
        .and_then(|file| archive_members::first_native(&mut std::io::BufReader::new(file)));
    !matches!(found, Ok(None))
}

/// Skips compiler-rt on `translation`, a rustc link line for `target`, when nothing on it can
/// need it (`rust_only`): the line's `-nodefaultlibs` becomes `-nostdlib`.
pub fn skip_where_unneeded(translation: &mut Translation, target: &Target, probe: &Probe) {
    if target.glibc().is_some() && rust_only(&translation.args, probe) {
        skip(translation, target);
    }
}

/// Skips compiler-rt on `translation` for a glibc `target`, whatever the line's inputs:
/// `ziglink warm` links a C object in place of Rust's, for the links of Rust alone.
pub fn skip(translation: &mut Translation, target: &Target) {
    if target.glibc().is_none() {
        return;
    }
    let Some(at) = translation.args.iter().position(|a| a == "-nodefaultlibs") else {
        return;
    };
    translation.args[at] = OsString::from("-nostdlib");
    translation.changes.push(Change {
        rule: RULE,
        reason: REASON,
        removed: vec![OsString::from("-nodefaultlibs")],
        added: vec![OsString::from("-nostdlib")],
    });
}

/// Whether every input of `args` is Rust's (rlibs without C, rustc's objects) or a shared
/// library, whose helpers are its own. A static archive a `-l` finds, any other archive or
/// object, and a line with no object of rustc's (not rustc's line) are not.
pub fn rust_only(args: &[OsString], probe: &Probe) -> bool {
    let mut rustc_objects = false;
    for input in link_inputs::inputs(args) {
        // A path is what it names; a `-l` is the first file found, or one of zig's (-lc).
        let searched = input.given.starts_with("-l");
        let Some((file, kind)) = input
            .candidates
            .iter()
            .find(|(path, _)| !searched || (probe.is_file)(path))
        else {
            continue;
        };
        let name = osbytes::file_name(osbytes::as_bytes(file.as_os_str()));
        match kind {
            Kind::Shared => {}
            Kind::Archive if name.ends_with(b".rlib") => {
                if (probe.rlib_has_c)(file) {
                    return false;
                }
            }
            Kind::Object if is_rustc_object(name) => rustc_objects = true,
            Kind::Archive | Kind::Object => return false,
        }
    }
    rustc_objects
}

/// rustc's own objects: one per codegen unit (`<crate>.<hash>-cgu.0.rcgu.o`), and the
/// `symbols.o` it writes in its temporary folder to keep exported symbols alive.
fn is_rustc_object(name: &[u8]) -> bool {
    name.ends_with(b".rcgu.o") || name == b"symbols.o"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    const RUST_LINE: &[&str] = &[
        "/tmp/rustcX/symbols.o",
        "/t/deps/hello.hello.abc-cgu.0.rcgu.o",
        "/t/deps/libserde-1.rlib",
        "/sysroot/lib/libstd-2.rlib",
        "-L",
        "/t/deps",
        "-L/sysroot/lib",
        "-lunwind",
        "-lc",
        "-nodefaultlibs",
    ];

    #[test]
    fn only_lines_of_rusts_objects_skip_compiler_rt() {
        // (extra arguments, files that exist, skips)
        let cases: &[(&[&str], &[&str], bool)] = &[
            (&[], &[], true),
            // cc-rs's archive, found by `-l` in a build script's OUT_DIR
            (&["-L", "/t/out", "-lzstd"], &["/t/out/libzstd.a"], false),
            (
                &["-Wl,-Bstatic", "-lzstd", "-L/t/out"],
                &["/t/out/libzstd.a"],
                false,
            ),
            // a shared library the line finds first keeps its own helpers
            (
                &["-L/usr/lib", "-llzma"],
                &["/usr/lib/liblzma.so", "/usr/lib/liblzma.a"],
                true,
            ),
            // an archive or an object by path
            (&["/t/out/libfoo.a"], &[], false),
            (&["/t/out/foo.o"], &[], false),
            (&["-l:libfoo.a", "-L/t"], &["/t/libfoo.a"], false),
            // a `-l` no folder has is zig's own
            (&["-lpthread", "-ldl"], &[], true),
            // an rlib that holds C: a -sys crate's bundled library
            (&["/t/deps/libzstd_sys-3.rlib"], &[], false),
            (&["/t/deps/libzstd_safe-4.rlib"], &[], true),
        ];
        for (extra, files, skips) in cases {
            let mut args = line(RUST_LINE);
            args.splice(4..4, line(extra));
            let exists = |p: &Path| files.iter().any(|f| Path::new(f) == p);
            let target = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
            let mut t = Translation {
                args,
                changes: Vec::new(),
            };
            let probe = Probe {
                is_file: &exists,
                rlib_has_c: &|p: &Path| p.ends_with("libzstd_sys-3.rlib"),
            };
            skip_where_unneeded(&mut t, &target, &probe);
            assert_eq!(t.applied(RULE), *skips, "{extra:?}");
            assert_eq!(t.args.iter().any(|a| a == "-nostdlib"), *skips, "{extra:?}");
            assert_eq!(
                t.args.iter().any(|a| a == "-nodefaultlibs"),
                !*skips,
                "{extra:?}"
            );
        }
    }

    #[test]
    fn musl_and_lines_not_from_rustc_keep_compiler_rt() {
        let cases: &[(&str, &[&str])] = &[
            ("x86_64-unknown-linux-musl", RUST_LINE),
            ("aarch64-apple-darwin", RUST_LINE),
            ("x86_64-pc-windows-gnu", RUST_LINE),
            // a C program's link (CMake through ziglink-cc), or one without -nodefaultlibs
            (
                "x86_64-unknown-linux-gnu",
                &["main.c.o", "-o", "main", "-nodefaultlibs"],
            ),
            ("x86_64-unknown-linux-gnu", &["/t/a.rcgu.o", "-lc"]),
        ];
        for (triple, args) in cases {
            let target = Target::resolve(triple, None).unwrap();
            let mut t = Translation {
                args: line(args),
                changes: Vec::new(),
            };
            let probe = Probe {
                is_file: &|_| false,
                rlib_has_c: &|_| false,
            };
            skip_where_unneeded(&mut t, &target, &probe);
            assert!(!t.applied(RULE), "{triple} {args:?}");
            assert_eq!(t.args, line(args), "{triple}");
        }
    }
}
