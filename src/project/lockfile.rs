//! Whether a build may use a package, judged from cargo's lock file: bindgen, whose clang needs
//! zig's headers (two zig runs per target on every `ziglink cargo` and, once per zig version, a
//! 37 MiB copy of them into zig's cache), or cc-rs and cmake, whose C code may need zig's
//! compiler-rt (`ziglink warm`). Each answer only saves work, so what is unsure says yes.

use std::path::Path;
use std::time::Duration;

/// How much later than the lock file a manifest may have been written and still be taken as
/// written with it: a checkout or a copy writes the two a moment apart, in either order, while
/// an edit that adds a dependency comes well after cargo last wrote the lock.
const WRITTEN_TOGETHER: Duration = Duration::from_secs(2);

/// Whether the lock file's text lists a package called one of `names`, read once for all of
/// them. A lock file that does not parse is taken to list them: the answer only saves work, and
/// must not lose what a build needs.
pub fn lists_any_package(lock: &str, names: &[&str]) -> bool {
    let Ok(doc) = lock.parse::<toml_edit::DocumentMut>() else {
        return true;
    };
    let Some(packages) = doc.get("package").and_then(|p| p.as_array_of_tables()) else {
        return false;
    };
    let listed = packages
        .iter()
        .filter_map(|package| package.get("name").and_then(|n| n.as_str()))
        .any(|name| names.contains(&name));
    listed
}

/// What is known of a build's lock file.
#[derive(Debug, Clone, Copy)]
pub enum Lock<'a> {
    /// None yet: cargo will resolve the graph afresh.
    Missing,
    /// Older than the manifest: cargo may add packages to it before building.
    Stale,
    Current(&'a str),
}

/// The packages whose build scripts compile C or C++, for zig's compiler-rt.
pub const C_BUILDERS: &[&str] = &["cc", "cmake"];

/// Whether a build with this lock file may use one of `packages`.
pub fn may_use(lock: Lock, packages: &[&str]) -> bool {
    match lock {
        Lock::Missing | Lock::Stale => true,
        Lock::Current(text) => lists_any_package(text, packages),
    }
}

/// Whether a build started in `dir` (with `manifest`, cargo's `--manifest-path`, if given) may
/// run bindgen.
pub fn build_may_run_bindgen(dir: &Path, manifest: Option<&Path>) -> bool {
    build_may_use(dir, manifest, &["bindgen"])
}

/// Whether a build started in `dir` (with `manifest`, if given) may use one of `packages`:
/// reads the nearest `Cargo.lock` above the manifest's folder. Only the manifest the build
/// starts from is compared with it: a dependency added to another workspace member since the
/// lock file was written is not seen until cargo writes the lock again.
pub fn build_may_use(dir: &Path, manifest: Option<&Path>, packages: &[&str]) -> bool {
    let manifest = match manifest {
        Some(path) => dir.join(path),
        None => match super::files::nearest(dir, "Cargo.toml") {
            Some(path) => path,
            None => return true,
        },
    };
    let start = manifest.parent().unwrap_or(dir);
    let Some(lock_path) = super::files::nearest(start, "Cargo.lock") else {
        return may_use(Lock::Missing, packages);
    };
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let stale = match (modified(&lock_path), modified(&manifest)) {
        (Some(lock), Some(manifest)) => manifest > lock + WRITTEN_TOGETHER,
        _ => true,
    };
    if stale {
        return may_use(Lock::Stale, packages);
    }
    match std::fs::read(&lock_path) {
        Ok(bytes) => may_use(Lock::Current(&String::from_utf8_lossy(&bytes)), packages),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn touch(path: &Path, when: SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(when))
            .unwrap();
    }

    const WITH: &str = "version = 4\n\n[[package]]\nname = \"bindgen\"\nversion = \"0.72.0\"\n\n\
                        [[package]]\nname = \"zstd-sys\"\nversion = \"2.0.15\"\n";
    const WITHOUT: &str = "version = 4\n\n[[package]]\nname = \"bindgen-helper\"\n\
                           version = \"1.0.0\"\n\n[[package]]\nname = \"zstd-sys\"\n";

    #[test]
    fn reads_the_graph_from_the_lock_file() {
        let cases: &[(Lock, bool)] = &[
            (Lock::Missing, true),
            (Lock::Stale, true),
            (Lock::Current(WITH), true),
            (Lock::Current(WITHOUT), false),
            (Lock::Current("version = 4\n"), false),
            (Lock::Current("[[package]\nname ="), true),
            (Lock::Current("package = 3\n"), false),
        ];
        for (lock, expected) in cases {
            assert_eq!(may_use(*lock, &["bindgen"]), *expected, "{lock:?}");
            assert_eq!(may_use(*lock, &["cc", "bindgen"]), *expected, "{lock:?}");
        }
    }

    #[test]
    fn a_lock_file_older_than_the_manifest_may_be_missing_bindgen() {
        let dir = tempfile::tempdir().unwrap();
        let (manifest, lock) = (dir.path().join("Cargo.toml"), dir.path().join("Cargo.lock"));
        let member = dir.path().join("member");
        std::fs::create_dir(&member).unwrap();
        std::fs::write(&manifest, "[package]\n").unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\n").unwrap();
        assert!(build_may_run_bindgen(dir.path(), None), "no lock file");
        std::fs::write(&lock, WITHOUT).unwrap();
        let now = SystemTime::now();
        touch(&manifest, now + Duration::from_millis(1));
        touch(&member.join("Cargo.toml"), now - Duration::from_secs(60));
        touch(&lock, now);
        assert!(!build_may_run_bindgen(dir.path(), None), "written together");
        assert!(
            !build_may_run_bindgen(&member, None),
            "the workspace's lock file"
        );
        assert!(!build_may_run_bindgen(
            Path::new("/"),
            Some(&member.join("Cargo.toml"))
        ));
        touch(&manifest, now + Duration::from_secs(60));
        assert!(build_may_run_bindgen(dir.path(), None), "edited since");
        std::fs::write(&lock, WITH).unwrap();
        touch(&lock, now + Duration::from_secs(120));
        assert!(build_may_run_bindgen(dir.path(), None));
    }
}
