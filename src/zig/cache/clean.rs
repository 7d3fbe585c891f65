//! `ziglink cache clean`: removes zig cache entries without pulling any out from under a
//! running build. `docs/zig-cache.md` states what is guaranteed; in short:
//!
//! - An `o/` folder a manifest names goes only while ziglink holds the exclusive flock(2) on
//!   that manifest, which no build can hold a lock beside. The manifest is emptied first and
//!   kept: a zig that opened it meanwhile then reads an empty manifest, which it treats as a
//!   miss, and rebuilds under the same lock instead of trusting a removed folder. Deleting the
//!   file would let two zigs lock two different files of one name and build the same folder at
//!   once, and zig replaces an existing folder when it renames its result into place.
//! - ZIR files in `z/` are removed under their own exclusive lock; an open copy stays readable.
//! - What zig keeps no lock for (`tmp/`, `o/` folders no manifest names) goes only once nothing
//!   in it has been written or read for a day, since a build holds no lock to show.
//! - `b/` (a few KiB of generated `builtin.zig` copies zig may rewrite at any time, without a
//!   lock), `p/` (fetched packages) and `h/timestamp` are never removed.
//! - When `o/` folders cannot be tied to manifests (manifests of another zig version are
//!   present), the folders no manifest names are kept; when zig's naming of `o/` folders is not
//!   the one ziglink knows, it refuses to clean at all.

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::digest::{self, Manifest};
use super::kinds::{Area, Kind};
use super::scan::{self, Scan, Usage};
use super::{human_bytes, lock};
use crate::error::{Error, Result};

/// How long what zig keeps no lock for must have been left alone before it may go.
pub const UNLOCKED_MIN_AGE: Duration = Duration::from_secs(24 * 3600);

pub struct Policy {
    /// `None`: any age.
    pub older_than: Option<Duration>,
    pub now: SystemTime,
}

/// What tells whether a build uses an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// ziglink holds the exclusive lock zig takes on the entry: no build uses it.
    Locked,
    /// Someone holds a lock on it: a running build uses it.
    Busy,
    /// zig keeps no lock for it; only its age tells.
    Unlocked,
    /// An `o/` folder whose manifest may be another zig version's: whether a build holds it
    /// cannot be known.
    Unknowable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Remove,
    InUse,
    Young,
    Unattributable,
}

/// Whether an entry may go: its guard and the newest time anything under it was written or read.
pub fn decide(guard: Guard, newest: Option<SystemTime>, policy: &Policy) -> Verdict {
    let wanted = policy.older_than.unwrap_or(Duration::ZERO);
    let needed = match guard {
        Guard::Busy => return Verdict::InUse,
        Guard::Unknowable => return Verdict::Unattributable,
        Guard::Locked => wanted,
        Guard::Unlocked => wanted.max(UNLOCKED_MIN_AGE),
    };
    // No time (it vanished while read) or one in the future: treat it as just used.
    let age = newest
        .and_then(|t| policy.now.duration_since(t).ok())
        .unwrap_or(Duration::ZERO);
    if age >= needed {
        Verdict::Remove
    } else {
        Verdict::Young
    }
}

/// What a clean did (or, with `dry_run`, would do).
#[derive(Debug, Default)]
pub struct Report {
    /// Entries and bytes per verdict and kind.
    pub tally: HashMap<(Verdict, Kind), (u64, u64)>,
    pub failed: Vec<(PathBuf, std::io::Error)>,
    /// Manifests in another format, when there were any.
    pub foreign: Vec<String>,
}

impl Report {
    fn count(&mut self, verdict: Verdict, kind: Kind, bytes: u64) {
        let slot = self.tally.entry((verdict, kind)).or_default();
        slot.0 += 1;
        slot.1 += bytes;
    }

    pub fn total(&self, verdict: Verdict) -> (u64, u64) {
        self.tally
            .iter()
            .filter(|((v, _), _)| *v == verdict)
            .fold((0, 0), |(n, b), (_, (n2, b2))| (n + n2, b + b2))
    }
}

pub fn clean(root: &Path, policy: &Policy, dry_run: bool) -> Result<Report> {
    let scan = Scan::read(root).map_err(|source| Error::CacheRead {
        path: root.to_path_buf(),
        source,
    })?;
    let check = scan.format_check();
    if !check.digest_understood() {
        return Err(Error::CacheFormatUnknown {
            finished: check.finished,
            mapped: check.mapped,
        });
    }
    let mut report = Report {
        foreign: check.foreign.clone(),
        ..Report::default()
    };
    let kinds: HashMap<&str, Kind> = scan
        .outputs
        .iter()
        .map(|o| (o.name.as_str(), o.kind))
        .collect();
    let out_dir = root.join("o");
    for entry in &scan.manifests {
        if entry.manifest == Manifest::Foreign {
            continue;
        }
        clean_manifest(&entry.path, &out_dir, &kinds, policy, dry_run, &mut report)?;
    }
    let unnamed_guard = if check.foreign.is_empty() {
        Guard::Unlocked
    } else {
        Guard::Unknowable
    };
    for output in scan.outputs.iter().filter(|o| !o.named) {
        let verdict = decide(unnamed_guard, output.usage.newest, policy);
        act(
            &output.path,
            verdict,
            output.kind,
            output.usage,
            dry_run,
            &mut report,
        );
    }
    for other in &scan.others {
        match other.area {
            Area::Zir => clean_zir(&other.path, policy, dry_run, &mut report)?,
            Area::Tmp => {
                let verdict = decide(Guard::Unlocked, other.usage.newest, policy);
                let usage = other.usage;
                act(
                    &other.path,
                    verdict,
                    Kind::Temporary,
                    usage,
                    dry_run,
                    &mut report,
                );
            }
            // builtin.zig copies (zig rewrites them without a lock), zig's clock probe, fetched
            // packages, ziglink's own files, anything unknown.
            _ => {}
        }
    }
    Ok(report)
}

