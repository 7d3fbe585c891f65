//! The manylinux policy at link time. A file linked for glibc floor F goes into a wheel tagged
//! for F's policy (`target::manylinux::for_floor`), and auditwheel holds the wheel to it: it may
//! load only the policy's libraries from the system, ask them only for the policy's symbol
//! versions (`GLIBCXX_`, `CXXABI_`, `GCC_`, `ZLIB_` as well as `GLIBC_`), and import none of the
//! symbols the policy forbids. It judges what the glibc floor check (`glibc_check`) read of the
//! file. A file above its floor is an error; one beyond its policy is a warning unless
//! ZIGLINK_POLICY=strict, because `auditwheel repair` (and maturin) can still fix a missing
//! library by copying it into the wheel.

use std::path::Path;

use crate::call::after_link::elf_imports::Imports;
use crate::error::{Error, Result};
use crate::target::manylinux::{self, Policy};
use crate::target::triple::Target;

/// One way a file goes beyond its policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// A library the policy does not let a wheel load from the system.
    Library(String),
    /// A symbol version the policy does not allow (`GLIBCXX_3.4.30`), and the library asked.
    Version { version: String, library: String },
    /// Symbols the policy forbids importing from a library it allows.
    Symbols {
        library: String,
        symbols: Vec<String>,
    },
}

/// GCC's C++ runtime, which C++ compiled by the host's g++ loads from the system.
const CXX_RUNTIME: &[&str] = &["libstdc++.so.6", "libgcc_s.so.1"];

/// The dynamic loader: every dynamic file names it, and it comes with glibc itself.
fn is_loader(soname: &str) -> bool {
    soname.starts_with("ld-linux") || soname == "ld64.so.1" || soname == "ld64.so.2"
}

/// Everything in `imports` that `policy` does not allow a file for `arch`, as auditwheel judges
/// it: a version counts under its prefix (the text before the first `_`) when the policy lists
/// that prefix for the arch, whichever library it comes from; forbidden symbols count only
/// when the file loads the library that forbids them.
pub fn judge(policy: &Policy, arch: &str, imports: &Imports) -> Vec<Breach> {
    let mut breaches: Vec<Breach> = imports
        .libraries
        .iter()
        .filter(|lib| !is_loader(lib) && !policy.allows_library(lib))
        .map(|lib| Breach::Library(lib.clone()))
        .collect();
    for needed in imports.versions.iter().filter(|n| !is_loader(&n.library)) {
        let (prefix, version) = needed
            .version
            .split_once('_')
            .unwrap_or((&needed.version, ""));
        let allowed = policy.versions(arch, prefix);
        let breach = Breach::Version {
            version: needed.version.clone(),
            library: needed.library.clone(),
        };
        if allowed.is_some_and(|a| !a.contains(&version)) && !breaches.contains(&breach) {
            breaches.push(breach);
        }
    }
    for library in &imports.libraries {
        let forbidden = policy.forbidden_symbols(library);
        let symbols: Vec<String> = imports
            .required_symbols
            .iter()
            .filter(|s| forbidden.contains(&s.as_str()))
            .cloned()
            .collect();
        if !symbols.is_empty() {
            breaches.push(Breach::Symbols {
                library: library.clone(),
                symbols,
            });
        }
    }
    breaches
}

/// `` `a` `` / `` `a` and `b` `` / `` `a`, `b` and `c` ``.
fn listing<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.into_iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// One line per kind of breach, each saying what is wrong with `output` and what to do.
pub fn describe(output: &Path, policy: &Policy, arch: &str, breaches: &[Breach]) -> Vec<String> {
    let file = output.display();
    let within = format!("{} (glibc {}) for {arch}", policy.tag(), policy.glibc);
    let mut lines = Vec::new();
    let libraries: Vec<&str> = breaches
        .iter()
        .filter_map(|b| match b {
            Breach::Library(lib) => Some(lib.as_str()),
            _ => None,
        })
        .collect();
    if !libraries.is_empty() {
        let them = if libraries.len() == 1 { "it" } else { "them" };
        lines.push(format!(
            "`{file}` loads {} from the system, which {within} does not allow: the wheel is \
             not {} until `auditwheel repair` (or maturin) copies {them} into it; or build {them} \
             into the file instead (with the -sys crate's static or vendored feature, where it \
             has one)",
            listing(libraries.iter().copied()),
            policy.tag(),
        ));
    }
    let versions: Vec<(&str, &str)> = breaches
        .iter()
        .filter_map(|b| match b {
            Breach::Version { version, library } => Some((version.as_str(), library.as_str())),
            _ => None,
        })
        .collect();
    if !versions.is_empty() {
        let asked: Vec<String> = versions
            .iter()
            .map(|(v, l)| format!("{v}` from `{l}"))
            .collect();
        let cxx = versions.iter().any(|(_, l)| CXX_RUNTIME.contains(l));
        lines.push(format!(
            "`{file}` asks for {}, which {within} does not allow: link a static build of the \
             library, or one built for an older system, or raise the floor{}",
            listing(asked.iter().map(String::as_str)),
            if cxx {
                " (C++ compiled by ziglink-cxx links zig's own libc++ statically)"
            } else {
                ""
            },
        ));
    }
    for breach in breaches {
        if let Breach::Symbols { library, symbols } = breach {
            lines.push(format!(
                "`{file}` imports {} from `{library}`, which {within} forbids: raise the floor, \
                 or keep the code that uses it out of the link",
                listing(symbols.iter().map(String::as_str)),
            ));
        }
    }
    lines
}

