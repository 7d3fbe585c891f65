//! Writing a file whole or not at all: the new contents go into a staging file beside it, which
//! is renamed over it once complete, so a kill, a full disk or a failed write leaves the old
//! file (or none) and never half of the new one. Staging files are named after their file
//! (`.ziglink-<name>-XXXXXX`), so that what a SIGKILL leaves behind is found and removed by the
//! next run that writes the same file.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const STAGING_PREFIX: &str = ".ziglink-";
/// The random part tempfile gives each staging file.
const RANDOM_LEN: usize = 6;

/// Whether the file should reach the disk before it replaces the old one: a user's own file
/// (a config) should survive a power cut; a build output is rebuilt by cargo anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Synced,
    Renamed,
}

/// Replaces `path` with `contents`, keeping its permissions (a new file gets 0644 on Unix).
/// A symlink is followed: the file it points to is replaced, the link stays.
pub fn replace(path: &Path, contents: &[u8], durability: Durability) -> io::Result<()> {
    replace_with(path, durability, |file| file.write_all(contents))
}

/// [`replace`] with the contents written by `write` into the staging file: the seam the
/// fault-injection tests use.
pub fn replace_with(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        Err(e) if e.kind() == io::ErrorKind::NotFound => path.to_path_buf(),
        Err(e) => return Err(e),
    };
    let (dir, name) = dir_and_name(&target);
    let permissions = std::fs::metadata(&target).map(|m| m.permissions());
    remove_stale(&dir, &name);
    let mut staged = tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{name}-"))
        .rand_bytes(RANDOM_LEN)
        .tempfile_in(&dir)?;
    write(staged.as_file_mut())?;
    match permissions {
        Ok(permissions) => staged.as_file().set_permissions(permissions)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => new_file_mode(staged.as_file())?,
        Err(e) => return Err(e),
    }
    if durability == Durability::Synced {
        staged.as_file().sync_all()?;
    }
    staged.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn new_file_mode(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_mode(_file: &File) -> io::Result<()> {
    Ok(())
}

/// The folder `path` is in: its parent, or `.` for a bare file name.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn dir_and_name(path: &Path) -> (PathBuf, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (folder_of(path).to_path_buf(), name)
}

/// Whether `file` is a staging file of `name`'s (`.ziglink-<name>-` and six characters).
pub fn is_staging_of(file: &str, name: &str) -> bool {
    file.strip_prefix(STAGING_PREFIX)
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|random| {
            random.len() == RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes staging files of `name` in `dir`: left by a run that was killed while it wrote, as
/// only one run writes a given file at a time (cargo runs one link per output).
pub fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if is_staging_of(&entry.file_name().to_string_lossy(), name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Appends `bytes` to `path` in one write, creating it mode 0600, and refusing to follow a
/// symlink at `path` (on Unix): a report or explanation file named in the environment must not
/// become a way to append to another file of the user's.
pub fn append_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_belong_to_their_file() {
        let cases = [
            (".ziglink-app.exe-a1B2c3", "app.exe", true),
            (".ziglink-app.exe-a1B2c", "app.exe", false),
            (".ziglink-app.exe-a1B2c3.tmp", "app.exe", false),
            (".ziglink-app-a1B2c3", "app.exe", false),
            (".ziglink-strip-a1B2c3", "app", false),
            ("app.exe", "app.exe", false),
        ];
        for (file, name, expected) in cases {
            assert_eq!(is_staging_of(file, name), expected, "{file} of {name}");
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_staging_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "old = 1\n").unwrap();
        let failed = replace_with(&path, Durability::Renamed, |file| {
            file.write_all(b"new = ")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "injected"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "injected");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old = 1\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_its_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        std::fs::write(&real, "a").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
            let link = dir.path().join("link.toml");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            replace(&link, b"b", Durability::Synced).unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
            let mode = std::fs::metadata(&real).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        #[cfg(not(unix))]
        replace(&real, b"b", Durability::Synced).unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"b");
    }

    #[test]
    fn what_a_killed_run_left_goes_when_the_file_is_next_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app");
        std::fs::write(dir.path().join(".ziglink-app-Zz9Yy8"), "half").unwrap();
        std::fs::write(dir.path().join(".ziglink-other-Zz9Yy8"), "other's").unwrap();
        replace(&path, b"whole", Durability::Renamed).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".ziglink-other-Zz9Yy8", "app"]);
    }

    #[cfg(unix)]
    #[test]
    fn appends_refuse_a_symlink_and_make_private_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report");
        append_private(&report, b"one\n").unwrap();
        append_private(&report, b"two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "one\ntwo\n");
        let mode = std::fs::metadata(&report).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "mine\n").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(append_private(&link, b"theirs\n").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine\n");
    }
}
