//! The rules that turn a gcc-style link line from rustc (or a compile line from cc-rs) into one
//! `zig cc` accepts. Each rule is a row: what it matches, which targets it applies to, what it
//! does, and why. `translate` is pure apart from the `is_file` probe one rule needs.

use std::ffi::OsString;
use std::path::Path;

use crate::error::{Error, Result};
use crate::osbytes::{as_bytes, from_bytes};
use crate::target::Target;

/// How a rule recognises its argument.
#[derive(Debug, Clone, Copy)]
pub enum Match {
    Exact(&'static str),
    Prefix(&'static str),
    /// Any other shape; the function sees the whole argument.
    Test(fn(&[u8]) -> bool),
    /// `<prefix><path>` where the path is an existing file.
    PrefixedFile(&'static str),
}

/// What a rule does with a matching argument.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    Drop,
    /// Drop it and the argument after it (two-argument options).
    DropWithNext,
    /// Replace it with the arguments the function returns.
    Rewrite(fn(&[u8]) -> Vec<Vec<u8>>),
    /// Stop: zig would not do what the argument asks, and saying so beats a wrong artifact.
    Refuse,
}

#[derive(Debug)]
pub struct Rule {
    pub name: &'static str,
    pub reason: &'static str,
    pub applies: fn(&Target) -> bool,
    pub matches: Match,
    pub action: Action,
}

fn any_target(_: &Target) -> bool {
    true
}

fn glibc_target(target: &Target) -> bool {
    target.glibc.is_some()
}

fn strip(arg: &[u8], prefix: &str) -> Vec<u8> {
    arg[prefix.len()..].to_vec()
}

fn prefixed(prefix: &str, rest: &[u8]) -> Vec<u8> {
    let mut out = prefix.as_bytes().to_vec();
    out.extend_from_slice(rest);
    out
}

/// The rules, checked in order; the first that matches an argument decides it.
pub static RULES: &[Rule] = &[
    Rule {
        name: "static-glibc",
        reason: "zig links glibc only dynamically and would quietly drop the request; \
                 for a static binary use a musl target such as x86_64-unknown-linux-musl",
        applies: glibc_target,
        matches: Match::Test(|a| a == b"-static" || a == b"-static-pie"),
        action: Action::Refuse,
    },
    Rule {
        name: "rust-lld-dir",
        reason: "rustc points gcc at its bundled rust-lld; zig links with its own lld",
        applies: any_target,
        matches: Match::Test(|a| a.starts_with(b"-B") && a.ends_with(b"gcc-ld")),
        action: Action::Drop,
    },
    Rule {
        name: "fuse-ld",
        reason: "selects rustc's self-contained lld; zig always uses its own linker",
        applies: any_target,
        matches: Match::Exact("-fuse-ld=lld"),
        action: Action::Drop,
    },
    Rule {
        name: "linker-opt-level",
        reason: "zig ignores linker optimisation levels and warns about each one",
        applies: any_target,
        matches: Match::Test(|a| {
            a.starts_with(b"-Wl,-O") && a.len() > 6 && a[6..].iter().all(u8::is_ascii_digit)
        }),
        action: Action::Drop,
    },
    Rule {
        name: "gcc-s",
        reason: "zig ships no libgcc_s; its libunwind provides the _Unwind_* functions",
        applies: any_target,
        matches: Match::Exact("-lgcc_s"),
        action: Action::Rewrite(|_| vec![b"-lunwind".to_vec()]),
    },
    Rule {
        name: "clang-target",
        reason: "cc-rs passes --target=<rust triple>, which clashes with zig's -target",
        applies: any_target,
        matches: Match::Prefix("--target="),
        action: Action::Drop,
    },
    Rule {
        name: "glued-entry",
        reason: "gcc accepts -e<symbol>; zig's clang driver only takes the linker form",
        applies: any_target,
        matches: Match::Test(|a| {
            a.len() > 2 && a.starts_with(b"-e") && !a.starts_with(b"-export")
        }),
        action: Action::Rewrite(|a| vec![prefixed("-Wl,--entry=", &a[2..])]),
    },
    Rule {
        name: "undefined-long",
        reason: "zig rejects -Wl,--undefined=<sym> (cargo-auditable passes it); -u is the same",
        applies: any_target,
        matches: Match::Prefix("-Wl,--undefined="),
        action: Action::Rewrite(|a| vec![prefixed("-Wl,-u,", &strip(a, "-Wl,--undefined="))]),
    },
    Rule {
        name: "nostart-stop-gc",
        reason: "newer rustc passes it; zig's linker does not know it",
        applies: any_target,
        matches: Match::Test(|a| a == b"-Wl,-znostart-stop-gc" || a == b"-Wl,-z,nostart-stop-gc"),
        action: Action::Drop,
    },
    Rule {
        name: "cortex-a53-fix",
        reason: "rustc passes it for aarch64 since 2026; zig's linker rejects it",
        applies: any_target,
        matches: Match::Exact("-Wl,--fix-cortex-a53-843419"),
        action: Action::Drop,
    },
    Rule {
        name: "no-rosegment",
        reason: "newer rustc passes it; zig's linker rejects it",
        applies: any_target,
        matches: Match::Exact("-Wl,--no-rosegment"),
        action: Action::Drop,
    },
    Rule {
        name: "lto-plugin",
        reason: "linker-plugin LTO options are for rustc's LLVM, which zig's is not",
        applies: any_target,
        matches: Match::Prefix("-Wl,-plugin-opt"),
        action: Action::Drop,
    },
    Rule {
        name: "dynamic-list-pair",
        reason: "zig's ELF linker rejects --dynamic-list in every form",
        applies: any_target,
        matches: Match::Exact("-Wl,--dynamic-list"),
        action: Action::DropWithNext,
    },
    Rule {
        name: "dynamic-list",
        reason: "zig's ELF linker rejects --dynamic-list in every form",
        applies: any_target,
        matches: Match::Test(|a| {
            a.starts_with(b"-Wl,--dynamic-list,") || a.starts_with(b"-Wl,--dynamic-list=")
        }),
        action: Action::Drop,
    },
    Rule {
        name: "preprocessor-arg",
        reason: "zig implements only -Wp,-MD, -Wp,-MMD and -Wp,-MT",
        applies: any_target,
        matches: Match::Test(|a| {
            a.starts_with(b"-Wp,")
                && !(a.starts_with(b"-Wp,-MD") || a.starts_with(b"-Wp,-MMD") || a.starts_with(b"-Wp,-MT"))
        }),
        action: Action::Drop,
    },
    Rule {
        name: "wl-input-file",
        reason: "gcc forwards a non-option -Wl, value as an input file; zig calls it an unsupported linker arg",
        applies: any_target,
        matches: Match::PrefixedFile("-Wl,"),
        action: Action::Rewrite(|a| vec![strip(a, "-Wl,")]),
    },
];

/// One argument a rule dropped or replaced, for logs and explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub rule: &'static str,
    pub removed: Vec<OsString>,
    pub added: Vec<OsString>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Translation {
    pub args: Vec<OsString>,
    pub changes: Vec<Change>,
}

fn matches(m: Match, arg: &[u8], is_file: &dyn Fn(&Path) -> bool) -> bool {
    match m {
        Match::Exact(s) => arg == s.as_bytes(),
        Match::Prefix(p) => arg.starts_with(p.as_bytes()),
        Match::Test(f) => f(arg),
        Match::PrefixedFile(p) => {
            let rest = arg.strip_prefix(p.as_bytes()).unwrap_or_default();
            !rest.is_empty()
                && rest[0] != b'-'
                && !rest.contains(&b',')
                && is_file(Path::new(&from_bytes(rest.to_vec())))
        }
    }
}

/// Applies the rules to every argument of a link or compile line.
pub fn translate(
    args: &[OsString],
    target: &Target,
    is_file: &dyn Fn(&Path) -> bool,
) -> Result<Translation> {
    let active: Vec<&Rule> = RULES.iter().filter(|r| (r.applies)(target)).collect();
    let mut out = Translation::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let bytes = as_bytes(arg);
        let Some(rule) = active.iter().find(|r| matches(r.matches, bytes, is_file)) else {
            out.args.push(arg.clone());
            continue;
        };
        let mut removed = vec![arg.clone()];
        let added: Vec<OsString> = match rule.action {
            Action::Drop => Vec::new(),
            Action::DropWithNext => {
                removed.extend(iter.next().cloned());
                Vec::new()
            }
            Action::Rewrite(f) => f(bytes).into_iter().map(from_bytes).collect(),
            Action::Refuse => {
                return Err(Error::Refused {
                    arg: arg.to_string_lossy().into_owned(),
                    target: target.spec.rust,
                    reason: rule.reason,
                })
            }
        };
        out.args.extend(added.iter().cloned());
        out.changes.push(Change {
            rule: rule.name,
            removed,
            added,
        });
    }
    Ok(out)
}

/// The full argument list for zig: the driver, the target and CPU, then the translated line.
pub fn zig_cc_args(target: &Target, translated: Vec<OsString>) -> Vec<OsString> {
    let mut args = Vec::with_capacity(translated.len() + 4);
    args.push(OsString::from("cc"));
    args.push(OsString::from("-target"));
    args.push(OsString::from(target.zig_target()));
    if let Some(cpu) = target.spec.cpu {
        args.push(OsString::from(format!("-mcpu={cpu}")));
    }
    args.extend(translated);
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> Target {
        Target::resolve("x86_64-unknown-linux-gnu", None).unwrap()
    }

    fn run(args: &[&str]) -> (Vec<String>, Vec<&'static str>) {
        let is_file = |p: &Path| p == Path::new("/libs/libfoo.a");
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let t = translate(&args, &host(), &is_file).unwrap();
        (
            t.args
                .iter()
                .map(|a| a.to_str().unwrap().to_string())
                .collect(),
            t.changes.iter().map(|c| c.rule).collect(),
        )
    }

    #[test]
    fn each_rule_does_what_its_row_says() {
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            (
                &[
                    "-B/r/lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld",
                    "a.o",
                ],
                &["a.o"],
                &["rust-lld-dir"],
            ),
            (&["-fuse-ld=lld"], &[], &["fuse-ld"]),
            (
                &["-Wl,-O1", "-Wl,-O", "-Wl,-Ox"],
                &["-Wl,-O", "-Wl,-Ox"],
                &["linker-opt-level"],
            ),
            (&["-lgcc_s", "-lc"], &["-lunwind", "-lc"], &["gcc-s"]),
            (
                &["--target=aarch64-unknown-linux-gnu", "-c"],
                &["-c"],
                &["clang-target"],
            ),
            (&["-emain"], &["-Wl,--entry=main"], &["glued-entry"]),
            (
                &["-e", "main", "-export-dynamic"],
                &["-e", "main", "-export-dynamic"],
                &[],
            ),
            (
                &["-Wl,--undefined=AUDITABLE"],
                &["-Wl,-u,AUDITABLE"],
                &["undefined-long"],
            ),
            (
                &["-Wl,-znostart-stop-gc", "-Wl,-z,nostart-stop-gc"],
                &[],
                &["nostart-stop-gc", "nostart-stop-gc"],
            ),
            (&["-Wl,--fix-cortex-a53-843419"], &[], &["cortex-a53-fix"]),
            (&["-Wl,--no-rosegment"], &[], &["no-rosegment"]),
            (&["-Wl,-plugin-opt=O3"], &[], &["lto-plugin"]),
            (
                &["-Wl,--dynamic-list", "-Wl,/t/list", "x.o"],
                &["x.o"],
                &["dynamic-list-pair"],
            ),
            (
                &["-Wl,--dynamic-list=/t/l", "-Wl,--dynamic-list,/t/l"],
                &[],
                &["dynamic-list", "dynamic-list"],
            ),
            (
                &[
                    "-Wp,-U_FORTIFY_SOURCE",
                    "-Wp,-MD,dep.d",
                    "-Wp,-MMD,d",
                    "-Wp,-MT,x",
                ],
                &["-Wp,-MD,dep.d", "-Wp,-MMD,d", "-Wp,-MT,x"],
                &["preprocessor-arg"],
            ),
            (
                &[
                    "-Wl,--whole-archive",
                    "-Wl,/libs/libfoo.a",
                    "-Wl,/libs/missing.a",
                    "-Wl,--no-whole-archive",
                ],
                &[
                    "-Wl,--whole-archive",
                    "/libs/libfoo.a",
                    "-Wl,/libs/missing.a",
                    "-Wl,--no-whole-archive",
                ],
                &["wl-input-file"],
            ),
        ];
        for (input, output, rules) in cases {
            let (args, changes) = run(input);
            assert_eq!(args, *output, "args of {input:?}");
            assert_eq!(changes, *rules, "rules for {input:?}");
        }
    }

