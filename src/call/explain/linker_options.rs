//! The linker options (`-Wl,...`) zig's linker is known to accept, so explain mode can point
//! at an option no rule handles before zig fails with "unsupported linker arg".
//!
//! Each row was checked against zig 0.17.1 (tests/e2e/test_explain.py links with every one).

/// Options zig accepts, written as they appear in a `-Wl,` list; a trailing `=` takes the rest
/// of the word as its value.
pub const ACCEPTED: &[&str] = &[
    "--as-needed",
    "--no-as-needed",
    "-Bstatic",
    "-Bdynamic",
    "-Bsymbolic",
    "--eh-frame-hdr",
    "--no-eh-frame-hdr",
    "--gc-sections",
    "--no-gc-sections",
    "--print-gc-sections",
    "--strip-debug",
    "--strip-all",
    "-S",
    "-s",
    "--export-dynamic",
    "-E",
    "--whole-archive",
    "--no-whole-archive",
    "--start-group",
    "--end-group",
    "--enable-new-dtags",
    "--disable-new-dtags",
    "--no-undefined",
    "--no-undefined-version",
    "--undefined-version",
    "--allow-shlib-undefined",
    "--no-allow-shlib-undefined",
    "--build-id",
    "--sort-common",
    "--fatal-warnings",
    "--no-fatal-warnings",
    "--color-diagnostics",
    "-rpath=",
    "-soname=",
    "--version-script=",
    "--build-id=",
    "--hash-style=",
    "--compress-debug-sections=",
    "--sort-section=",
    "--dynamic-linker=",
    "--image-base=",
    "--entry=",
];

/// Options that take the next word of the list as their value.
pub const WITH_VALUE: &[&str] = &["-rpath", "-soname", "-u", "-e", "-z", "--version-script"];

/// Options zig's Mach-O linker accepts as well, for apple targets (checked by linking an
/// aarch64-macos dylib with each).
pub const MACHO_ACCEPTED: &[&str] = &[
    "-dead_strip",
    "-dead_strip_dylibs",
    "-headerpad_max_install_names",
    "-search_paths_first",
    "-x",
];

/// Mach-O options that take the next word as their value.
pub const MACHO_WITH_VALUE: &[&str] = &[
    "-install_name",
    "-exported_symbols_list",
    "-undefined",
    "-headerpad",
];

/// Options zig's COFF linker accepts as well, for Windows targets (checked by linking an
/// x86_64-windows-gnu executable with each). rustc passes the first three on every link.
pub const COFF_ACCEPTED: &[&str] = &[
    "--dynamicbase",
    "--nxcompat",
    "--high-entropy-va",
    "--export-all-symbols",
    "--out-implib=",
    // zig's driver reads it for every format: the library search order (`mingw-bdynamic`).
    "-search_paths_first",
];

/// COFF options that take the next word as their value (`--subsystem,windows` from
/// `#![windows_subsystem = "windows"]`).
pub const COFF_WITH_VALUE: &[&str] = &["--subsystem", "--major-subsystem-version", "--stack"];

/// The kind of file a link writes, which decides the options zig's linker takes beyond ELF's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Elf,
    MachO,
    Coff,
}

impl Format {
    pub fn of(target: &crate::target::triple::Target) -> Format {
        if target.is_apple() {
            Format::MachO
        } else if target.is_windows() {
            Format::Coff
        } else {
            Format::Elf
        }
    }

    fn extra(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Format::Elf => (&[], &[]),
            Format::MachO => (MACHO_ACCEPTED, MACHO_WITH_VALUE),
            Format::Coff => (COFF_ACCEPTED, COFF_WITH_VALUE),
        }
    }
}

/// Values of `-z` zig accepts; a trailing `=` takes a number.
pub const Z_KEYWORDS: &[&str] = &[
    "noexecstack",
    "relro",
    "norelro",
    "now",
    "lazy",
    "defs",
    "origin",
    "notext",
    "max-page-size=",
    "common-page-size=",
    "stack-size=",
];

