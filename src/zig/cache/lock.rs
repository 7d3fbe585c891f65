//! The file locks zig's cache relies on. zig takes flock(2) locks (not fcntl ones) on each
//! manifest and ZIR file it uses: shared while it uses an entry, exclusive while it builds one,
//! and a compilation keeps the locks of the libc, CRT and runtime entries it links until it
//! exits. ziglink takes the same kind of lock, so the two see each other.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

use fs4::fs_std::FileExt;

/// Opens `path` for reading (and writing, with `write`) without touching its access time, which
/// is what the age of an entry is read from; falls back to a plain open where `O_NOATIME` is
/// refused (a file of another user).
pub fn open_quietly(path: &Path, write: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(write);
    crate::platform::fs::open_without_atime(&options, path).unwrap_or_else(|| options.open(path))
}

/// Takes an exclusive lock on `file` if no one holds any lock on it; `Ok(false)` when someone
/// does.
pub fn try_exclusive(file: &File) -> io::Result<bool> {
    FileExt::try_lock_exclusive(file)
}

/// Waits for an exclusive lock on `file`.
pub fn exclusive(file: &File) -> io::Result<()> {
    FileExt::lock_exclusive(file)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_lock_held_elsewhere_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest");
        std::fs::write(&path, b"x").unwrap();
        // flock locks belong to the open file, so two opens in one process contend like two
        // processes do.
        let first = open_quietly(&path, true).unwrap();
        let second = open_quietly(&path, true).unwrap();
        assert!(try_exclusive(&first).unwrap());
        assert!(!try_exclusive(&second).unwrap());
        drop(first);
        assert!(try_exclusive(&second).unwrap());
    }

    #[test]
    fn a_shared_lock_blocks_an_exclusive_one() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest");
        std::fs::write(&path, b"x").unwrap();
        let reader = File::open(&path).unwrap();
        // What zig holds while a compilation uses an entry.
        assert_eq!(unsafe { libc::flock(reader.as_raw_fd(), libc::LOCK_SH) }, 0);
        let cleaner = open_quietly(&path, true).unwrap();
        assert!(!try_exclusive(&cleaner).unwrap());
    }
}
