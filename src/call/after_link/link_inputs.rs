//! The files a link line gives the linker: by path, or as `-l` names searched in the `-L`
//! folders the way ld searches them. Pure: the candidates are paths, looked at by the caller.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::platform::osbytes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `libz.so`, `libz.so.1`.
    Shared,
    /// `libfoo.a`, an `.rlib`.
    Archive,
    /// `main.o`.
    Object,
}

/// One input: as the line says it (`-llzma`, or the path), and the files that could be it, in
/// the order the linker tries them (the first that exists is it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub given: String,
    pub candidates: Vec<(PathBuf, Kind)>,
}

/// Every input of `args`: paths first, then `-l` names, each searched in every `-L` folder
/// (shared before static in each, as ld does, unless `-Bstatic` is in force).
pub fn inputs(args: &[OsString]) -> Vec<Input> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut names: Vec<(String, bool)> = Vec::new(); // (-l argument, shared allowed)
    let mut paths: Vec<Input> = Vec::new();
    let mut dynamic = true;
    let mut it = args.iter().map(|a| osbytes::as_bytes(a));
    while let Some(arg) = it.next() {
        for word in linker_words(arg) {
            match word {
                b"-Bstatic" | b"-static" | b"-dn" | b"-non_shared" => dynamic = false,
                b"-Bdynamic" | b"-dy" | b"-call_shared" => dynamic = true,
                _ => {}
            }
        }
        if arg == b"-o" {
            it.next();
        } else if arg == b"-L" {
            if let Some(dir) = it.next() {
                dirs.push(path_of(dir));
            }
        } else if let Some(dir) = arg.strip_prefix(b"-L") {
            dirs.push(path_of(dir));
        } else if let Some(name) = arg.strip_prefix(b"-l") {
            names.push((String::from_utf8_lossy(name).into_owned(), dynamic));
        } else if !arg.starts_with(b"-") {
            if let Some(kind) = kind_of(osbytes::file_name(arg)) {
                let path = path_of(arg);
                paths.push(Input {
                    given: path.display().to_string(),
                    candidates: vec![(path, kind)],
                });
            }
        }
    }
    let searched = names.into_iter().map(|(name, dynamic)| {
        // `-l:file` names the file itself.
        let files: Vec<(String, Kind)> = match name.strip_prefix(':') {
            Some(file) => kind_of(file.as_bytes())
                .map(|kind| (file.to_string(), kind))
                .into_iter()
                .collect(),
            None if dynamic => vec![
                (format!("lib{name}.so"), Kind::Shared),
                (format!("lib{name}.a"), Kind::Archive),
            ],
            None => vec![(format!("lib{name}.a"), Kind::Archive)],
        };
        let candidates = dirs
            .iter()
            .flat_map(|dir| files.iter().map(|(f, kind)| (dir.join(f), *kind)))
            .collect();
        Input {
            given: format!("-l{name}"),
            candidates,
        }
    });
    paths.into_iter().chain(searched).collect()
}

/// Rust's own standard library, which rustc built: the largest archives on every line, and
/// never GCC's.
pub fn in_rust_sysroot(file: &Path) -> bool {
    let mut parts = file.components().map(|c| c.as_os_str());
    parts.any(|c| c == "rustlib") && parts.any(|c| c == "lib")
}

/// The words of `-Wl,a,b` (or the argument itself when it is not one).
fn linker_words(arg: &[u8]) -> Vec<&[u8]> {
    match arg.strip_prefix(b"-Wl,") {
        Some(rest) => rest.split(|&b| b == b',').collect(),
        None => vec![arg],
    }
}

/// By the file's name: `libz.so.1.2.13` is shared, `libfoo.a` and `.rlib` archives.
fn kind_of(name: &[u8]) -> Option<Kind> {
    if name.ends_with(b".so") || name.windows(4).any(|w| w == b".so.") {
        Some(Kind::Shared)
    } else if name.ends_with(b".a") || name.ends_with(b".rlib") {
        Some(Kind::Archive)
    } else if name.ends_with(b".o") {
        Some(Kind::Object)
    } else {
        None
    }
}

