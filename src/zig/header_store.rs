//! Copies of zig's header folders at a path that is the same in every environment, for bindgen.
//! libclang reads headers by path, so `BINDGEN_EXTRA_CLANG_ARGS_<target>` has to name folders,
//! and zig's own are inside whichever environment installed it. Named there, the value would
//! change with the environment: cargo would rerun every bindgen build script each time (they
//! declare `rerun-if-env-changed` on it), and two environments of one build would not agree.
//!
//! The copies live in ziglink's folder of zig's cache, one set per zig version:
//! `<zig cache>/ziglink/headers/<version>/<folder below zig's lib>`. Each folder is copied into a
//! temporary folder beside its place and renamed into it, so no build ever sees half a copy, and
//! it is never changed afterwards. Where the cache cannot be written, zig's own folders are named.

use std::io;
use std::path::{Component, Path, PathBuf};

const HEADERS_DIR: &str = "headers";

pub struct Store {
    /// `<zig cache>/ziglink/headers/<zig version>`.
    root: PathBuf,
    /// zig's lib folders, resolved: only folders below one of them are copied.
    lib_dirs: Vec<PathBuf>,
}

impl Store {
    /// `own` is ziglink's folder in zig's cache, checked to be private (`zig::cache::own_dir`):
    /// a copy found there is used as it is.
    pub fn new(own: &Path, zig_version: &str, lib_dirs: &[PathBuf]) -> Store {
        Store {
            root: own.join(HEADERS_DIR).join(zig_version),
            lib_dirs: lib_dirs
                .iter()
                .filter_map(|dir| dir.canonicalize().ok())
                .collect(),
        }
    }

    /// The folder to name for `dir`: its copy when `dir` is one of zig's (made now if missing),
    /// `dir` itself otherwise.
    pub fn stable(&self, dir: &Path) -> io::Result<PathBuf> {
        let resolved = dir.canonicalize()?;
        let Some(relative) = below(&resolved, &self.lib_dirs) else {
            return Ok(dir.to_path_buf());
        };
        let copy = self.root.join(relative);
        if !copy.is_dir() {
            install(&resolved, &copy)?;
        }
        Ok(copy)
    }
}

/// `dir` relative to the first of `lib_dirs` it is below, if any.
pub fn below<'a>(dir: &'a Path, lib_dirs: &[PathBuf]) -> Option<&'a Path> {
    let relative = lib_dirs.iter().find_map(|lib| dir.strip_prefix(lib).ok())?;
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (plain && relative.components().next().is_some()).then_some(relative)
}

/// Copies `from` to `to` through a temporary folder beside `to`. When another process got
/// there first, its copy stays and ours goes.
fn install(from: &Path, to: &Path) -> io::Result<()> {
    let parent = to
        .parent()
        .ok_or_else(|| io::Error::other("a header folder copy needs a parent folder"))?;
    std::fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".copying-")
        .tempdir_in(parent)?;
    copy_tree(from, staging.path())?;
    match std::fs::rename(staging.path(), to) {
        Ok(()) => Ok(()),
        Err(_) if to.is_dir() => Ok(()),
        Err(err) => Err(err),
    }
}

/// Files and folders only: zig's header folders hold nothing else.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_only_folders_below_zigs_lib() {
        let libs = [PathBuf::from("/env/ziglang/lib"), PathBuf::from("/zl")];
        let cases: &[(&str, Option<&str>)] = &[
            ("/env/ziglang/lib/include", Some("include")),
            (
                "/env/ziglang/lib/libc/include/generic-glibc",
                Some("libc/include/generic-glibc"),
            ),
            (
                "/zl/libc/include/any-linux-any",
                Some("libc/include/any-linux-any"),
            ),
            ("/env/ziglang/lib", None),
            ("/env/ziglang/library/include", None),
            ("/usr/include", None),
        ];
        for (dir, want) in cases {
            assert_eq!(below(Path::new(dir), &libs), want.map(Path::new), "{dir}");
        }
    }

    #[test]
    fn the_copy_is_at_one_path_whichever_install_it_came_from() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let mut named = Vec::new();
        for env in ["env-a", "env-b"] {
            let lib = tmp.path().join(env).join("ziglang").join("lib");
            let include = lib.join("libc").join("include").join("generic-glibc");
            std::fs::create_dir_all(include.join("sys")).unwrap();
            std::fs::write(include.join("sys").join("types.h"), env).unwrap();
            let store = Store::new(&cache.join("ziglink"), "0.17.1", &[lib]);
            named.push(store.stable(&include).unwrap());
        }
        assert_eq!(named[0], named[1]);
        assert_eq!(
            named[0],
            cache.join("ziglink/headers/0.17.1/libc/include/generic-glibc")
        );
        // The first copy stays: a copy is never rewritten.
        let header = std::fs::read_to_string(named[0].join("sys").join("types.h")).unwrap();
        assert_eq!(header, "env-a");
        let leftovers: Vec<_> = std::fs::read_dir(named[0].parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|name| name.to_string_lossy().starts_with(".copying-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn folders_that_are_not_zigs_are_named_as_they_are() {
        let tmp = tempfile::tempdir().unwrap();
        let other = tmp.path().join("usr-include");
        std::fs::create_dir_all(&other).unwrap();
        let store = Store::new(&tmp.path().join("cache").join("ziglink"), "0.17.1", &[]);
        assert_eq!(store.stable(&other).unwrap(), other);
        assert!(!tmp.path().join("cache").exists());
    }
}
