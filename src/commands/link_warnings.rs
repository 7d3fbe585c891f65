//! What the links of a `ziglink cargo` build warned about, shown once the build is done. cargo
//! shows a linker's output only when the link fails, so the manylinux policy check's warnings
//! would never reach the user; instead the links append them to a file of this build's own
//! (`ZIGLINK_REPORT`), and ziglink waits for cargo rather than becoming it, then prints them.
//! Only builds that can warn do this; the others still exec cargo.

use std::path::PathBuf;
use std::process::Command;

use crate::call::settings::{self, Settings};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::platform::process;
use crate::target::triple::Target;

/// A folder of this build's own (0700, removed with it) holding the file the links write to.
pub struct Report {
    dir: tempfile::TempDir,
}

impl Report {
    /// A report for a build of `targets`, when one of them can warn (a glibc target, whose
    /// links the policy check judges, or whose links say that a check is off) and the user has
    /// not named a report file already.
    pub fn wanted(targets: &[Target], settings: &Settings) -> Result<Option<Report>> {
        let glibc = targets.iter().any(|t| t.glibc().is_some());
        if !glibc || settings.report.is_some() {
            return Ok(None);
        }
        let dir = tempfile::Builder::new()
            .prefix("ziglink-")
            .tempdir()
            .map_err(|source| Error::ReportFolder { source })?;
        Ok(Some(Report { dir }))
    }

    /// What the links get as `ZIGLINK_REPORT`.
    pub fn file(&self) -> PathBuf {
        self.dir.path().join("warnings")
    }

    /// Runs `cargo` as a child, which ends as it would had ziglink exec'd it (signals passed on,
    /// its code or signal taken), printing the warnings first.
    pub fn run_cargo(self, mut cargo: Command) -> Result<ExitCode> {
        cargo.env(settings::REPORT, self.file());
        let program = PathBuf::from(cargo.get_program());
        let start_error = |source| Error::CargoStart {
            path: program.clone(),
            source,
        };
        let mut child = process::spawn(&mut cargo).map_err(start_error)?;
        let status = child.wait().map_err(start_error)?;
        let waited = process::after(status);
        let text = std::fs::read_to_string(self.file()).unwrap_or_default();
        eprint!("{}", once_each(&text));
        // Before leaving: a process that ends by a signal runs no destructors.
        drop(self);
        Ok(process::leave_like(waited.ended))
    }
}

/// Each line of `text` once, in the order they first came: the same warning comes from every
/// link of a file (dev and release, a test harness) and from each target.
fn once_each(text: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for line in text.lines() {
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    seen.iter().map(|line| format!("{line}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_each_warning_once_in_order() {
        let cases = [
            ("", ""),
            ("a\n", "a\n"),
            ("a\nb\na\n", "a\nb\n"),
            ("b\na\nb\nb", "b\na\n"),
        ];
        for (text, expected) in cases {
            assert_eq!(once_each(text), expected, "{text:?}");
        }
    }

    #[test]
    fn only_builds_that_can_warn_wait_for_cargo() {
        use crate::call::settings::PolicyMode;
        let gnu = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let musl = Target::resolve("x86_64-unknown-linux-musl", None).unwrap();
        let plain = Settings::default();
        let off = Settings {
            policy: PolicyMode::Off,
            ..Settings::default()
        };
        let theirs = Settings {
            report: Some(PathBuf::from("/tmp/theirs")),
            ..Settings::default()
        };
        let wanted = |targets: &[Target], s: &Settings| Report::wanted(targets, s).unwrap();
        let report = wanted(&[musl, gnu], &plain).expect("a glibc target can warn");
        assert!(report.file().starts_with(std::env::temp_dir()));
        assert!(wanted(&[musl], &plain).is_none());
        // With the policy check off, links still say so.
        assert!(wanted(&[gnu], &off).is_some());
        assert!(wanted(&[gnu], &theirs).is_none());
        let folder = report.file().parent().unwrap().to_path_buf();
        drop(report);
        assert!(!folder.exists());
    }
}
