//! zig's global cache: where it is for this process (`location`, asked on every call), what
//! is in it, and removing entries no running build holds. `scan` reads the cache, `digest`
//! ties manifests to their output folders, `kinds` names what each entry is, `clean` decides
//! and removes, `lock` is zig's flock(2) protocol. See docs/zig-cache.md for what `clean`
//! guarantees.

pub mod age;
pub mod clean;
pub mod digest;
pub mod heal;
pub mod info;
pub mod key;
pub mod kinds;
pub mod location;
pub mod lock;
pub mod scan;

use std::fs::File;
use std::path::{Path, PathBuf};

use self::location::Location;
use crate::error::{Error, Result};
use crate::zig::private_dir;

/// ziglink's own folder inside zig's cache: the lock `warm` and `clean` take, the source `warm`
/// compiles (kept at a fixed path so that zig finds its object cached next time), and the copy
/// of zig's lib folder every zig call is given (`lib_copy`). `clean` leaves it alone.
pub const ZIGLINK_DIR: &str = "ziglink";
const LOCK_FILE: &str = "lock";

/// The cache zig uses under this environment, and why there; ziglink's fallback only once it
/// is private.
pub fn in_use() -> Result<(PathBuf, Location)> {
    let location = self::location::for_this_process();
    if let Some(checked) = location.for_zig()? {
        return Ok((checked, location));
    }
    match location.path() {
        Some(path) => Ok((path.to_path_buf(), location.clone())),
        None => Err(Error::CacheUnknown),
    }
}

/// Serialises ziglink's own work on one cache: `warm` runs, and `clean` against `warm`. zig
/// needs no help against itself (its manifest locks already make two builds of one entry
/// wait for each other); this lock keeps two warm-ups from building different parts at once,
/// and a clean from removing what a warm-up has just built. Held until the file is dropped.
pub fn maintenance_lock(root: &Path) -> Result<File> {
    let path = own_dir(root)?.join(LOCK_FILE);
    let locked = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .and_then(|file| {
            if !lock::try_exclusive(&file)? {
                eprintln!(
                    "ziglink: waiting for another `ziglink warm` or `ziglink cache clean` on {}",
                    root.display()
                );
                lock::exclusive(&file)?;
            }
            Ok(file)
        });
    locked.map_err(|source| Error::CacheLock { path, source })
}

/// ziglink's folder in the cache at `root`: made private (mode 0700) when missing, and refused
/// when someone else could change what is in it (`private_dir`).
pub fn own_dir(root: &Path) -> Result<PathBuf> {
    let dir = root.join(ZIGLINK_DIR);
    // zig makes its cache folder with its parents; a missing one is not a problem of ours.
    let _ = std::fs::create_dir_all(root);
    private_dir::ensure(&dir)
        .map_err(|problem| private_dir::refused(private_dir::Place::Own, dir.clone(), problem))
}

/// `bytes` in binary units with one decimal: `5.0 KiB`, `179.3 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    for unit in ["KiB", "MiB"] {
        if value < 1024.0 {
            return format!("{value:.1} {unit}");
        }
        value /= 1024.0;
    }
    format!("{value:.1} GiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_du() {
        let cases = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (5 * 1024 + 512, "5.5 KiB"),
            (179 * 1024 * 1024, "179.0 MiB"),
            (3 * 1024 * 1024 * 1024, "3.0 GiB"),
            (5000 * 1024 * 1024 * 1024, "5000.0 GiB"),
        ];
        for (bytes, text) in cases {
            assert_eq!(human_bytes(bytes), text);
        }
    }

    #[test]
    fn warm_and_clean_wait_for_each_other() {
        let root = tempfile::tempdir().unwrap();
        let first = maintenance_lock(root.path()).unwrap();
        let again = File::options()
            .write(true)
            .open(root.path().join(ZIGLINK_DIR).join(LOCK_FILE))
            .unwrap();
        assert!(!lock::try_exclusive(&again).unwrap());
        drop(first);
        assert!(lock::try_exclusive(&again).unwrap());
    }
}
