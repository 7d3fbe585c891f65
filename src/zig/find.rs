//! Finding the zig to run: `ZIGLINK_ZIG`, else the `ziglang` package installed in the same
//! environment as this ziglink, else `zig` on PATH. Found from paths alone: no Python is started
//! and zig is not asked for its version.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::platform::layout;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    Override,
    Ziglang,
    Path,
}

impl fmt::Display for FoundBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FoundBy::Override => "ZIGLINK_ZIG",
            FoundBy::Ziglang => "the ziglang package beside ziglink",
            FoundBy::Path => "PATH",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zig {
    pub path: PathBuf,
    pub found_by: FoundBy,
}

/// Where to look, given as data so tests can point it at fake installs.
pub struct Search<'a> {
    pub override_path: Option<&'a Path>,
    /// The directory of ziglink's own (resolved) executable.
    pub exe_dirs: Vec<PathBuf>,
    /// `argv[0]`, tried through PATH when the resolved executable is not inside an environment
    /// (an installer that symlinks scripts into a shared store).
    pub argv0: Option<&'a OsStr>,
    pub path_var: Option<&'a OsStr>,
}

pub fn locate(search: &Search) -> Result<Zig> {
    if let Some(path) = search.override_path {
        return from_override(path, search.path_var);
    }
    let mut looked = Vec::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    let argv0_dir = || {
        let name = Path::new(search.argv0?);
        if name.components().count() != 1 {
            return None; // a path, not a name PATH resolved: current_exe already covers it
        }
        let found = which::which_in(name, search.path_var, &cwd).ok()?;
        found.parent().map(Path::to_path_buf)
    };
    let exe_dirs = search.exe_dirs.iter().cloned().map(Some);
    for dir in exe_dirs.chain(std::iter::once_with(argv0_dir)).flatten() {
        for site in site_packages_beside(&dir) {
            let zig = site.join("ziglang").join(layout::exe("zig"));
            if zig.is_file() {
                return Ok(Zig {
                    path: zig,
                    found_by: FoundBy::Ziglang,
                });
            }
            looked.push(site);
        }
    }
    if let Ok(path) = which::which_in("zig", search.path_var, &cwd) {
        return Ok(Zig {
            path,
            found_by: FoundBy::Path,
        });
    }
    looked.push(PathBuf::from("PATH"));
    Err(Error::ZigNotFound { looked })
}

fn from_override(path: &Path, path_var: Option<&OsStr>) -> Result<Zig> {
    let problem = |problem: &str| Error::ZigOverride {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    };
    // A bare name is looked up on PATH, as a shell would.
    let resolved = if path.components().count() == 1 && !path.is_absolute() {
        let cwd = std::env::current_dir().unwrap_or_default();
        which::which_in(path, path_var, cwd).map_err(|_| problem("is not on PATH"))?
    } else {
        path.to_path_buf()
    };
    if !resolved.is_file() {
        return Err(problem("does not exist or is not a file"));
    }
    Ok(Zig {
        path: resolved,
        found_by: FoundBy::Override,
    })
}

/// The package directories of the install that put ziglink in `bin_dir`, in the order a
/// Python of that install would search them:
/// - venvs, `pip install --user`/`--prefix`, and PEP 517 build environments (uv's venvs, pip's
///   overlay prefix): `<prefix>/bin` beside `<prefix>/lib[64]/pythonX.Y/site-packages`;
/// - Debian's system Python: `dist-packages` instead of `site-packages`;
/// - macOS framework builds (`/Library/Frameworks/Python.framework/Versions/X.Y/bin`) as above,
///   and their user scheme: `~/Library/Python/X.Y/bin` beside `.../lib/python/site-packages`;
/// - Windows: `<prefix>\Scripts` beside `<prefix>\Lib\site-packages`, and the user scheme's
///   `%APPDATA%\Python\PythonXY\Scripts` beside `...\PythonXY\site-packages`;
/// - `pip install --target T`: `T/bin` beside the packages in `T` itself.
pub fn site_packages_beside(bin_dir: &Path) -> Vec<PathBuf> {
    let Some(prefix) = bin_dir.parent() else {
        return Vec::new();
    };
    let mut dirs = Vec::new();
    for lib in ["lib", "lib64"] {
        let mut pythons: Vec<PathBuf> = std::fs::read_dir(prefix.join(lib))
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("python"))
            .map(|entry| entry.path())
            .collect();
        pythons.sort();
        for python in pythons {
            dirs.push(python.join("site-packages"));
            dirs.push(python.join("dist-packages"));
        }
    }
    dirs.push(prefix.join("Lib").join("site-packages"));
    dirs.push(prefix.join("site-packages"));
    dirs.push(prefix.to_path_buf());
    dirs.retain(|d| d.is_dir());
    dirs
}

/// The variable zig reads its lib folder from.
pub const LIB_DIR_VAR: &str = "ZIG_LIB_DIR";