/// rustc names a build script's executable `build_script_<name>-<hash>`: it runs on the build
/// machine and never goes into a wheel, so the policy is not its business.
fn is_build_script(output: &Path) -> bool {
    output
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("build_script_"))
}

/// The policy `target`'s floor holds the file a link wrote to, and its arch, when there is one.
fn policy_for(output: &Path, target: &Target) -> Option<(&'static Policy, &'static str)> {
    if is_build_script(output) {
        return None;
    }
    let arch = manylinux::arch_of(target.spec)?;
    Some((manylinux::for_floor(target.glibc()?, arch)?, arch))
}

/// Checks the file a link wrote, whose `imports` the floor check read, against the policy of
/// its floor: the lines to warn with, or, when `strict`, an error (and the file removed, as the
/// floor check does).
pub fn check_output(
    output: &Path,
    imports: &Imports,
    target: &Target,
    strict: bool,
) -> Result<Vec<String>> {
    let Some((policy, arch)) = policy_for(output, target) else {
        return Ok(Vec::new());
    };
    let lines = describe(output, policy, arch, &judge(policy, arch, imports));
    if !strict || lines.is_empty() {
        return Ok(lines);
    }
    Err(Error::PolicyBreach {
        removed: std::fs::remove_file(output).is_ok(),
        output: output.to_path_buf(),
        lines: lines.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::after_link::elf_imports;
    use crate::call::after_link::elf_versions::Needed;

    fn need(version: &str, library: &str) -> Needed {
        Needed {
            version: version.into(),
            library: library.into(),
            symbols: vec![],
        }
    }

    fn imports(libraries: &[&str], versions: &[(&str, &str)], required: &[&str]) -> Imports {
        Imports {
            libraries: libraries.iter().map(|s| s.to_string()).collect(),
            versions: versions.iter().map(|(v, l)| need(v, l)).collect(),
            required_symbols: required.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn lib(name: &str) -> Breach {
        Breach::Library(name.into())
    }

    fn version(version: &str, library: &str) -> Breach {
        Breach::Version {
            version: version.into(),
            library: library.into(),
        }
    }

    #[test]
    fn judges_imports_as_auditwheel_does() {
        let m2014 = manylinux::named("manylinux2014").unwrap();
        let m228 = manylinux::named("manylinux_2_28").unwrap();
        let libc = ("GLIBC_2.17", "libc.so.6");
        type Case<'a> = (&'a Policy, &'a str, Imports, Vec<Breach>);
        let cases: Vec<Case> = vec![
            // What a zig-linked PyO3 extension loads: nothing to say.
            (
                m2014,
                "x86_64",
                imports(
                    &[
                        "libc.so.6",
                        "libm.so.6",
                        "libpthread.so.0",
                        "ld-linux-x86-64.so.2",
                    ],
                    &[
                        libc,
                        ("GLIBC_2.2.5", "libc.so.6"),
                        ("GLIBC_2.3", "ld-linux-x86-64.so.2"),
                    ],
                    &["memcpy", "PyLong_FromLong"],
                ),
                vec![],
            ),
            (
                m2014,
                "x86_64",
                imports(
                    &["libssl.so.3", "libc.so.6", "libcrypto.so.3"],
                    &[("OPENSSL_3.0.0", "libssl.so.3"), libc],
                    &["SSL_new"],
                ),
                vec![lib("libssl.so.3"), lib("libcrypto.so.3")],
            ),
            // libz is allowed, its newer versions are not (manylinux2014 stops at 1.2.5.2).
            (
                m2014,
                "x86_64",
                imports(
                    &["libz.so.1"],
                    &[("ZLIB_1.2.9", "libz.so.1"), ("ZLIB_1.2.0", "libz.so.1")],
                    &["crc32_z"],
                ),
                vec![version("ZLIB_1.2.9", "libz.so.1")],
            ),
            (
                m228,
                "x86_64",
                imports(&["libz.so.1"], &[("ZLIB_1.2.9", "libz.so.1")], &["crc32_z"]),
                vec![],
            ),
            (
                m2014,
                "aarch64",
                imports(
                    &["libstdc++.so.6"],
                    &[
                        ("GLIBCXX_3.4.21", "libstdc++.so.6"),
                        ("CXXABI_1.3.9", "libstdc++.so.6"),
                        ("GLIBCXX_3.4", "libstdc++.so.6"),
                    ],
                    &[],
                ),
                vec![
                    version("GLIBCXX_3.4.21", "libstdc++.so.6"),
                    version("CXXABI_1.3.9", "libstdc++.so.6"),
                ],
            ),
            (
                m2014,
                "x86_64",
                imports(&["libc.so.6"], &[("GLIBC_PRIVATE", "libc.so.6")], &[]),
                vec![version("GLIBC_PRIVATE", "libc.so.6")],
            ),
            // Forbidden symbols count only when required (not weak) and the library is loaded.
            (
                m2014,
                "x86_64",
                imports(&["libc.so.6"], &[], &["__cxa_thread_atexit_impl", "memcpy"]),
                vec![Breach::Symbols {
                    library: "libc.so.6".into(),
                    symbols: vec!["__cxa_thread_atexit_impl".into()],
                }],
            ),
            (m2014, "x86_64", imports(&["libc.so.6"], &[], &[]), vec![]),
            (
                m2014,
                "x86_64",
                imports(&["libm.so.6"], &[], &["__cxa_thread_atexit_impl"]),
                vec![],
            ),
            (
                m228,
                "x86_64",
                imports(&["libc.so.6"], &[], &["__cxa_thread_atexit_impl"]),
                vec![],
            ),
            // A static file imports nothing.
            (m2014, "x86_64", Imports::default(), vec![]),
        ];
        for (policy, arch, imports, expected) in cases {
            assert_eq!(
                judge(policy, arch, &imports),
                expected,
                "{imports:?} under {}",
                policy.name
            );
        }
    }

    #[test]
    fn each_kind_of_breach_gets_one_line_with_its_fix() {
        let policy = manylinux::named("manylinux2014").unwrap();
        let out = Path::new("target/release/libext.so");
        let breaches = [
            lib("libssl.so.3"),
            lib("libcrypto.so.3"),
            version("GLIBCXX_3.4.30", "libstdc++.so.6"),
            Breach::Symbols {
                library: "libc.so.6".into(),
                symbols: vec!["__cxa_thread_atexit_impl".into()],
            },
        ];
        let lines = describe(out, policy, "x86_64", &breaches);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].starts_with(
            "`target/release/libext.so` loads `libssl.so.3` and `libcrypto.so.3` from the system, \
             which manylinux2014 (glibc 2.17) for x86_64 does not allow"
        ), "{}", lines[0]);
        assert!(lines[0].contains("auditwheel repair"), "{}", lines[0]);
        assert!(
            lines[1].contains("`GLIBCXX_3.4.30` from `libstdc++.so.6`"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("ziglink-cxx"), "{}", lines[1]);
        assert!(
            lines[2].contains("`__cxa_thread_atexit_impl` from `libc.so.6`"),
            "{}",
            lines[2]
        );
        assert!(lines.iter().all(|l| !l.contains('\n')));
        assert!(describe(out, policy, "x86_64", &[]).is_empty());
        let one = describe(out, policy, "x86_64", &[lib("liblzma.so.5")]);
        assert!(one[0].contains("copies it into it"), "{}", one[0]);
    }

    #[test]
    fn build_scripts_and_targets_without_a_policy_are_not_checked() {
        let gnu = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let musl = Target::resolve("x86_64-unknown-linux-musl", None).unwrap();
        let late = Target::resolve("x86_64-unknown-linux-gnu.2.99", None).unwrap();
        let ext = Path::new("target/release/deps/libext.so");
        let script = Path::new("target/release/build/x-1/build_script_build-0a1b");
        assert_eq!(
            policy_for(ext, &gnu).map(|(p, a)| (p.name, a)),
            Some(("manylinux_2_17", "x86_64"))
        );
        assert!(policy_for(script, &gnu).is_none());
        assert!(policy_for(ext, &musl).is_none());
        assert!(policy_for(ext, &late).is_none());
    }

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn strict_mode_refuses_and_removes_a_file_the_policy_does_not_allow() {
        // The test executable loads libc, which every policy allows, but it was linked against
        // the host's glibc: its GLIBC_ versions are above 2.17 and its start-up imports
        // `__cxa_finalize` and friends; under manylinux2014 it breaks the policy somewhere,
        // under a policy as new as the host's it may not. A copy of it stands in for a link.
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("libext.so");
        std::fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
        let host = crate::target::host::triple();
        let gnu = Target::resolve(host, None).unwrap();
        let data = std::fs::read(&copy).unwrap();
        let imports = elf_imports::read(&data[..]).unwrap();
        let warned = check_output(&copy, &imports, &gnu, false).unwrap();
        assert!(
            !warned.is_empty(),
            "the host-linked test binary should break manylinux2014"
        );
        assert!(copy.exists());
        let error = check_output(&copy, &imports, &gnu, true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("manylinux2014"), "{error}");
        assert!(error.contains("the file was removed"), "{error}");
        assert!(!copy.exists());
    }
}
