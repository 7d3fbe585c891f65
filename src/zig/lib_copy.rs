//! A copy of the `ziglang` package's lib folder at a path that is the same in every build
//! environment, given to every zig ziglink runs (`ZIG_LIB_DIR`).
//!
//! zig keys some of the runtimes it builds from its lib folder (MinGW's CRT, musl) on that
//! folder's path. Each PEP 517 build environment
//! installs its own `ziglang`, so without the copy every new environment rebuilds them (measured
//! with zig 0.17.1: 71-82 s and 26 MB of zig cache per windows-gnu wheel; 1,056 entries, 23 MB,
//! for a musl hello), and the cache grows without bound. With the copy, the second environment
//! finds them all.
//!
//! The copy lives in ziglink's private folder of zig's cache, one per zig version:
//! `<zig cache>/ziglink/lib/<version>`. It is made in a staging folder beside that place and
//! renamed into it, so a build sees all of it or none; it is never changed afterwards, and its
//! files are read-only. One process copies while the others wait on a lock, so a burst of
//! parallel compiles at the start of a build copies once. A staging folder left by a killed
//! copy is removed by the next copy. Where the copy cannot be made, zig's own folder is used,
//! as it would be without ziglink.
//!
//! Only a `ziglang` package's zig is given a copy: a zig installed by other means stays where it
//! was installed, so its path, and zig's keys, do not change between builds.

use std::io;
use std::path::{Path, PathBuf};

use crate::zig::cache::lock;
use crate::zig::version;

pub use crate::zig::find::LIB_DIR_VAR;

/// `0` leaves zig its own lib folder: for a disk too small for a copy, and to measure the copy.
pub const SWITCH_VAR: &str = "ZIGLINK_LIB_COPY";
const LIB_DIR: &str = "lib";
const STAGING_PREFIX: &str = ".copying-";
/// pip compiles the Python file ziglang ships for lldb at install time, and uv does not: these
/// folders are the installer's, not zig's, so the copy and its check leave them out.
const PYTHON_CACHE: &str = "__pycache__";

/// Where the copy of `zig`'s lib folder goes in ziglink's folder `own`, and the folder it is
/// copied from; `None` for a zig that is not a `ziglang` package's.
pub fn place(zig: &Path, own: &Path) -> Option<(PathBuf, PathBuf)> {
    let version = version::package_version(zig)?;
    Some((own.join(LIB_DIR).join(version), own_lib(zig)?))
}

/// The lib folder a `ziglang` package ships beside its zig.
fn own_lib(zig: &Path) -> Option<PathBuf> {
    Some(zig.parent()?.join(LIB_DIR))
}

/// Folders an installer adds to the package, not zig's own, which the copy leaves out.
fn installers(entry: &std::fs::DirEntry, kind: std::fs::FileType) -> bool {
    kind.is_dir() && entry.file_name() == PYTHON_CACHE
}

/// The copy for `zig` in the zig cache at `root`, in ziglink's private folder there (made if
/// missing); `Err` says why there is none, for the log.
pub fn in_cache(zig: &Path, root: &Path) -> Result<Option<PathBuf>, String> {
    let own = crate::zig::cache::own_dir(root).map_err(|e| e.to_string())?;
    for_this_process(zig, &own).map_err(|e| e.to_string())
}

/// The copy for `zig` under this process's environment: none when the user names zig's lib
/// folder (`ZIG_LIB_DIR`) or turns the copy off (`ZIGLINK_LIB_COPY=0`), else [`ensure`]'s.
pub fn for_this_process(zig: &Path, own: &Path) -> io::Result<Option<PathBuf>> {
    if turned_off().is_some() {
        return Ok(None);
    }
    ensure(zig, own)
}