    #[test]
    fn static_glibc_links_are_refused() {
        for flag in ["-static", "-static-pie"] {
            let args = [OsString::from("a.o"), OsString::from(flag)];
            let error = translate(&args, &host(), &|_| false)
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with(&format!("`{flag}` cannot be honoured for x86_64-unknown-linux-gnu: zig links glibc only dynamically")),
                "{error}"
            );
            assert!(error.contains("x86_64-unknown-linux-musl"), "{error}");
        }
    }

    #[test]
    fn keeps_what_zig_understands() {
        let kept = [
            "-m64",
            "-Wl,--as-needed",
            "-Wl,-Bstatic",
            "-Wl,-Bdynamic",
            "-lc",
            "-lutil",
            "-nodefaultlibs",
            "-Wl,--eh-frame-hdr",
            "-Wl,-z,noexecstack",
            "-Wl,-z,relro,-z,now",
            "-Wl,--gc-sections",
            "-pie",
            "-shared",
            "-Wl,--version-script=/t/list",
            "-Wl,--no-undefined-version",
            "-L",
            "/x",
            "-o",
            "/out",
        ];
        let (args, changes) = run(&kept);
        assert_eq!(args, kept);
        assert!(changes.is_empty());
    }

    #[test]
    fn every_rule_is_named_once_and_explained() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(!rule.reason.is_empty(), "{}", rule.name);
            assert!(
                RULES[i + 1..].iter().all(|r| r.name != rule.name),
                "{} twice",
                rule.name
            );
        }
    }

    #[test]
    fn zig_args_lead_with_target_and_cpu() {
        let arm = Target::resolve("armv7-unknown-linux-gnueabihf.2.28", None).unwrap();
        let args = zig_cc_args(&arm, vec![OsString::from("a.o")]);
        assert_eq!(
            args,
            [
                "cc",
                "-target",
                "arm-linux-gnueabihf.2.28",
                "-mcpu=generic+v7a+vfp3-d32+thumb2-neon",
                "a.o"
            ]
        );
        let args = zig_cc_args(&host(), vec![]);
        assert_eq!(args, ["cc", "-target", "x86_64-linux-gnu.2.17"]);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_arguments_pass_untouched() {
        let odd = from_bytes(b"/tmp/\xff.o".to_vec());
        let glued = from_bytes(b"-e\xffsym".to_vec());
        let t = translate(&[odd.clone(), glued], &host(), &|_| false).unwrap();
        assert_eq!(t.args[0], odd);
        assert_eq!(as_bytes(&t.args[1]), b"-Wl,--entry=\xffsym");
    }
}
