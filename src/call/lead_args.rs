//! The arguments ziglink puts in front of every zig line: `-target`, the baseline CPU and, for
//! compiles, no sanitizers. Each comes with its reason, for explain mode.

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
}