/// Why this process's environment leaves zig its own lib folder, if it does.
pub fn turned_off() -> Option<&'static str> {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if set(LIB_DIR_VAR).is_some() {
        Some("ZIG_LIB_DIR is set")
    } else if set(SWITCH_VAR).is_some_and(|v| v == "0") {
        Some("ZIGLINK_LIB_COPY=0")
    } else {
        None
    }
}

/// The copy for `zig`, made now if it is missing; `Ok(None)` when zig gets no copy (not a
/// `ziglang` package's, or its lib folder is not beside it).
pub fn ensure(zig: &Path, own: &Path) -> io::Result<Option<PathBuf>> {
    let Some((copy, source)) = place(zig, own) else {
        return Ok(None);
    };
    if copy.is_dir() {
        return Ok(Some(copy));
    }
    if !source.is_dir() {
        return Ok(None);
    }
    install(&source, &copy)?;
    Ok(Some(copy))
}

/// The files of `zig`'s own lib folder that its `copy` lacks or holds at another size, relative
/// to the folder, for `ziglink doctor`: a copy is never repaired in place, so one damaged by
/// hand makes links fail until it is removed.
pub fn damage(zig: &Path, copy: &Path) -> io::Result<Vec<PathBuf>> {
    let source = own_lib(zig).ok_or_else(|| io::Error::other("zig has no folder"))?;
    let mut damaged = Vec::new();
    compare(&source, copy, Path::new(""), &mut damaged)?;
    Ok(damaged)
}

fn compare(source: &Path, copy: &Path, below: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(source.join(below))? {
        let entry = entry?;
        let name = below.join(entry.file_name());
        let kind = entry.file_type()?;
        if installers(&entry, kind) {
            continue;
        } else if kind.is_dir() {
            compare(source, copy, &name, out)?;
        } else if kind.is_file() {
            let len = entry.metadata()?.len();
            let copied = std::fs::symlink_metadata(copy.join(&name));
            if !copied.is_ok_and(|c| c.is_file() && c.len() == len) {
                out.push(name);
            }
        }
    }
    Ok(())
}

/// Copies `from` to `to` under a lock beside it, through a staging folder renamed into place.
fn install(from: &Path, to: &Path) -> io::Result<()> {
    let parent = to
        .parent()
        .ok_or_else(|| io::Error::other("the lib folder copy needs a parent folder"))?;
    std::fs::create_dir_all(parent)?;
    let mut lock_name = to.file_name().unwrap_or_default().to_os_string();
    lock_name.push(".lock");
    let lock_file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(parent.join(lock_name))?;
    lock::exclusive(&lock_file)?;
    if to.is_dir() {
        return Ok(()); // made while this process waited
    }
    // Every copier holds the lock, so a staging folder seen now is a dead one's.
    remove_staging_leftovers(parent);
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(parent)?;
    copy_tree(from, staging.path())?;
    std::fs::rename(staging.path(), to)
}

fn remove_staging_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(STAGING_PREFIX)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Files and folders only, files made read-only: zig's lib folder holds nothing else, and
/// nothing, zig included, writes into it. Folders stay writable by their owner (the folder
/// above is private), so that `rm -r` of the cache works.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if installers(&entry, kind) {
            continue;
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
            read_only(&target)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn read_only(file: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o444))
}

