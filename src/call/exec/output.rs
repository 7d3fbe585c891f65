//! The file a call writes, when zig is ended by a signal before it finishes: what it had begun
//! writing is removed, so no file that looks complete (and skipped the post-link check) is left
//! for the next step to pick up. ld.lld and clang write into a temporary file beside the output
//! and rename it into place; a killed one leaves that temporary file, which goes too.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::platform;
use crate::platform::replace;

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
/// files ld.lld and clang leave beside it (and ziglink's own, from a strip that was stopped). Returns whether `output` was removed.
pub fn remove_if_written(output: &Path, stamp: &Stamp) -> bool {
    let dir = replace::folder_of(output);
    // Such a file is never taken up again by anyone, whenever it was left.
    if let (Some(name), Ok(entries)) = (output.file_name(), std::fs::read_dir(dir)) {
        let name = name.to_string_lossy();
        for entry in entries.flatten() {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            if is_temporary_of(&file, &name) || replace::is_staging_of(&file, &name) {
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

/// Below this much free space, a full disk is taken to be what ended zig, whatever the inputs.
const LOW: u64 = 64 << 20;

/// When the file system `output` is written to is (nearly) full: its folder and the bytes
/// free. zig's ld.lld writes its output through a memory map, so a full disk ends it by SIGBUS
/// and zig by SIGABRT, neither saying why, and ld.lld's own clean-up has often freed the space
/// again by the time zig has ended. So "nearly full" is less than 64 MiB free, or less than the
/// call's `inputs` take (an output that did not fit was about that large).
pub fn full_disk(output: &Path, inputs: &[std::ffi::OsString]) -> Option<(PathBuf, u64)> {
    let dir = replace::folder_of(output);
    let free = platform::fs::free_bytes(dir)?;
    let taken: u64 = inputs
        .iter()
        .filter(|arg| !platform::osbytes::as_bytes(arg).starts_with(b"-"))
        .filter_map(|arg| std::fs::metadata(arg).ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len())
        .sum();
    (free < LOW.max(taken)).then(|| (dir.to_path_buf(), free))
}

/// The line ziglink prints when zig was ended by `signal` without ziglink being asked.
pub fn killed_message(
    signal: i32,
    full: Option<&(PathBuf, u64)>,
    removed: Option<&Path>,
) -> String {
    let what = platform::process::signal_name(signal);
    let mut line = format!("zig was ended by {what} (signal {signal}) before it finished");
    if let Some((dir, free)) = full {
        line += &format!(
            ": the disk holding `{}` is nearly full ({} KiB free), which ends zig's linker \
             without a message",
            dir.display(),
            free / 1024
        );
    }
    if let Some(path) = removed {
        line += &format!(
            "; `{}`, which it had begun to write, was removed",
            path.display()
        );
    }
    line += if full.is_some() {
        "; free some space and run the build again"
    } else {
        "; run the build again"
    };
    line
}

fn identity(path: &Path) -> Option<Identity> {
    let meta = path.symlink_metadata().ok()?;
    let (dev, ino) = platform::fs::device_and_inode(&meta);
    Some(Identity {
        dev,
        ino,
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
        std::fs::write(dir.path().join(".ziglink-app-Ab12Cd"), b"strip").unwrap();
        std::fs::write(dir.path().join("keep.tmpab1d43a"), b"other").unwrap();
        assert!(remove_if_written(&out, &stamp));
        assert!(!out.exists());
        assert!(!dir.path().join("app.tmpab1d43a").exists());
        assert!(!dir.path().join(".ziglink-app-Ab12Cd").exists());
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
    fn says_which_signal_why_and_what_was_removed() {
        type Case<'a> = (i32, Option<&'a (PathBuf, u64)>, Option<&'a str>, &'a str);
        let full = (PathBuf::from("target/debug/deps"), 12 * 1024);
        let cases: &[Case] = &[
            (
                9,
                None,
                Some("target/debug/app"),
                "zig was ended by SIGKILL (signal 9) before it finished; `target/debug/app`, \
                 which it had begun to write, was removed; run the build again",
            ),
            (
                11,
                None,
                None,
                "zig was ended by SIGSEGV (signal 11) before it finished; run the build again",
            ),
            (
                6,
                Some(&full),
                Some("target/debug/deps/app-1f2e"),
                "zig was ended by SIGABRT (signal 6) before it finished: the disk holding \
                 `target/debug/deps` is nearly full (12 KiB free), which ends zig's linker \
                 without a message; `target/debug/deps/app-1f2e`, which it had begun to write, \
                 was removed; free some space and run the build again",
            ),
        ];
        for (signal, full, removed, want) in cases {
            assert_eq!(
                killed_message(*signal, *full, removed.map(Path::new)),
                *want
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_disk_is_nearly_full_below_64_mib_or_what_the_inputs_take() {
        let dir = tempfile::tempdir().unwrap();
        let free = platform::fs::free_bytes(dir.path()).unwrap();
        // The test machine's temp folder has more than 64 MiB free.
        assert!(free > LOW, "{free}");
        assert_eq!(full_disk(&dir.path().join("app"), &[]), None);
        // An input larger than the free space: an output like it would not have fitted. Larger
        // by 64 MiB (a sparse file), so that space other tests free meanwhile cannot tip it.
        let big = dir.path().join("big.o");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(free + LOW)
            .unwrap();
        let inputs = [std::ffi::OsString::from("-o"), big.clone().into()];
        let (at, _) = full_disk(&dir.path().join("app"), &inputs).unwrap();
        assert_eq!(at, dir.path());
    }
}
