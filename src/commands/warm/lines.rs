//! The zig calls that warm a target: the warm-up program's compile, then link lines shaped like
//! rustc's for each output kind and profile (and, where the project has C or C++, those lines
//! as they come with native code), through ziglink's rules.

use std::ffi::OsString;
use std::path::Path;

use crate::call::compiler_rt;
use crate::call::lead_args;
use crate::call::rules;
use crate::error::Result;
use crate::target::triple::Target;

/// What the links to warm contain besides Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Native {
    /// C (cc-rs, cmake), whose links need compiler-rt on glibc (`compiler_rt`).
    pub c: bool,
    /// C++, whose links also need libc++ and libc++abi (`--cxx`).
    pub cxx: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A `bin`, a build script or a test.
    Executable,
    /// A `cdylib` or proc-macro.
    SharedObject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Dev,
    /// Also what cargo links build scripts with: it strips debug info wherever none is wanted.
    Release,
}

/// One zig call.
#[derive(Debug)]
pub struct Step {
    pub what: &'static str,
    pub args: Vec<OsString>,
}

/// The libraries rustc names on every Linux link (std's, via the `libc` and `unwind` crates);
/// ziglink turns `-lgcc_s` into `-lunwind`, and zig serves the others from the libc it builds.
const RUST_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// A link line as rustc writes it for `output` in `profile` (rustc 1.85 to 1.95 on Linux),
/// before ziglink's rules. `-lstdc++` is what cc-rs asks for when a crate compiles C++.
pub fn rustc_link_line(
    target: &Target,
    output: Output,
    profile: Profile,
    cxx: bool,
    object: &Path,
    out: &Path,
) -> Vec<OsString> {
    if target.is_apple() {
        return apple_link_line(target, output, cxx, object, out);
    }
    if target.is_windows() {
        return windows_link_line(target, output, profile, cxx, object, out);
    }
    let mut line: Vec<OsString> = Vec::new();
    if target.zig_arch() == "x86_64" {
        line.push("-m64".into()); // the target spec's pre-link argument
    }
    line.extend([
        object.into(),
        "-Wl,--as-needed".into(),
        "-Wl,-Bstatic".into(),
    ]);
    if target.is_musl() {
        // With crt-static, std names unwind and libc as static libraries.
        line.extend(MUSL_LIBS.iter().map(OsString::from));
        line.push("-Wl,-Bdynamic".into());
    } else {
        line.push("-Wl,-Bdynamic".into());
        line.extend(RUST_LIBS.iter().map(OsString::from));
    }
    if cxx {
        // cc-rs asks for -lstdc++ as a dynamic library: after -Bdynamic.
        let at = line
            .iter()
            .position(|a| a == "-Wl,-Bdynamic")
            .map_or(line.len(), |i| i + 1);
        line.insert(at, "-lstdc++".into());
    }
    line.extend(["-Wl,--eh-frame-hdr", "-Wl,-z,noexecstack", "-o"].map(OsString::from));
    line.push(out.into());
    line.push("-Wl,--gc-sections".into());
    // musl targets link statically, as Rust does by default (`crt-static`).
    let kind: &[&str] = match (output, target.is_musl()) {
        (Output::Executable, false) => &["-pie"],
        (Output::Executable, true) => &["-static-pie"],
        (Output::SharedObject, false) => &["-shared"],
        (Output::SharedObject, true) => &["-static", "-shared"],
    };
    line.extend(kind.iter().map(OsString::from));
    line.push("-Wl,-z,relro,-z,now".into());
    if profile == Profile::Release {
        line.extend(["-Wl,-O1", "-Wl,--strip-debug"].map(OsString::from));
    }
    line.push("-nodefaultlibs".into());
    line
}

/// The libraries std names on musl (rustc 1.85, crt-static), between `-Wl,-Bstatic` and
/// `-Wl,-Bdynamic`.
const MUSL_LIBS: &[&str] = &["-lunwind", "-lc"];

