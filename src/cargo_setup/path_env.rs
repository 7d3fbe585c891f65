//! Making the bare names ziglink hands to cargo (`ziglink`, `ziglink-cc`, ...) resolve to the
//! copies installed beside this program: PATH gets ziglink's own directory in front, unless
//! `ziglink` already resolves there (inside an activated venv or a PEP 517 build it does).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::platform::layout::Layout;

/// The directory ziglink's own executable is in.
pub fn own_dir() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.to_path_buf())
}

/// Where `ziglink` resolves on `path_var`, if anywhere.
pub fn resolve_ziglink(path_var: Option<&OsStr>) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    which::which_in("ziglink", path_var, cwd).ok()
}

/// `own_dir` when it has to go in front of PATH: `ziglink` resolves to another directory or
/// to none.
pub fn dir_to_prepend(own_dir: &Path, resolved: Option<&Path>) -> Option<PathBuf> {
    let here = resolved
        .and_then(Path::parent)
        .is_some_and(|dir| Layout::HERE.same_path(dir, own_dir));
    (!here).then(|| own_dir.to_path_buf())
}

/// ziglink's own directory when `path_var` needs it in front, or `None`.
pub fn own_dir_to_prepend(path_var: &OsStr) -> Option<PathBuf> {
    dir_to_prepend(&own_dir()?, resolve_ziglink(Some(path_var)).as_deref())
}

/// `dir` followed by the directories of `path_var`.
pub fn prepend(dir: &Path, path_var: &OsStr) -> Option<OsString> {
    let dirs = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(path_var));
    std::env::join_paths(dirs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepends_only_when_another_or_no_ziglink_resolves() {
        let own = Path::new("/env/bin");
        let cases: &[(Option<&str>, bool)] = &[
            (Some("/env/bin/ziglink"), false),
            (Some("/other/bin/ziglink"), true),
            (None, true),
        ];
        for (resolved, expected) in cases {
            let got = dir_to_prepend(own, resolved.map(Path::new));
            assert_eq!(got.is_some(), *expected, "{resolved:?}");
        }
        assert_eq!(
            prepend(own, OsStr::new("/usr/bin:/bin")),
            Some(OsString::from("/env/bin:/usr/bin:/bin"))
        );
    }
}
