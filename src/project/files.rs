//! The files a project is described by, found the way cargo and maturin find them: from the
//! folder a build starts in, upwards.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `name` in `start` or the nearest folder above it that has one.
pub fn nearest(start: &Path, name: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// cargo's config files that apply in `start`, nearest first: `.cargo/config.toml` (or the older
/// `.cargo/config`) of each folder upwards, then CARGO_HOME's.
pub fn cargo_configs(start: &Path, cargo_home: Option<&Path>) -> Vec<PathBuf> {
    let dirs = start
        .ancestors()
        .map(|dir| dir.join(".cargo"))
        .chain(cargo_home.map(Path::to_path_buf));
    let mut found: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let file = ["config.toml", "config"]
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file());
        if let Some(file) = file.filter(|f| !found.contains(f)) {
            found.push(file);
        }
    }
    found
}

/// cargo's home as cargo takes it, from the variables `var` reads: `CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home(var: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    match var("CARGO_HOME").filter(|v| !v.is_empty()) {
        Some(home) => Some(PathBuf::from(home)),
        None => var("HOME")
            .filter(|v| !v.is_empty())
            .map(|home| Path::new(&home).join(".cargo")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_upwards_nearest_first() {
        let top = tempfile::tempdir().unwrap();
        let inner = top.path().join("ws/member/src");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(top.path().join("ws/Cargo.lock"), "").unwrap();
        assert_eq!(
            nearest(&inner, "Cargo.lock"),
            Some(top.path().join("ws/Cargo.lock"))
        );
        assert_eq!(nearest(&inner, "pyproject.toml"), None);

        let home = top.path().join("home");
        for dir in [
            top.path().join("ws/.cargo"),
            top.path().join("ws/member/.cargo"),
            home.clone(),
        ] {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(top.path().join("ws/.cargo/config"), "").unwrap();
        std::fs::write(top.path().join("ws/member/.cargo/config.toml"), "").unwrap();
        std::fs::write(home.join("config.toml"), "").unwrap();
        assert_eq!(
            cargo_configs(&inner, Some(&home)),
            [
                top.path().join("ws/member/.cargo/config.toml"),
                top.path().join("ws/.cargo/config"),
                home.join("config.toml"),
            ]
        );
    }
}