/// The libraries std names on Windows (rustc 1.85), after `-Wl,-Bdynamic`.
const WINDOWS_SYSTEM_LIBS: &[&str] = &[
    "-lkernel32",
    "-ladvapi32",
    "-lntdll",
    "-luserenv",
    "-lws2_32",
    "-ldbghelp",
];

/// GCC's MinGW runtime, as rustc names it for `*-windows-gnu`.
const MINGW_GCC_LIBS: &[&str] = &[
    "-lgcc_eh",
    "-l:libpthread.a",
    "-lmsvcrt",
    "-lmingwex",
    "-lmingw32",
    "-lgcc",
    "-lmsvcrt",
    "-lmingwex",
    "-luser32",
    "-lkernel32",
    "-lssp_nonshared",
    "-lssp",
];

/// LLVM's MinGW runtime, as rustc names it for `*-windows-gnullvm`.
const MINGW_LLVM_LIBS: &[&str] = &[
    "-lunwind",
    "-lmingw32",
    "-lmingwex",
    "-lmsvcrt",
    "-lkernel32",
    "-luser32",
];

/// rustc's line for a Windows target, without the start objects rustc's own std ships
/// (`rsbegin.o`): the warm-up program needs none of what they register.
fn windows_link_line(
    target: &Target,
    output: Output,
    profile: Profile,
    cxx: bool,
    object: &Path,
    out: &Path,
) -> Vec<OsString> {
    let gnu = target.is_windows_gnu();
    let mut line: Vec<OsString> = Vec::new();
    if !gnu {
        line.extend(["-nolibc", "--unwindlib=none"].map(OsString::from));
    }
    line.extend([object.into(), "-Wl,-Bstatic".into(), "-Wl,-Bdynamic".into()]);
    if cxx {
        line.push("-lstdc++".into());
    }
    line.extend(WINDOWS_SYSTEM_LIBS.iter().map(OsString::from));
    let runtime = if gnu { MINGW_GCC_LIBS } else { MINGW_LLVM_LIBS };
    line.extend(runtime.iter().map(OsString::from));
    line.extend(["-o".into(), out.into(), "-Wl,--gc-sections".into()]);
    line.push(match output {
        Output::Executable => "-no-pie".into(),
        Output::SharedObject => "-shared".into(),
    });
    if profile == Profile::Release {
        line.extend(["-Wl,-O1", "-Wl,--strip-debug"].map(OsString::from));
    }
    if gnu {
        line.push("-nodefaultlibs".into());
    }
    line
}

/// rustc's line for an apple target: libSystem by its three names, the arch and deployment
/// target (which ziglink's rules drop in favour of `-target`), dead stripping. The release
/// profile changes nothing here: rustc strips Mach-O files itself after the link.
fn apple_link_line(
    target: &Target,
    output: Output,
    cxx: bool,
    object: &Path,
    out: &Path,
) -> Vec<OsString> {
    let mut line: Vec<OsString> = vec![object.into()];
    if cxx {
        line.push("-lc++".into());
    }
    line.extend(["-lSystem", "-lc", "-lm", "-arch"].map(OsString::from));
    line.push(
        if target.zig_arch() == "aarch64" {
            "arm64"
        } else {
            "x86_64"
        }
        .into(),
    );
    if let Some(macos) = target.macos() {
        line.push(format!("-mmacosx-version-min={macos}").into());
    }
    line.extend(["-o".into(), out.into(), "-Wl,-dead_strip".into()]);
    if output == Output::SharedObject {
        line.extend(["-dynamiclib", "-undefined", "dynamic_lookup"].map(OsString::from));
    }
    line.push("-nodefaultlibs".into());
    line
}

