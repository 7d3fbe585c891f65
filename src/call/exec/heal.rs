//! Running a link so that a broken entry in zig's cache costs one retry instead of every build
//! until a person deletes the cache: zig prints the files it links (`ZIG_VERBOSE_LINK`); those
//! that are not whole (their headers, after every link; every byte, after a failed one) are
//! removed under zig's lock (`zig::cache::heal`) and the link runs once more, which rebuilds
//! them. A failure with every cached file whole is the user's (an undefined symbol of their
//! code), and is never retried; nor is a link a signal stopped.

use std::path::Path;
use std::process::Command;

use super::{Ended, Waited};
use crate::error::Result;
use crate::zig::cache::heal::well_formed::Depth;
use crate::zig::cache::heal::{self, mentions, Outcome, Repair};

/// The variable that makes zig print the commands it links with.
pub const VERBOSE_LINK_VAR: &str = "ZIG_VERBOSE_LINK";

/// What a link did, after at most one retry.
pub struct Linked {
    pub waited: Waited,
    /// What zig said on its last run, as it would have without `ZIG_VERBOSE_LINK` (unless the
    /// user set it too).
    pub stderr: Vec<u8>,
    /// The broken cache files the first run used; empty when every one was whole.
    pub repairs: Vec<Repair>,
}

/// One run of zig: what it printed, whole and as the user sees it.
struct Run {
    waited: Waited,
    full: Vec<u8>,
    shown: Vec<u8>,
}

/// Runs the command `make` builds, with zig's stderr collected; `cache` is zig's cache for this
/// process, when ziglink knows it.
pub fn link(make: &dyn Fn() -> Result<Command>, cache: Option<&Path>) -> Result<Linked> {
    let user_asked = std::env::var_os(VERBOSE_LINK_VAR).is_some();
    let run = || -> Result<Run> {
        let mut cmd = make()?;
        cmd.env(VERBOSE_LINK_VAR, "1");
        let (waited, full) = super::spawn_and_wait_capturing_stderr(cmd)?;
        let shown = if user_asked {
            full.clone()
        } else {
            mentions::without_verbose_lines(&full)
        };
        Ok(Run {
            waited,
            full,
            shown,
        })
    };
    let first = run()?;
    let repairs = match cache {
        Some(root) if first.waited.interrupted.is_none() => {
            let cwd = std::env::current_dir().ok();
            let spellings = mentions::spellings(root, cwd.as_deref());
            let text = String::from_utf8_lossy(&first.full);
            let named = mentions::cache_files(&text, &spellings);
            // ld.lld links an empty crt1.o with a warning, and the program crashes: every link
            // gets the headers checked. A failed one gets every byte read.
            let depth = match failed(&first.waited) {
                true => Depth::Contents,
                false => Depth::Headers,
            };
            heal::repair(root, heal::broken(root, &named, depth))
        }
        _ => Vec::new(),
    };
    let last = if repairs.iter().any(Repair::allows_retry) {
        run()?
    } else {
        first
    };
    Ok(Linked {
        waited: last.waited,
        stderr: last.shown,
        repairs,
    })
}

/// The line that says what became of a broken entry, once the link has run again (or not):
/// `zig's cache entry o/<hash> (libc.so.6) was truncated; removed and rebuilt`.
pub fn outcome_line(repair: &Repair, succeeded: bool) -> String {
    let what = repair.what();
    match (&repair.outcome, succeeded) {
        (Outcome::Removed, true) => format!("{what}; removed and rebuilt"),
        (Outcome::RepairedMeanwhile, true) => format!("{what}; another build rebuilt it"),
        (Outcome::Removed | Outcome::RepairedMeanwhile, false) => {
            format!("{what}; removed, but the link failed again")
        }
        (Outcome::Kept(why), _) => format!("{what}, and was kept: {why}"),
    }
}

/// Did not succeed: an error, or zig crashed (on a file it could not parse, say).
fn failed(waited: &Waited) -> bool {
    waited.ended != Ended::Code(0)
}
