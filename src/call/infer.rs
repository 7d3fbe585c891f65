//! Which Rust target a link line is for, read from rustc's own arguments.
//!
//! One cargo run links build scripts and proc-macros for the host and the crate for the
//! target through the same configured linker, so the target has to come from each call.
//! rustc always passes its target's standard library directory, `<sysroot>/lib/rustlib/<triple>/lib`
//! (as `-L` and in the paths of the std rlibs), which names the triple exactly.

use std::ffi::OsString;

use crate::platform::osbytes::as_bytes;
use crate::target::triple;

/// The Rust triple of a link line, if the line says.
pub fn rust_target(args: &[OsString]) -> Option<String> {
    args.iter()
        .find_map(|arg| triple_after_rustlib(as_bytes(arg)))
        .or_else(|| {
            args.iter()
                .find_map(|arg| known_triple_component(as_bytes(arg)))
        })
}

/// The Rust triple a compile line names with clang's `--target=<triple>` (cc-rs passes it),
/// when ziglink supports it as written.
pub fn compile_target(args: &[OsString]) -> Option<String> {
    args.iter()
        .filter_map(|arg| arg.to_str()?.strip_prefix("--target="))
        .find(|t| triple::lookup(t).is_some())
        .map(str::to_string)
}

/// The file a link writes: `-o <path>` or `-o<path>`; the last one wins, as in gcc.
pub fn output_path(args: &[OsString]) -> Option<std::path::PathBuf> {
    let mut found = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "-o" {
            found = iter.next().cloned();
        } else if let Some(glued) = as_bytes(arg).strip_prefix(b"-o") {
            found = Some(crate::platform::osbytes::from_bytes(glued.to_vec()));
        }
    }
    found.map(std::path::PathBuf::from)
}

/// `.../rustlib/<triple>/lib...`: the component after `rustlib`, when a `lib` follows it.
fn triple_after_rustlib(arg: &[u8]) -> Option<String> {
    let components: Vec<&[u8]> = arg.split(|&b| b == b'/' || b == b'\\').collect();
    components.windows(3).find_map(|w| {
        let rustlib = w[0] == b"rustlib";
        (rustlib && w[2] == b"lib" && !w[1].is_empty())
            .then(|| String::from_utf8(w[1].to_vec()).ok())
            .flatten()
    })
}

/// Cargo's output layout, `target/<triple>/<profile>/...`, as a fallback for sysroots that do
/// not follow the `rustlib` layout; only triples ziglink supports count.
fn known_triple_component(arg: &[u8]) -> Option<String> {
    arg.split(|&b| b == b'/' || b == b'\\')
        .filter_map(|c| std::str::from_utf8(c).ok())
        .find(|c| triple::lookup(c).is_some())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_output_file() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["a.o", "-o", "/t/hello", "-lc"], Some("/t/hello")),
            (&["-o/t/x.so"], Some("/t/x.so")),
            (&["-o", "first", "-o", "second"], Some("second")),
            (&["a.o", "-o"], None),
            (&["a.o", "-lc"], None),
        ];
        for (args, expected) in cases {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            let got = output_path(&args);
            assert_eq!(
                got.as_deref(),
                expected.map(std::path::Path::new),
                "{args:?}"
            );
        }
    }

    fn infer(args: &[&str]) -> Option<String> {
        rust_target(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn reads_clang_targets_it_knows() {
        let line =
            |args: &[&str]| compile_target(&args.iter().map(OsString::from).collect::<Vec<_>>());
        assert_eq!(
            line(&["-c", "--target=aarch64-unknown-linux-gnu", "x.c"]).as_deref(),
            Some("aarch64-unknown-linux-gnu")
        );
        // cc-rs spells riscv64gc the way clang wants, which is not a Rust triple.
        assert_eq!(line(&["--target=riscv64-unknown-linux-gnu"]), None);
        assert_eq!(line(&["-c", "x.c"]), None);
    }

    #[test]
    fn reads_the_rustlib_directory() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (
                &[
                    "-m64",
                    "-L",
                    "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/x86_64-unknown-linux-gnu/lib",
                ],
                Some("x86_64-unknown-linux-gnu"),
            ),
            // Debian's rustc lives in /usr.
            (
                &["/usr/lib/rustlib/aarch64-unknown-linux-gnu/lib/libstd-1234.rlib"],
                Some("aarch64-unknown-linux-gnu"),
            ),
            // The `bin/gcc-ld` directory names the host, not the target: it is not `lib`.
            (
                &[
                    "-B/r/lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld",
                    "-L",
                    "/r/lib/rustlib/s390x-unknown-linux-gnu/lib",
                ],
                Some("s390x-unknown-linux-gnu"),
            ),
            // Unsupported triples are still reported, so the error can name them.
            (
                &["-L/r/lib/rustlib/wasm32-unknown-unknown/lib"],
                Some("wasm32-unknown-unknown"),
            ),
            (
                &["-o", "/p/target/riscv64gc-unknown-linux-gnu/release/deps/x"],
                Some("riscv64gc-unknown-linux-gnu"),
            ),
            (&["-o", "/p/target/release/deps/x", "a.o"], None),
            (&[], None),
        ];
        for (args, expected) in cases {
            assert_eq!(infer(args).as_deref(), *expected, "{args:?}");
        }
    }
}
