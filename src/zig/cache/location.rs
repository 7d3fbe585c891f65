//! Where zig keeps its global cache, and a writable place for it when the default is not
//! (a read-only HOME in a sandboxed build). zig itself stops with "unable to open global cache
//! directory" there; ziglink points it elsewhere instead: a folder of this user's in the temp
//! folder, used only while it is private (`private_dir`), because what is in zig's cache is
//! linked into every output.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::platform;
use crate::platform::layout::Layout;
use crate::zig::private_dir;

pub const ZIG_CACHE_VAR: &str = "ZIG_GLOBAL_CACHE_DIR";

/// The cache directory zig would pick by itself, as zig 0.17 does: `$XDG_CACHE_HOME/zig`, else
/// `$HOME/.cache/zig`; on Windows `%LOCALAPPDATA%\zig`. `None` when the user chose one
/// (`ZIG_GLOBAL_CACHE_DIR`), which is always respected.
pub fn zig_default(var: &dyn Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    zig_default_on(Layout::HERE, var)
}

fn zig_default_on(layout: Layout, var: &dyn Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    if var(ZIG_CACHE_VAR).is_some() {
        return None;
    }
    if layout == Layout::Windows {
        return var("LOCALAPPDATA").map(|dir| dir.join("zig"));
    }
    var("XDG_CACHE_HOME")
        .map(|xdg| xdg.join("zig"))
        .or_else(|| var("HOME").map(|home| home.join(".cache").join("zig")))
}

/// The directory zig should use instead of `default`, when `default` cannot be written: one per
/// user under the temp directory, so every sandboxed build of that user shares it. A fixed name
/// in a shared folder can be made by someone else first; [`Location::for_zig`] refuses it then.
pub fn replacement(
    default: &Path,
    writable: &dyn Fn(&Path) -> bool,
    temp_dir: &Path,
    uid: u32,
) -> Option<PathBuf> {
    // zig creates the directory if it is missing: what must be writable is the deepest part
    // that exists.
    let existing = default.ancestors().find(|p| p.exists())?;
    if writable(existing) {
        return None;
    }
    Some(temp_dir.join(format!("ziglink-zig-cache-{uid}")))
}

/// Where zig's cache is for this process, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `ZIG_GLOBAL_CACHE_DIR`, always respected.
    UserSet(PathBuf),
    /// zig's own default, which is writable.
    Default(PathBuf),
    /// ziglink's replacement for an unwritable default: zig must be pointed at it.
    Fallback(PathBuf),
    /// Neither `ZIG_GLOBAL_CACHE_DIR` nor HOME says where it is.
    Unknown,
}

impl Location {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::UserSet(p) | Location::Default(p) | Location::Fallback(p) => Some(p),
            Location::Unknown => None,
        }
    }

    /// What zig must be told in `ZIG_GLOBAL_CACHE_DIR`: nothing, unless ziglink chose the
    /// folder. The fallback is made private (mode 0700) when missing and refused when it is
    /// not private, rather than replaced by another: a fresh folder per call would make every
    /// link build zig's C runtimes again (15 to 60 s each) and leave each copy behind, and
    /// another fixed name could be made first just as well. Refusing says that someone did.
    pub fn for_zig(&self) -> Result<Option<PathBuf>> {
        match self {
            Location::Fallback(dir) => private_dir::ensure(dir).map(Some).map_err(|problem| {
                private_dir::refused(private_dir::Place::Fallback, dir.clone(), problem)
            }),
            _ => Ok(None),
        }
    }

    /// Why the cache is there, in words for `ziglink doctor` and `ziglink cache info`.
    pub fn chosen_by(&self) -> &'static str {
        match self {
            Location::UserSet(_) => ZIG_CACHE_VAR,
            Location::Default(_) => "zig's default",
            Location::Fallback(_) => "ziglink's fallback, as zig's default is not writable",
            Location::Unknown => match Layout::HERE {
                Layout::Posix => "nothing: neither ZIG_GLOBAL_CACHE_DIR nor HOME is set",
                Layout::Windows => "nothing: neither ZIG_GLOBAL_CACHE_DIR nor LOCALAPPDATA is set",
            },
        }
    }
}

/// The location zig's cache has under this process's environment: what the launcher gives zig
/// and what `ziglink doctor` reports.
pub fn for_this_process() -> Location {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(ZIG_CACHE_VAR) {
        return Location::UserSet(dir);
    }
    let Some(default) = zig_default(&var) else {
        return Location::Unknown;
    };
    match replacement(
        &default,
        &platform::fs::is_writable,
        &std::env::temp_dir(),
        platform::fs::real_uid(),
    ) {
        Some(fallback) => Location::Fallback(fallback),
        None => Location::Default(default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<PathBuf> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| PathBuf::from(v))
        }
    }

    #[test]
    fn finds_zigs_own_default() {
        type Env<'a> = &'a [(&'a str, &'a str)];
        let windows = &[
            ("LOCALAPPDATA", r"C:\Users\u\AppData\Local"),
            ("HOME", "/h"),
        ];
        let cases: &[(Layout, Env, Option<PathBuf>)] = &[
            (
                Layout::Posix,
                &[("HOME", "/h")],
                Some("/h/.cache/zig".into()),
            ),
            (
                Layout::Posix,
                &[("HOME", "/h"), ("XDG_CACHE_HOME", "/x")],
                Some("/x/zig".into()),
            ),
            (
                Layout::Posix,
                &[("HOME", "/h"), (ZIG_CACHE_VAR, "/mine")],
                None,
            ),
            (Layout::Posix, &[], None),
            (
                Layout::Windows,
                windows,
                Some(Path::new(r"C:\Users\u\AppData\Local").join("zig")),
            ),
            (Layout::Windows, &[("HOME", "/h")], None),
            (Layout::Windows, &[(ZIG_CACHE_VAR, r"D:\zc")], None),
        ];
        for (layout, env, expected) in cases {
            let got = zig_default_on(*layout, &vars(env));
            assert_eq!(got, *expected, "{layout:?} {env:?}");
        }
    }

    #[test]
    fn replaces_only_an_unwritable_default() {
        let root = tempfile::tempdir().unwrap();
        let home_cache = root.path().join("home/.cache/zig");
        std::fs::create_dir_all(root.path().join("home")).unwrap();
        let tmp = Path::new("/tmp");
        // The cache does not exist yet; its deepest existing ancestor decides.
        let asked = std::cell::RefCell::new(Vec::new());
        let writable = |p: &Path| {
            asked.borrow_mut().push(p.to_path_buf());
            true
        };
        assert_eq!(replacement(&home_cache, &writable, tmp, 1000), None);
        assert_eq!(*asked.borrow(), [root.path().join("home")]);

        let read_only = |_: &Path| false;
        assert_eq!(
            replacement(&home_cache, &read_only, tmp, 1000),
            Some(PathBuf::from("/tmp/ziglink-zig-cache-1000"))
        );
    }
}