/// One manifest and the `o/` folder it names, decided and removed under zig's own lock.
fn clean_manifest(
    path: &Path,
    out_dir: &Path,
    kinds: &HashMap<&str, Kind>,
    policy: &Policy,
    dry_run: bool,
    report: &mut Report,
) -> Result<()> {
    let Some((mut file, guard)) = open_and_try_lock(path, report)? else {
        return Ok(());
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // Read again: zig may have rewritten it since the scan, and now it cannot.
    let mut bytes = Vec::new();
    let read = file.read_to_end(&mut bytes);
    let output = match (read, Manifest::parse(&bytes)) {
        (Ok(_), Manifest::Inputs(inputs)) => digest::output_name(&name, &inputs),
        _ => None,
    };
    let Some(output) = output else {
        // Empty or unreadable: nothing it names to free. Locked by someone, it is a build
        // writing its entry right now.
        if guard == Guard::Busy {
            report.count(Verdict::InUse, Kind::BeingBuilt, scan::usage(path).bytes);
        }
        return Ok(());
    };
    let folder = out_dir.join(&output);
    let mut usage = scan::usage(path);
    usage.add(scan::usage(&folder));
    let kind = kinds.get(output.as_str()).copied().unwrap_or(Kind::Other);
    let verdict = decide(guard, usage.newest, policy);
    report.count(verdict, kind, usage.bytes);
    if verdict != Verdict::Remove || dry_run {
        return Ok(());
    }
    if let Err((which, e)) = empty_and_remove(&mut file, path, &folder) {
        report.failed.push((which, e));
    }
    drop(file); // releases the lock
    Ok(())
}

/// Removes the entry whose manifest `file` (at `path`, locked exclusively by the caller) names
/// `folder`. The manifest is emptied first, while locked: a zig that opened it meanwhile sees a
/// miss and rebuilds, rather than use a folder about to vanish. The error names the file or
/// folder that could not be changed.
pub fn empty_and_remove(
    file: &mut std::fs::File,
    path: &Path,
    folder: &Path,
) -> std::result::Result<(), (PathBuf, std::io::Error)> {
    file.set_len(0)
        .and_then(|()| file.rewind())
        .map_err(|e| (path.to_path_buf(), e))?;
    match std::fs::remove_dir_all(folder) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err((folder.to_path_buf(), e)),
        _ => Ok(()),
    }
}

fn clean_zir(path: &Path, policy: &Policy, dry_run: bool, report: &mut Report) -> Result<()> {
    let Some((file, guard)) = open_and_try_lock(path, report)? else {
        return Ok(());
    };
    let usage = scan::usage(path);
    let verdict = decide(guard, usage.newest, policy);
    // Removed while still locked; a zig holding it open keeps reading the complete file.
    act(path, verdict, Kind::ZigCompiler, usage, dry_run, report);
    drop(file);
    Ok(())
}