/// zig's lib folders for the zig at `zig`, for this process: `zig` resolved first, because zig
/// finds its lib folder from its resolved executable and one on PATH may be a symlink.
pub fn lib_dirs_here(zig: &Path) -> Vec<PathBuf> {
    let resolved = std::fs::canonicalize(zig).unwrap_or_else(|_| zig.to_path_buf());
    lib_dirs(&resolved, std::env::var_os(LIB_DIR_VAR).as_deref())
}

/// zig's lib folder for the zig at `zig` (a resolved path): beside the executable in zig's
/// own archives and the `ziglang` package, in `../lib/zig` in distribution packages, or
/// `ZIG_LIB_DIR` when set. Callers ignore the ones that do not exist.
pub fn lib_dirs(zig: &Path, zig_lib_dir_var: Option<&OsStr>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = zig.parent() {
        dirs.push(dir.join("lib"));
        if let Some(prefix) = dir.parent() {
            dirs.push(prefix.join("lib").join("zig"));
        }
    }
    if let Some(dir) = zig_lib_dir_var.filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"").unwrap();
    }

    fn search_in(bin: &Path) -> Result<Zig> {
        locate(&Search {
            override_path: None,
            exe_dirs: vec![bin.to_path_buf()],
            argv0: None,
            path_var: Some(OsStr::new("")),
        })
    }

    #[test]
    fn finds_ziglang_in_each_install_layout() {
        let layouts: &[(&str, &str)] = &[
            ("venv/bin", "venv/lib/python3.11/site-packages/ziglang/zig"),
            (
                "fedora/bin",
                "fedora/lib64/python3.12/site-packages/ziglang/zig",
            ),
            (
                "usr/local/bin",
                "usr/local/lib/python3.11/dist-packages/ziglang/zig",
            ),
            ("pip-target/bin", "pip-target/ziglang/zig"),
            (
                "Python.framework/Versions/3.12/bin",
                "Python.framework/Versions/3.12/lib/python3.12/site-packages/ziglang/zig",
            ),
            (
                "Library/Python/3.12/bin",
                "Library/Python/3.12/lib/python/site-packages/ziglang/zig",
            ),
            ("venv/Scripts", "venv/Lib/site-packages/ziglang/zig"),
            (
                "Python312/Scripts",
                "Python312/Lib/site-packages/ziglang/zig",
            ),
            (
                "AppData/Roaming/Python/Python312/Scripts",
                "AppData/Roaming/Python/Python312/site-packages/ziglang/zig",
            ),
            (
                "pip-build-env-x/overlay/bin",
                "pip-build-env-x/overlay/lib/python3.11/site-packages/ziglang/zig",
            ),
        ];
        for (bin, zig) in layouts {
            let root = tempfile::tempdir().unwrap();
            fs::create_dir_all(root.path().join(bin)).unwrap();
            let zig = root.path().join(zig).with_file_name(layout::exe("zig"));
            touch(&zig);
            let found = search_in(&root.path().join(bin)).unwrap();
            assert_eq!(found.path, zig, "{bin}");
            assert_eq!(found.found_by, FoundBy::Ziglang);
        }
    }

    #[test]
    fn never_takes_zig_from_another_environment() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("a/bin")).unwrap();
        touch(
            &root
                .path()
                .join("b/lib/python3.11/site-packages/ziglang/zig"),
        );
        let error = search_in(&root.path().join("a/bin")).unwrap_err();
        assert!(matches!(error, Error::ZigNotFound { .. }), "{error}");
    }

    #[test]
    fn falls_back_to_path() {
        let root = tempfile::tempdir().unwrap();
        let zig = root.path().join("tools").join("zig");
        touch(&zig);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&zig, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path_var = root.path().join("tools").into_os_string();
        let found = locate(&Search {
            override_path: None,
            exe_dirs: vec![root.path().join("nowhere/bin")],
            argv0: None,
            path_var: Some(&path_var),
        })
        .unwrap();
        assert_eq!((found.path, found.found_by), (zig, FoundBy::Path));
    }

    #[test]
    fn override_must_exist() {
        let error = locate(&Search {
            override_path: Some(Path::new("/no/such/zig")),
            exe_dirs: vec![],
            argv0: None,
            path_var: None,
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ZIGLINK_ZIG is set to `/no/such/zig`, which does not exist or is not a file"
        );
    }

    #[test]
    fn lib_dirs_cover_zigs_layouts() {
        assert_eq!(
            lib_dirs(Path::new("/venv/site-packages/ziglang/zig"), None),
            [
                PathBuf::from("/venv/site-packages/ziglang/lib"),
                PathBuf::from("/venv/site-packages/lib/zig"),
            ]
        );
        assert_eq!(
            lib_dirs(Path::new("/usr/bin/zig"), Some(OsStr::new("/opt/zl"))),
            [
                PathBuf::from("/usr/bin/lib"),
                PathBuf::from("/usr/lib/zig"),
                PathBuf::from("/opt/zl"),
            ]
        );
    }
}