/// Every zig call that warms `target`: compile the source as `ziglink-cc` would, then link it
/// as each kind of Rust output in each profile (and again with C++, for `cxx`), each distinct
/// translated line once.
pub fn steps(target: &Target, native: Native, source: &Path, work: &Path) -> Result<Vec<Step>> {
    let object = work.join("warm.o");
    let mut compile = vec![OsString::from("cc")];
    compile.extend(lead_args::lead_args(&lead_args::compile_lead(target)));
    compile.push("-c".into());
    compile.extend([source.into(), "-o".into(), object.clone().into()]);
    let mut steps = vec![Step {
        what: "compile the warm-up program",
        args: compile,
    }];
    // (C++ on the line, C or C++ among its inputs): a link of Rust alone builds no compiler-rt.
    let mut variants = vec![(false, false)];
    if native.c || native.cxx {
        variants.push((false, true));
    }
    if native.cxx {
        variants.push((true, true));
    }
    for (with_cxx, with_c) in variants {
        for profile in [Profile::Dev, Profile::Release] {
            for output in [Output::Executable, Output::SharedObject] {
                let out = work.join(match output {
                    Output::Executable => "warm",
                    Output::SharedObject => "libwarm.so",
                });
                let line = rustc_link_line(target, output, profile, with_cxx, &object, &out);
                let mut translated = rules::translate(&line, target, &|p| p.is_file())?;
                if !with_c {
                    compiler_rt::skip(&mut translated, target);
                }
                let mut args = vec![OsString::from("cc")];
                let lead = lead_args::link_lead(target, &translated.args);
                args.extend(lead_args::lead_args(&lead));
                args.extend(translated.args);
                // A release line links as the dev line does once the rules drop what zig
                // would build differently for (`-Wl,--strip-debug`): one link builds for both.
                // So does a line with C on a target where only glibc's links skip compiler-rt.
                if steps.iter().any(|s| s.args == args) {
                    continue;
                }
                steps.push(Step {
                    what: match output {
                        Output::Executable => "link the warm-up executable",
                        Output::SharedObject => "link the warm-up shared object",
                    },
                    args,
                });
            }
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn links_as_rustc_does_for_each_output() {
        let gnu = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let musl = Target::resolve("x86_64-unknown-linux-musl", None).unwrap();
        let (o, out) = (Path::new("/w/warm.o"), Path::new("/w/warm"));
        // (target, output, profile, arguments present, arguments absent)
        type Case<'a> = (&'a Target, Output, Profile, &'a [&'a str], &'a [&'a str]);
        let cases: &[Case] = &[
            (
                &gnu,
                Output::Executable,
                Profile::Dev,
                &["-pie"],
                &["--strip-debug"],
            ),
            (
                &gnu,
                Output::SharedObject,
                Profile::Dev,
                &["-shared"],
                &["-pie"],
            ),
            (
                &gnu,
                Output::Executable,
                Profile::Release,
                &["-Wl,--strip-debug"],
                &[],
            ),
            (
                &musl,
                Output::Executable,
                Profile::Dev,
                &["-static-pie"],
                &["-pie"],
            ),
            (
                &musl,
                Output::SharedObject,
                Profile::Dev,
                &["-static", "-shared"],
                &[],
            ),
        ];
        let mac = Target::resolve("aarch64-apple-darwin", None).unwrap();
        let apple: &[Case] = &[
            (
                &mac,
                Output::Executable,
                Profile::Release,
                &[
                    "-lSystem",
                    "arm64",
                    "-mmacosx-version-min=11.0",
                    "-Wl,-dead_strip",
                ],
                &["-pie", "-lgcc_s", "-Wl,--strip-debug"],
            ),
            (
                &mac,
                Output::SharedObject,
                Profile::Dev,
                &["-dynamiclib", "dynamic_lookup"],
                &["-shared", "-Wl,--eh-frame-hdr"],
            ),
        ];
        for (target, output, profile, present, absent) in cases.iter().chain(apple) {
            let line = strings(&rustc_link_line(target, *output, *profile, false, o, out));
            for want in *present {
                assert!(line.iter().any(|a| a == want), "{want} in {line:?}");
            }
            for unwanted in *absent {
                assert!(
                    !line.iter().any(|a| a == unwanted),
                    "{unwanted} in {line:?}"
                );
            }
            if !target.is_apple() {
                // std's libraries, static on musl as with crt-static: between -Bstatic and
                // -Bdynamic.
                let libs = if target.is_musl() {
                    MUSL_LIBS
                } else {
                    RUST_LIBS
                };
                let at = |flag: &str| line.iter().position(|a| a == flag).unwrap();
                let (statics, dynamics) = (at("-Wl,-Bstatic"), at("-Wl,-Bdynamic"));
                for lib in libs {
                    let i = at(lib);
                    assert_eq!(
                        target.is_musl(),
                        statics < i && i < dynamics,
                        "{lib} in {line:?}"
                    );
                }
                assert_eq!(line[0], "-m64", "{line:?}");
            }
            assert!(!line.iter().any(|a| a == "-lstdc++" || a == "-lc++"));
        }
    }

    #[test]
    fn steps_go_through_ziglinks_rules() {
        let target = Target::resolve("aarch64-unknown-linux-gnu.2.28", None).unwrap();
        let steps = steps_for(&target, RUST_ONLY);
        // The compile, then the executable and the shared object: the release profile's lines
        // are the dev ones once `-Wl,--strip-debug` is kept from zig.
        assert_eq!(steps.len(), 3, "{steps:?}");
        let compile = strings(&steps[0].args);
        assert_eq!(
            compile,
            [
                "cc",
                "-target",
                "aarch64-linux-gnu.2.28",
                "-fno-sanitize=all",
                "-c",
                "/c/warm.c",
                "-o",
                "/w/warm.o"
            ]
        );
        for step in &steps[1..] {
            let args = strings(&step.args);
            assert_eq!(args[..3], ["cc", "-target", "aarch64-linux-gnu.2.28"]);
            // rustc's -lgcc_s reaches zig as -lunwind, as on a real link.
            assert!(args.contains(&"-lunwind".to_string()), "{args:?}");
            assert!(!args.contains(&"-lgcc_s".to_string()), "{args:?}");
            // Rust alone: no compiler-rt.
            assert!(args.contains(&"-nostdlib".to_string()), "{args:?}");
        }
        // With C, the same links again as they come with C's archives: with compiler-rt.
        let with_c = Native {
            c: true,
            cxx: false,
        };
        let steps = steps_for(&target, with_c);
        assert_eq!(steps.len(), 5, "{steps:?}");
        let kept = |flag: &str| {
            steps[1..]
                .iter()
                .filter(|s| s.args.iter().any(|a| a == flag))
                .count()
        };
        assert_eq!((kept("-nostdlib"), kept("-nodefaultlibs")), (2, 2));
    }

    const RUST_ONLY: Native = Native {
        c: false,
        cxx: false,
    };

    fn steps_for(target: &Target, native: Native) -> Vec<Step> {
        steps(target, native, Path::new("/c/warm.c"), Path::new("/w")).unwrap()
    }

    #[test]
    fn windows_lines_are_rustcs_after_the_rules() {
        for (triple, kept) in [
            ("x86_64-pc-windows-gnu", "-lgcc_eh"),
            ("i686-pc-windows-gnu", "-lmingw32"),
            ("aarch64-pc-windows-gnullvm", "--unwindlib=none"),
        ] {
            let target = Target::resolve(triple, None).unwrap();
            // Only glibc's links skip compiler-rt: with C or without, the lines are the same.
            let steps = steps_for(
                &target,
                Native {
                    c: true,
                    cxx: false,
                },
            );
            assert_eq!(steps.len(), 3, "{triple}: {steps:?}");
            for step in &steps[1..] {
                let args = strings(&step.args);
                assert!(args.contains(&kept.to_string()), "{triple}: {args:?}");
                for dropped in [
                    "-lmsvcrt",
                    "-l:libpthread.a",
                    "-nolibc",
                    "-Wl,--strip-debug",
                ] {
                    assert!(!args.contains(&dropped.to_string()), "{triple}: {args:?}");
                }
            }
        }
    }

    #[test]
    fn cxx_adds_links_with_libcxx() {
        let target = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let steps = steps_for(
            &target,
            Native {
                c: false,
                cxx: true,
            },
        );
        let with_cxx = steps
            .iter()
            .filter(|s| s.args.iter().any(|a| a == "-lstdc++"))
            .count();
        // Rust alone, Rust with C, Rust with C++: two links each.
        assert_eq!((steps.len(), with_cxx), (7, 2));
    }
}