/// Windows' read-only attribute makes a file one that `rmdir /s` cannot remove.
#[cfg(not(unix))]
fn read_only(_file: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `<root>/<env>/site-packages/ziglang/{zig,lib/...}` with its dist-info, as pip lays it out.
    fn ziglang(root: &Path, env: &str, version: &str, header: &str) -> PathBuf {
        let site = root.join(env).join("site-packages");
        let lib = site
            .join("ziglang")
            .join("lib")
            .join("libc")
            .join("include");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(lib.join("stdio.h"), header).unwrap();
        std::fs::create_dir_all(site.join(format!("ziglang-{version}.dist-info"))).unwrap();
        let zig = site.join("ziglang").join("zig");
        std::fs::write(&zig, b"").unwrap();
        zig
    }

    #[test]
    fn two_environments_share_one_copy_per_zig_version() {
        let tmp = tempfile::tempdir().unwrap();
        let own = tmp.path().join("cache").join("ziglink");
        let a = ensure(&ziglang(tmp.path(), "a", "0.17.1", "a"), &own).unwrap();
        let b = ensure(&ziglang(tmp.path(), "b", "0.17.1", "b"), &own).unwrap();
        let c = ensure(&ziglang(tmp.path(), "c", "0.18.0", "c"), &own).unwrap();
        assert_eq!(a, Some(own.join("lib/0.17.1")));
        assert_eq!(a, b);
        assert_eq!(c, Some(own.join("lib/0.18.0")));
        // The first copy stays: a copy is never rewritten.
        let header = own.join("lib/0.17.1/libc/include/stdio.h");
        assert_eq!(std::fs::read_to_string(&header).unwrap(), "a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&header).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o444);
        }
    }

    #[test]
    fn damage_names_the_files_a_copy_lacks_or_holds_at_another_size() {
        let tmp = tempfile::tempdir().unwrap();
        let own = tmp.path().join("ziglink");
        let zig = ziglang(tmp.path(), "env", "0.17.1", "header");
        let lib = zig.parent().unwrap().join("lib");
        std::fs::write(lib.join("libc/include/math.h"), "m").unwrap();
        let pyc = lib.join("lldb").join(PYTHON_CACHE);
        std::fs::create_dir_all(&pyc).unwrap();
        std::fs::write(pyc.join("pretty_printers.cpython-311.pyc"), "pip").unwrap();
        let copy = ensure(&zig, &own).unwrap().unwrap();
        assert!(
            !copy.join("lldb").join(PYTHON_CACHE).exists(),
            "pip's, not zig's"
        );
        assert_eq!(damage(&zig, &copy).unwrap(), Vec::<PathBuf>::new());
        let stdio = copy.join("libc/include/stdio.h");
        std::fs::remove_file(copy.join("libc/include/math.h")).unwrap();
        std::fs::remove_file(&stdio).unwrap();
        std::fs::write(&stdio, "short").unwrap();
        let mut found = damage(&zig, &copy).unwrap();
        found.sort();
        let expected: Vec<PathBuf> = ["libc/include/math.h", "libc/include/stdio.h"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_dead_copiers_staging_folder_goes_with_the_next_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let own = tmp.path().join("ziglink");
        let dead = own.join("lib").join(".copying-x1y2z3");
        std::fs::create_dir_all(dead.join("libc")).unwrap();
        let zig = ziglang(tmp.path(), "env", "0.17.1", "h");
        assert!(ensure(&zig, &own).unwrap().is_some());
        assert!(!dead.exists());
        let names: Vec<_> = std::fs::read_dir(own.join("lib"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, ["0.17.1", "0.17.1.lock"]);
    }

    #[test]
    fn a_zig_that_is_not_a_packages_gets_no_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let own = tmp.path().join("ziglink");
        let bin = tmp.path().join("opt").join("zig");
        std::fs::create_dir_all(bin.join("lib")).unwrap();
        std::fs::write(bin.join("zig"), b"").unwrap();
        assert_eq!(ensure(&bin.join("zig"), &own).unwrap(), None);
        assert!(!own.exists());
    }

    #[test]
    fn many_processes_at_once_copy_once() {
        let tmp = tempfile::tempdir().unwrap();
        let own = tmp.path().join("ziglink");
        let zig = ziglang(tmp.path(), "env", "0.17.1", "h");
        let copies: Vec<_> = std::thread::scope(|scope| {
            let runs: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| ensure(&zig, &own).unwrap()))
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert!(copies.iter().all(|c| c == &Some(own.join("lib/0.17.1"))));
        let staging = std::fs::read_dir(own.join("lib"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with('.')
            })
            .count();
        assert_eq!(staging, 0);
    }
}
