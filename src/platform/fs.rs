//! File-system facts read differently per platform: owners and modes, which Windows does not
//! have (its folders are private to their user by their ACLs), device and inode numbers, the
//! space allocated and left, and opening without touching the access time.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// Creates the folder `path` readable and writable by its owner alone.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(path)
    }
    #[cfg(not(unix))]
    std::fs::create_dir(path)
}

/// A `tempfile` builder whose folders are their owner's alone (tempfile leaves the mode to the
/// umask on Unix).
pub fn private_temp_builder<'a, 'b>() -> tempfile::Builder<'a, 'b> {
    #[allow(unused_mut)] // only Unix sets the mode
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    builder
}

/// Owner uid, gid and mode; on Windows `(0, 0, 0o700)`, which [`effective_ids`] matches.
pub fn owner_and_mode(meta: &Metadata) -> (u32, u32, u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.uid(), meta.gid(), meta.mode())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0, 0o700)
    }
}

/// This process's effective uid and gid (`(0, 0)` on Windows).
pub fn effective_ids() -> (u32, u32) {
    // SAFETY: geteuid(2) and getegid(2) take no arguments and cannot fail.
    #[cfg(unix)]
    unsafe {
        (libc::geteuid(), libc::getegid())
    }
    #[cfg(not(unix))]
    (0, 0)
}

/// This process's real uid (0 on Windows), which names per-user fallback folders.
pub fn real_uid() -> u32 {
    // SAFETY: getuid(2) cannot fail and has no arguments.
    #[cfg(unix)]
    unsafe {
        libc::getuid()
    }
    #[cfg(not(unix))]
    0
}

/// The name of group `gid` and the users the group database lists as its members.
pub fn group(gid: u32) -> Option<(String, Vec<String>)> {
    #[cfg(unix)]
    {
        use std::ffi::CStr;
        // A group with many members needs more room: grow on ERANGE, up to a limit.
        let mut size = 16 * 1024;
        loop {
            let mut buf = vec![0u8; size];
            // SAFETY: an all-zero group is a valid value for getgrgid_r to fill in.
            let mut entry: libc::group = unsafe { std::mem::zeroed() };
            let mut found: *mut libc::group = std::ptr::null_mut();
            // SAFETY: getgrgid_r writes only into `entry` and `buf` (of the length given) and
            // sets `found` to `&entry` or null; the strings it points to live in `buf`.
            let rc = unsafe {
                libc::getgrgid_r(
                    gid,
                    &mut entry,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut found,
                )
            };
            if rc == libc::ERANGE && size < 1 << 20 {
                size *= 4;
                continue;
            }
            if rc != 0 || found.is_null() || entry.gr_name.is_null() {
                return None;
            }
            // SAFETY: gr_name and each gr_mem entry up to the null one point to NUL-terminated
            // strings inside `buf`, which is still alive.
            let text = |p: *const libc::c_char| {
                unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
            };
            let mut members = Vec::new();
            let mut at = entry.gr_mem;
            // SAFETY: gr_mem is a null-terminated array inside `buf`.
            while !at.is_null() && !unsafe { *at }.is_null() {
                members.push(text(unsafe { *at }));
                // SAFETY: not past the terminating null, checked above.
                at = unsafe { at.add(1) };
            }
            return Some((text(entry.gr_name), members));
        }
    }
    #[cfg(not(unix))]
    {
        let _ = gid;
        None
    }
}

/// The user name of `uid` in the user database.
pub fn user_name(uid: u32) -> Option<String> {
    #[cfg(unix)]
    {
        let mut buf = vec![0u8; 4096];
        // SAFETY: an all-zero passwd is a valid value for getpwuid_r to fill in.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: getpwuid_r writes only into `entry` and `buf` (of the length given) and sets
        // `found` to `&entry` or null; the name it points to lives in `buf`.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut entry,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        // SAFETY: pw_name points to a NUL-terminated string inside `buf`, which is still alive.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        Some(name.to_string_lossy().into_owned())
    }
    #[cfg(not(unix))]
    {
        let _ = uid;
        None
    }
}

/// Whether this process may write into `path`. On Unix access(2), which also reports read-only
/// mounts (EROFS) that the permission bits alone would not.
pub fn is_writable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: access(2) only reads the NUL-terminated path it is given.
        unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
}

/// Device and inode of a file (`(0, 0)` on Windows, where the rest of its identity is used).
pub fn device_and_inode(meta: &Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

/// The bytes a file takes on disk (its length on Windows).
pub fn allocated(meta: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.blocks() * 512
    }
    #[cfg(not(unix))]
    meta.len()
}

/// The bytes left for this user on the file system of `dir`, where the platform says.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c_path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: an all-zero statvfs is a valid value for statvfs(3) to fill in; it reads only
        // the NUL-terminated path.
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
        Some((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Opens with `options` without updating the access time where the platform can (Linux's
/// `O_NOATIME`); `None` where it cannot or refuses (a file of another user), for a plain open.
pub fn open_without_atime(options: &OpenOptions, path: &Path) -> Option<io::Result<File>> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut quiet = options.clone();
        match quiet.custom_flags(libc::O_NOATIME).open(path) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => None,
            other => Some(other),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (options, path);
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn private_folders_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let made = root.path().join("made");
        create_private_dir(&made).unwrap();
        let temp = private_temp_builder().tempdir_in(root.path()).unwrap();
        for dir in [made.as_path(), temp.path()] {
            let meta = std::fs::metadata(dir).unwrap();
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o700,
                "{}",
                dir.display()
            );
            let (uid, gid, _) = owner_and_mode(&meta);
            assert_eq!((uid, gid), effective_ids());
        }
    }

    #[test]
    fn writability_is_checked_for_real() {
        let dir = tempfile::tempdir().unwrap();
        assert!(is_writable(dir.path()));
        assert!(!is_writable(&dir.path().join("missing")));
    }
}
