//! The file a call writes, when zig is ended by a signal before it finishes: what it had begun
//! writing is removed, so no file that looks complete (and skipped the post-link check) is left
//! for the next step to pick up. ld.lld and clang write into a temporary file beside the output
//! and rename it into place; a killed one leaves that temporary file, which goes too.

use std::path::Path;
use std::time::SystemTime;

/// What the output was before zig ran, so that a file zig did not touch is left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    before: Option<Identity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
    modified: Option<SystemTime>,
    len: u64,
}

impl Stamp {
    pub fn of(output: Option<&Path>) -> Stamp {
        Stamp {
            before: output.and_then(identity),
        }
    }
}

/// Removes `output` when zig wrote or replaced it since `stamp` was taken, and the temporary
/// files ld.lld and clang leave beside it. Returns whether `output` was removed.
pub fn remove_if_written(output: &Path, stamp: &Stamp) -> bool {
    let dir = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Such a file is never taken up again by anyone, whenever it was left.
    if let (Some(name), Ok(entries)) = (output.file_name(), std::fs::read_dir(dir)) {
        let name = name.to_string_lossy();
        for entry in entries.flatten() {
            if is_temporary_of(&entry.file_name().to_string_lossy(), &name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    match identity(output) {
        Some(now) if Some(now) != stamp.before => std::fs::remove_file(output).is_ok(),
        _ => false,
    }
}

/// ld.lld's `<name>.tmp` followed by 7 hex digits, and clang's `<name>-` followed by 8
/// characters and `.tmp`.
pub fn is_temporary_of(file: &str, output: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(rest) = file.strip_prefix(output) {
        if let Some(lld) = rest.strip_prefix(".tmp") {
            return hex(lld, 7);
        }
        if let Some(clang) = rest.strip_prefix('-').and_then(|r| r.strip_suffix(".tmp")) {
            return clang.len() == 8 && clang.bytes().all(|b| b.is_ascii_alphanumeric());
        }
    }
    false
}

/// The line ziglink prints when zig was ended by `signal` without ziglink being asked.
pub fn killed_message(signal: i32, removed: Option<&Path>) -> String {
    let what = signal_name(signal);
    match removed {
        Some(path) => format!(
            "zig was ended by {what} (signal {signal}) before it finished; `{}`, which it had \
             begun to write, was removed; run the build again",
            path.display()
        ),
        None => format!(
            "zig was ended by {what} (signal {signal}) before it finished; run the build again"
        ),
    }
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    crate::run::signals::name(signal)
}

#[cfg(not(unix))]
fn signal_name(_signal: i32) -> &'static str {
    "a signal"
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = path.symlink_metadata().ok()?;
    Some(Identity {
        dev: meta.dev(),
        ino: meta.ino(),
        modified: meta.modified().ok(),
        len: meta.len(),
    })
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<Identity> {
    let meta = path.symlink_metadata().ok()?;
    Some(Identity {
        dev: 0,
        ino: 0,
        modified: meta.modified().ok(),
        len: meta.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_temporary_files_of_lld_and_clang() {
        let cases = [
            ("app.tmpab1d43a", true),
            ("app.tmp66b174d", true),
            ("app.tmpab1d43", false),
            ("app.tmpab1d43ag", false),
            ("app.tmpxyzxyzx", false),
            ("app-a1B2c3D4.tmp", true),
            ("app-a1B2c3D.tmp", false),
            ("app", false),
            ("other.tmpab1d43a", false),
            ("app.o", false),
        ];
        for (file, want) in cases {
            assert_eq!(is_temporary_of(file, "app"), want, "{file}");
        }
    }

    #[test]
    fn removes_only_what_zig_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("app");
        // Nothing there before, something after: zig wrote it.
        let stamp = Stamp::of(Some(&out));
        std::fs::write(&out, b"half").unwrap();
        std::fs::write(dir.path().join("app.tmpab1d43a"), b"lld").unwrap();
        std::fs::write(dir.path().join("keep.tmpab1d43a"), b"other").unwrap();
        assert!(remove_if_written(&out, &stamp));
        assert!(!out.exists());
        assert!(!dir.path().join("app.tmpab1d43a").exists());
        assert!(dir.path().join("keep.tmpab1d43a").exists());

        // An output from an earlier build that zig never touched stays.
        std::fs::write(&out, b"old build").unwrap();
        let stamp = Stamp::of(Some(&out));
        assert!(!remove_if_written(&out, &stamp));
        assert_eq!(std::fs::read(&out).unwrap(), b"old build");

        // Replaced by a rename (a new file in its place): removed.
        let stamp = Stamp::of(Some(&out));
        std::fs::write(dir.path().join("new"), b"new build").unwrap();
        std::fs::rename(dir.path().join("new"), &out).unwrap();
        assert!(remove_if_written(&out, &stamp));
        assert!(!out.exists());
    }

    #[test]
    fn says_which_signal_and_what_was_removed() {
        assert_eq!(
            killed_message(9, Some(Path::new("target/debug/app"))),
            "zig was ended by SIGKILL (signal 9) before it finished; `target/debug/app`, which \
             it had begun to write, was removed; run the build again"
        );
        assert_eq!(
            killed_message(11, None),
            "zig was ended by SIGSEGV (signal 11) before it finished; run the build again"
        );
    }
}
