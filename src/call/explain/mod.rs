//! Explain mode: what ziglink did to a command line, and which rule did it and why.
//!
//! `ZIGLINK_EXPLAIN` explains every call as it runs; `ziglink explain -- <line>` explains a line
//! without running anything. Both render through [`render`].

pub mod linker_options;

use std::io::Write;

use crate::call::lead_args::Added;
use crate::call::rules::Change;
use crate::call::settings::ExplainTo;
use crate::platform::replace;
use crate::target::triple::Target;

/// Where a contributor adds a rule, for arguments no rule handles.
pub const RULES_POINTER: &str = "add a row for it to the RULES table in src/call/rules/mod.rs of \
     ziglink's source (name, targets, match, action, reason)";

pub struct Explanation<'a> {
    /// `link`, `C compile`, ...
    pub what: &'a str,
    pub target: Option<&'a Target>,
    pub lead: &'a [Added],
    pub changes: &'a [Change],
    /// Linker options no rule handled and zig is not known to accept.
    pub unknown: &'a [String],
    /// How many arguments went through unchanged.
    pub kept: usize,
    /// The zig command, as a shell line.
    pub command: &'a str,
}

fn words(args: &[std::ffi::OsString]) -> String {
    crate::text::shell::join_os(args.iter().map(|a| a.as_os_str()))
}

pub fn render(e: &Explanation) -> String {
    let mut out = String::new();
    let target = e.target.map_or_else(String::new, |t| match t.floor {
        Some(floor) => format!(
            " for {} ({} floor {})",
            t.spec.rust,
            floor.kind(),
            floor.version()
        ),
        None => format!(" for {}", t.spec.rust),
    });
    out.push_str(&format!("ziglink explain: {}{target}\n", e.what));
    let mut row = |action: &str, args: String, why: String| {
        out.push_str(&format!("  {action:<9} {args}\n            {why}\n"));
    };
    let rule = |name: &str, reason: &str| format!("[{name}] {reason}");
    for added in e.lead {
        row("added", words(&added.args), rule(added.rule, added.reason));
    }
    for change in e.changes {
        let (action, args) = match (change.removed.as_slice(), change.added.as_slice()) {
            (removed, []) => ("dropped", words(removed)),
            (removed, added) if removed == added => ("kept", words(removed)),
            (removed, added) => (
                "replaced",
                format!("{} -> {}", words(removed), words(added)),
            ),
        };
        row(action, args, rule(change.rule, change.reason));
    }
    for option in e.unknown {
        row(
            "unknown",
            format!("linker option {option}"),
            format!("no rule handles it and zig is not known to accept it; if zig rejects it, {RULES_POINTER}"),
        );
    }
    out.push_str(&format!(
        "  {} other argument{} passed through unchanged\n  command: {}\n",
        e.kept,
        if e.kept == 1 { "" } else { "s" },
        e.command
    ));
    out
}

/// The arguments zig's own error output says it rejected: "unsupported linker arg: X",
/// "unsupported linker extension flag: -z X", `unknown clang option: "X"`.
pub fn rejected_by_zig(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("error: ")?;
            line.strip_prefix("unsupported linker arg: ")
                .or_else(|| line.strip_prefix("unsupported linker extension flag: "))
                .map(str::to_string)
                .or_else(|| {
                    let option = line.strip_prefix("unknown clang option: ")?;
                    Some(option.trim_matches('"').to_string())
                })
        })
        .collect()
}

/// Writes `text` where the user asked; a failure to write an explanation never fails a build.
pub fn emit(to: &ExplainTo, text: &str) {
    let written = match to {
        ExplainTo::Stderr => std::io::stderr().write_all(text.as_bytes()),
        // One write per explanation keeps the lines of parallel links apart in an O_APPEND file.
        ExplainTo::File(path) => replace::append_private(path, text.as_bytes()),
    };
    if let Err(error) = written {
        eprintln!("ziglink: warning: cannot write the explanation: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn renders_each_change_with_its_rule_and_reason() {
        let target = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let lead = crate::call::lead_args::target_lead(&target);
        let args: Vec<OsString> = ["-fuse-ld=lld", "-lgcc_s", "a.o", "-Wl,--icf=all"]
            .iter()
            .map(OsString::from)
            .collect();
        let translation = crate::call::rules::translate(&args, &target, &|_| false).unwrap();
        let text = render(&Explanation {
            what: "link",
            target: Some(&target),
            lead: &lead,
            changes: &translation.changes,
            unknown: &["--icf=all".to_string()],
            kept: 2,
            command: "zig cc -target x86_64-linux-gnu.2.17 -lunwind a.o -Wl,--icf=all",
        });
        let expected = [
            "ziglink explain: link for x86_64-unknown-linux-gnu (glibc floor 2.17)",
            "  added     -target x86_64-linux-gnu.2.17",
            "            [target] zig's name for the Rust target",
            "  dropped   -fuse-ld=lld",
            "            [fuse-ld] selects rustc's self-contained lld",
            "  replaced  -lgcc_s -> -lunwind",
            "            [gcc-s] zig ships no libgcc_s",
            "  unknown   linker option --icf=all",
            "add a row for it to the RULES table in src/call/rules/mod.rs",
            "  2 other arguments passed through unchanged",
            "  command: zig cc -target",
        ];
        let mut rest = text.as_str();
        for piece in expected {
            let at = rest
                .find(piece)
                .unwrap_or_else(|| panic!("{piece:?} in\n{text}"));
            rest = &rest[at + piece.len()..];
        }
    }

    #[test]
    fn reads_what_zig_rejected() {
        let stderr = "error: unsupported linker arg: --icf\n\
                      error: unsupported linker extension flag: -z separate-code\n\
                      error: unknown clang option: \"-fbogus\"\n\
                      warning: something else\n\
                      ld.lld: error: undefined symbol: foo\n";
        assert_eq!(
            rejected_by_zig(stderr),
            ["--icf", "-z separate-code", "-fbogus"]
        );
        assert!(rejected_by_zig("").is_empty());
    }

    #[test]
    fn appends_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("explain.log");
        emit(&ExplainTo::File(path.clone()), "one\n");
        emit(&ExplainTo::File(path.clone()), "two\n");
        assert_eq!(std::fs::read_to_string(path).unwrap(), "one\ntwo\n");
    }
}