fn path_of(bytes: &[u8]) -> PathBuf {
    PathBuf::from(osbytes::from_bytes(bytes.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rusts_standard_library_is_not_looked_into() {
        let cases = [
            (
                "/r/lib/rustlib/x86_64-unknown-linux-gnu/lib/libstd-1a.rlib",
                true,
            ),
            (
                "/usr/lib/rustlib/aarch64-unknown-linux-gnu/lib/libcore-2b.rlib",
                true,
            ),
            ("/p/target/debug/deps/libapp-3c.rlib", false),
            ("/p/target/debug/build/x-4d/out/libx.a", false),
        ];
        for (file, sysroot) in cases {
            assert_eq!(in_rust_sysroot(Path::new(file)), sysroot, "{file}");
        }
    }

    fn line(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    /// `(given, ["path:kind", ...])` for each input.
    fn shown(args: &[&str]) -> Vec<(String, Vec<String>)> {
        inputs(&line(args))
            .into_iter()
            .map(|input| {
                let files = input.candidates.iter().map(|(p, kind)| {
                    let kind = match kind {
                        Kind::Shared => "so",
                        Kind::Archive => "a",
                        Kind::Object => "o",
                    };
                    format!("{}:{kind}", p.display())
                });
                (input.given, files.collect())
            })
            .collect()
    }

    #[test]
    fn lists_the_inputs_a_line_gives_the_linker() {
        type Case = (
            &'static [&'static str],
            &'static [(&'static str, &'static [&'static str])],
        );
        let cases: &[Case] = &[
            (
                &["-L/usr/lib/x86_64-linux-gnu", "-L", "/opt/lib", "-llzma"],
                &[(
                    "-llzma",
                    &[
                        "/usr/lib/x86_64-linux-gnu/liblzma.so:so",
                        "/usr/lib/x86_64-linux-gnu/liblzma.a:a",
                        "/opt/lib/liblzma.so:so",
                        "/opt/lib/liblzma.a:a",
                    ],
                )],
            ),
            // rustc's static libraries come after -Bstatic, and -Bdynamic ends that.
            (
                &["-L/l", "-Wl,-Bstatic", "-lfoo", "-Wl,-Bdynamic", "-lz"],
                &[
                    ("-lfoo", &["/l/libfoo.a:a"]),
                    ("-lz", &["/l/libz.so:so", "/l/libz.a:a"]),
                ],
            ),
            (
                &["-L/l", "-Wl,--as-needed,-Bstatic", "-lfoo"],
                &[("-lfoo", &["/l/libfoo.a:a"])],
            ),
            (
                &["-L/l", "-l:libpython3.11.so.1.0", "-l:libbar.a", "-l:weird"],
                &[
                    ("-l:libpython3.11.so.1.0", &["/l/libpython3.11.so.1.0:so"]),
                    ("-l:libbar.a", &["/l/libbar.a:a"]),
                    ("-l:weird", &[]),
                ],
            ),
            (
                &[
                    "/x/libssl.so.3",
                    "main.o",
                    "/x/libstd-1a2b.rlib",
                    "notes.txt",
                ],
                &[
                    ("/x/libssl.so.3", &["/x/libssl.so.3:so"]),
                    ("main.o", &["main.o:o"]),
                    ("/x/libstd-1a2b.rlib", &["/x/libstd-1a2b.rlib:a"]),
                ],
            ),
            // The output is not an input.
            (&["-o", "libout.so", "-shared", "-nodefaultlibs"], &[]),
            (&["-lc"], &[("-lc", &[])]),
        ];
        for (args, want) in cases {
            let want: Vec<(String, Vec<String>)> = want
                .iter()
                .map(|(g, f)| (g.to_string(), f.iter().map(|s| s.to_string()).collect()))
                .collect();
            assert_eq!(shown(args), want, "{args:?}");
        }
    }
}
