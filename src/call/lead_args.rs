//! The arguments ziglink puts in front of every zig line: `-target`, the baseline CPU, and
//! sanitizer choices (none for compiles, no UBSan runtime for links). Each comes with its
//! reason, for explain mode.

use std::ffi::OsString;

use crate::target::triple::Target;

/// Arguments ziglink puts in front of a line, with why, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub rule: &'static str,
    pub reason: &'static str,
    pub args: Vec<OsString>,
}

/// What goes in front of every zig cc line for `target`: `-target` and, where rustc's
/// baseline CPU differs from zig's default for the arch, `-mcpu`.
pub fn target_lead(target: &Target) -> Vec<Added> {
    let mut lead = vec![Added {
        rule: "target",
        reason: "zig's name for the Rust target, with the floor to link against (a glibc \
                 release, or a macOS deployment target)",
        args: vec![
            OsString::from("-target"),
            OsString::from(target.zig_target()),
        ],
    }];
    if let Some(cpu) = target.spec.cpu {
        lead.push(Added {
            rule: "baseline-cpu",
            reason: "rustc's baseline CPU for this target, which is not zig's default for the arch",
            args: vec![OsString::from(format!("-mcpu={cpu}"))],
        });
    }
    lead
}

/// What goes in front of a C or C++ compile: the target's lead, and no sanitizers.
pub fn compile_lead(target: &Target) -> Vec<Added> {
    let mut lead = target_lead(target);
    lead.push(Added {
        rule: "no-sanitize",
        reason: "zig cc turns on UBSan traps in unoptimised C builds, which gcc and clang do not; \
                 code written for them must behave the same (a later -fsanitize still wins)",
        args: vec![OsString::from("-fno-sanitize=all")],
    });
    lead
}

/// What goes in front of a link line (`args`, translated): the target's lead and
/// `no_ubsan_runtime`.
pub fn link_lead(target: &Target, args: &[OsString]) -> Vec<Added> {
    let mut lead = target_lead(target);
    lead.extend(no_ubsan_runtime(args));
    lead
}

/// UBSan in trap mode for a link, unless the line asks for a sanitizer. zig 0.17 builds a UBSan
/// runtime for every link in its Debug mode, which is every rustc link (no `-O`), and
/// `-fno-sanitize=all` does not stop it; with traps it builds none. Nothing in a Rust link calls
/// that runtime: the linked file is the same bytes either way, and a cold link of hello-bin
/// takes 10 s instead of 40 s (docs/zig-cache.md). For a compile it would change nothing.
pub fn no_ubsan_runtime(args: &[OsString]) -> Option<Added> {
    (!asks_for_sanitizer(args)).then(|| Added {
        rule: "no-ubsan-runtime",
        reason: "zig builds a UBSan runtime for every unoptimised link (about 30 s and 5 MiB per \
                 target on a cold cache) that nothing in a Rust link calls; in trap mode it \
                 builds none, and the output is the same",
        args: vec![OsString::from("-fsanitize-trap=undefined")],
    })
}

/// Whether a link line turns a sanitizer on (`-fsanitize=...`): then the user wants zig's
/// runtimes, and the line is left as it is.
fn asks_for_sanitizer(args: &[OsString]) -> bool {
    args.iter()
        .any(|arg| arg.as_encoded_bytes().starts_with(b"-fsanitize="))
}

/// The arguments of `lead`, in order.
pub fn lead_args(lead: &[Added]) -> Vec<OsString> {
    lead.iter().flat_map(|a| a.args.iter().cloned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zig_args_lead_with_target_and_cpu() {
        let arm = Target::resolve("armv7-unknown-linux-gnueabihf.2.28", None).unwrap();
        assert_eq!(
            lead_args(&target_lead(&arm)),
            [
                "-target",
                "arm-linux-gnueabihf.2.28",
                "-mcpu=generic+v7a+vfp3-d32+thumb2-neon",
            ]
        );
        assert_eq!(
            lead_args(&target_lead(
                &Target::resolve("x86_64-unknown-linux-gnu", None).unwrap()
            )),
            ["-target", "x86_64-linux-gnu.2.17"]
        );
        let compile = lead_args(&compile_lead(
            &Target::resolve("x86_64-unknown-linux-gnu", None).unwrap(),
        ));
        assert_eq!(compile.last().unwrap(), "-fno-sanitize=all");
    }

    #[test]
    fn links_skip_the_ubsan_runtime_unless_a_sanitizer_is_asked_for() {
        let target = Target::resolve("x86_64-unknown-linux-musl", None).unwrap();
        let cases: &[(&[&str], bool)] = &[
            (&["a.o", "-lunwind"], true),
            (&[], true),
            (&["a.o", "-fno-sanitize=all"], true),
            (&["-fsanitize-trap=undefined"], true),
            (&["a.o", "-fsanitize=undefined"], false),
            (&["-fsanitize=address,undefined", "a.o"], false),
        ];
        for (line, traps) in cases {
            let line: Vec<OsString> = line.iter().map(OsString::from).collect();
            let args = lead_args(&link_lead(&target, &line));
            assert_eq!(
                args.iter().any(|a| a == "-fsanitize-trap=undefined"),
                *traps,
                "{line:?}"
            );
            assert_eq!(args[..2], ["-target", "x86_64-linux-musl"], "{line:?}");
        }
    }
}
