//! The C objects build scripts left in the project's `target/` folder, looked at for a GCC
//! mark: with only the linker set to ziglink, cc-rs and cmake compile with this machine's gcc,
//! and nothing at link time says so (rustc shows a linker's messages only when it fails).

use std::path::{Path, PathBuf};

use crate::call::after_link::compiler_marks;

/// A build script's object (or archive) compiled by GCC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GccObject {
    pub file: PathBuf,
    /// The package whose build script made it (`hello-c` of `build/hello-c-1f0e.../out`).
    pub package: String,
    pub mark: String,
}

/// Objects looked at, at most: enough for any project's C, bounded for a huge `target/`.
const MAX_FILES: usize = 4000;

/// The `target/` folder of the project around `cwd`: `CARGO_TARGET_DIR`, or the nearest
/// `target` folder beside a `Cargo.toml` in `cwd` or above it (a workspace member has none).
pub fn target_dir(cwd: &Path, cargo_target_dir: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(dir) = cargo_target_dir {
        return Some(cwd.join(dir)).filter(|d| d.is_dir());
    }
    cwd.ancestors()
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .map(|dir| dir.join("target"))
        .find(|target| target.is_dir())
}

/// The first GCC-compiled object under `target/<profile or triple/profile>/build/*/out`.
pub fn first_gcc_object(target: &Path) -> Option<GccObject> {
    let mut looked = 0;
    let mut outs = Vec::new();
    // `target/debug/build/*/out` and `target/<triple>/release/build/*/out`.
    let top: Vec<PathBuf> = subdirs(target).collect();
    let below = top.iter().flat_map(|d| subdirs(d));
    for profile in top.iter().cloned().chain(below) {
        for script in subdirs(&profile.join("build")) {
            let out = script.join("out");
            if out.is_dir() {
                outs.push((script, out));
            }
        }
    }
    for (script, out) in outs {
        let package = package_of(&script);
        let mut stack = vec![out];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    stack.push(path);
                    continue;
                }
                let object = matches!(path.extension().and_then(|e| e.to_str()), Some("o" | "a"));
                if !kind.is_file() || !object {
                    continue;
                }
                looked += 1;
                if looked > MAX_FILES {
                    return None;
                }
                if let Some(mark) = compiler_marks::gcc_mark_of(&path) {
                    return Some(GccObject {
                        file: path,
                        package,
                        mark,
                    });
                }
            }
        }
    }
    None
}

fn subdirs(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.into_iter()
}

/// `hello-c` of `.../build/hello-c-1f0e5d3c2b1a0f9e`.
fn package_of(script: &Path) -> String {
    let name = script
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.rsplit_once('-') {
        Some((package, hash)) if hash.bytes().all(|b| b.is_ascii_hexdigit()) => package.into(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_package_of_a_build_script_folder() {
        let cases = [
            ("target/debug/build/hello-c-1f0e5d3c2b1a0f9e", "hello-c"),
            ("build/lzma-sys-0123abcd", "lzma-sys"),
            ("build/odd", "odd"),
            ("build/not-a-hash", "not-a-hash"),
        ];
        for (dir, want) in cases {
            assert_eq!(package_of(Path::new(dir)), want, "{dir}");
        }
    }

    #[test]
    fn a_folder_without_objects_has_no_gcc_object() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("debug/build/x-00ff/out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("x.o"), b"not an object").unwrap();
        std::fs::write(out.join("notes.txt"), b"GCC: (GNU) 12\0").unwrap();
        assert_eq!(first_gcc_object(dir.path()), None);
    }

    #[test]
    fn finds_the_project_target_folder_from_a_member() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("member/src")).unwrap();
        std::fs::create_dir_all(root.join("target")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "").unwrap();
        std::fs::write(root.join("member/Cargo.toml"), "").unwrap();
        let from_member = target_dir(&root.join("member/src"), None);
        assert_eq!(from_member, Some(root.join("target")));
        let given = target_dir(&root.join("member"), Some(PathBuf::from("../target")));
        assert_eq!(given, Some(root.join("member/../target")));
        assert_eq!(
            target_dir(&root.join("member"), Some("nowhere".into())),
            None
        );
    }
}