fn known(word: &str, table: &[&str]) -> bool {
    table.iter().any(|entry| match entry.strip_suffix('=') {
        Some(stem) => word.strip_prefix(stem).is_some_and(|v| v.starts_with('=')),
        None => word == *entry,
    })
}

/// The words of `-Wl,` arguments that are neither in the tables nor a value of an option that
/// is: what zig may reject. Input files passed through `-Wl,` (no leading `-`) are not options.
/// `format` adds the options of zig's Mach-O or COFF linker.
pub fn unknown<'a>(args: impl IntoIterator<Item = &'a str>, format: Format) -> Vec<String> {
    let extra = format.extra();
    let mut out = Vec::new();
    for arg in args {
        let Some(list) = arg.strip_prefix("-Wl,") else {
            continue;
        };
        let mut words = list.split(',');
        while let Some(word) = words.next() {
            if let Some(glued) = word.strip_prefix("-z").filter(|v| !v.is_empty()) {
                if !known(glued, Z_KEYWORDS) {
                    out.push(format!("-z {glued}"));
                }
            } else if word == "-z" {
                match words.next() {
                    Some(value) if known(value, Z_KEYWORDS) => {}
                    Some(value) => out.push(format!("-z {value}")),
                    None => out.push(word.to_string()),
                }
            } else if WITH_VALUE.contains(&word) || extra.1.contains(&word) {
                words.next();
            } else if word.starts_with('-') && !known(word, ACCEPTED) && !known(word, extra.0) {
                out.push(word.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_only_what_zig_is_not_known_to_accept() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &[
                    "-Wl,--as-needed",
                    "-Wl,-z,relro,-z,now",
                    "-Wl,-znoexecstack",
                    "-Wl,--version-script=/tmp/list",
                    "-Wl,-soname,libx.so",
                    "-Wl,-rpath,$ORIGIN/../lib",
                    "-Wl,-z,max-page-size=16384",
                    "-Wl,/libs/libfoo.a",
                    "-lc",
                    "-o",
                    "out",
                ],
                &[],
            ),
            (
                &["-Wl,--icf=all", "-Wl,-z,separate-code"],
                &["--icf=all", "-z separate-code"],
            ),
            (
                &["-Wl,--push-state,--as-needed,--pop-state"],
                &["--push-state", "--pop-state"],
            ),
            (&["-Wl,-zexecstack", "-Wl,-z"], &["-z execstack", "-z"]),
            (
                &["-Wl,--build-idx", "-Wl,--build-id=sha1"],
                &["--build-idx"],
            ),
            (&["-Wl,-h,libx.so"], &["-h"]),
        ];
        for (args, expected) in cases {
            assert_eq!(
                unknown(args.iter().copied(), Format::Elf),
                *expected,
                "{args:?}"
            );
        }
        let apple = [
            "-Wl,-dead_strip",
            "-Wl,-exported_symbols_list",
            "-Wl,/tmp/list",
            "-Wl,-undefined,dynamic_lookup",
            "-Wl,-install_name,@rpath/libx.dylib",
            "-Wl,-no_compact_unwind",
        ];
        assert_eq!(unknown(apple, Format::MachO), ["-no_compact_unwind"]);
        assert_eq!(
            unknown(apple[..1].iter().copied(), Format::Elf),
            ["-dead_strip"]
        );
        let windows = [
            "-Wl,--dynamicbase",
            "-Wl,--nxcompat,--high-entropy-va",
            "-Wl,--out-implib=/t/libx.dll.a",
            "-Wl,--subsystem,windows",
            "-Wl,--enable-auto-import",
        ];
        assert_eq!(unknown(windows, Format::Coff), ["--enable-auto-import"]);
        assert_eq!(unknown(windows, Format::MachO).len(), 6);
    }
}