/// A file that vanished since the scan is no one's concern; one that cannot be opened for writing
/// (another user's, a read-only cache) can be neither locked nor removed, and is reported.
/// Opens a cache file and tries zig's exclusive lock on it without waiting. `None` when the file
/// cannot be opened (gone since the scan, or reported as failed).
fn open_and_try_lock(path: &Path, report: &mut Report) -> Result<Option<(std::fs::File, Guard)>> {
    let file = match lock::open_quietly(path, true) {
        Ok(file) => file,
        Err(e) => {
            unopenable(path, e, report);
            return Ok(None);
        }
    };
    let guard = match lock::try_exclusive(&file) {
        Ok(true) => Guard::Locked,
        Ok(false) => Guard::Busy,
        Err(source) => {
            return Err(Error::CacheLock {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    Ok(Some((file, guard)))
}

fn unopenable(path: &Path, error: std::io::Error, report: &mut Report) {
    if error.kind() != std::io::ErrorKind::NotFound {
        report.failed.push((path.to_path_buf(), error));
    }
}

fn act(path: &Path, verdict: Verdict, kind: Kind, usage: Usage, dry_run: bool, r: &mut Report) {
    r.count(verdict, kind, usage.bytes);
    if verdict != Verdict::Remove || dry_run {
        return;
    }
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => r.failed.push((path.into(), e)),
        _ => {}
    }
}

/// The report in words: one line per outcome, with the kinds behind it.
pub fn render(report: &Report, policy: &Policy, dry_run: bool) -> String {
    let young = match policy.older_than {
        Some(age) => format!(
            "used within {}, or within a day where zig keeps no lock",
            super::age::render(age)
        ),
        None => "used within a day where zig keeps no lock".to_string(),
    };
    let outcomes = [
        (
            Verdict::Remove,
            if dry_run { "would remove" } else { "removed" },
            "",
        ),
        (Verdict::InUse, "kept", "in use by running builds"),
        (Verdict::Young, "kept", young.as_str()),
        (
            Verdict::Unattributable,
            "kept",
            "that no zig 0.17 manifest names",
        ),
    ];
    let mut out = String::new();
    for (verdict, verb, why) in outcomes {
        let (n, bytes) = report.total(verdict);
        if n == 0 {
            continue;
        }
        let mut kinds: Vec<(Kind, u64)> = report
            .tally
            .iter()
            .filter(|((v, _), _)| *v == verdict)
            .map(|((_, k), (count, _))| (*k, *count))
            .collect();
        kinds.sort();
        let kinds: Vec<String> = kinds
            .iter()
            .map(|(k, c)| format!("{} {c}", k.id()))
            .collect();
        let entries = if n == 1 { "entry" } else { "entries" };
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(" {why}")
        };
        out.push_str(&format!(
            "{verb} {n} {entries}{why} ({}): {}\n",
            human_bytes(bytes),
            kinds.join(", ")
        ));
    }
    if out.is_empty() {
        out.push_str("nothing to remove\n");
    }
    if report.total(Verdict::Unattributable).0 > 0 {
        out.push_str(&format!(
            "(h/ holds {} manifests of another zig version, such as h/{}: which o/ folders its \
             builds hold cannot be told, so o/ folders no zig 0.17 manifest names are kept)\n",
            report.foreign.len(),
            report.foreign.first().map_or("", String::as_str)
        ));
    }
    for (path, error) in &report.failed {
        out.push_str(&format!("could not remove {}: {error}\n", path.display()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);
    const HOUR: Duration = Duration::from_secs(3_600);

    #[test]
    fn decides_what_may_go() {
        let now = SystemTime::UNIX_EPOCH + 1000 * DAY;
        let ago = |d: Duration| Some(now - d);
        let everything = Policy {
            older_than: None,
            now,
        };
        let month = Policy {
            older_than: Some(30 * DAY),
            now,
        };
        let minutes = Policy {
            older_than: Some(Duration::from_secs(90 * 60)),
            now,
        };
        use Guard::*;
        use Verdict::*;
        let cases: &[(Guard, Option<SystemTime>, &Policy, Verdict)] = &[
            // A lock held elsewhere wins over any age.
            (Busy, ago(400 * DAY), &everything, InUse),
            (Busy, ago(400 * DAY), &month, InUse),
            // Locked by ziglink: the age asked for is all that counts.
            (Locked, ago(Duration::ZERO), &everything, Remove),
            (Locked, ago(31 * DAY), &month, Remove),
            (Locked, ago(29 * DAY), &month, Young),
            (Locked, ago(2 * HOUR), &minutes, Remove),
            (Locked, ago(HOUR), &minutes, Young),
            // Nothing locks it: a day at least, whatever was asked.
            (Unlocked, ago(HOUR), &everything, Young),
            (Unlocked, ago(2 * HOUR), &minutes, Young),
            (Unlocked, ago(DAY), &everything, Remove),
            (Unlocked, ago(2 * DAY), &minutes, Remove),
            (Unlocked, ago(2 * DAY), &month, Young),
            (Unlocked, ago(40 * DAY), &month, Remove),
            // Unknown owner: never.
            (Unknowable, ago(400 * DAY), &everything, Unattributable),
            // No time, or a time in the future: as if just used.
            (Locked, None, &month, Young),
            (Locked, Some(now + HOUR), &month, Young),
            (Unlocked, None, &everything, Young),
        ];
        for (guard, newest, policy, expected) in cases {
            assert_eq!(
                decide(*guard, *newest, policy),
                *expected,
                "{guard:?} {newest:?} {:?}",
                policy.older_than
            );
        }
    }

    #[test]
    fn renders_each_outcome() {
        let mut report = Report::default();
        report.count(Verdict::Remove, Kind::Musl, 2048);
        report.count(Verdict::Remove, Kind::Musl, 2048);
        report.count(Verdict::Remove, Kind::CompilerRt, 1024);
        report.count(Verdict::InUse, Kind::Libunwind, 4096);
        let policy = Policy {
            older_than: Some(Duration::from_secs(30 * 86_400)),
            now: SystemTime::now(),
        };
        assert_eq!(
            render(&report, &policy, false),
            "removed 3 entries (5.0 KiB): musl 2, compiler-rt 1\n\
             kept 1 entry in use by running builds (4.0 KiB): libunwind 1\n"
        );
        assert!(render(&report, &policy, true).starts_with("would remove 3 entries"));
        assert_eq!(
            render(&Report::default(), &policy, false),
            "nothing to remove\n"
        );
    }
}
