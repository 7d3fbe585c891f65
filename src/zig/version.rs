//! The version of the zig ziglink runs, for what has to change when zig does: the compiler
//! identity build caches see (`compiler_identity`) and the folder zig's lib folder is copied to
//! (`lib_copy`). Read from the `ziglang` package's metadata when zig is that package's, which
//! costs no process; otherwise zig is asked (`zig version`, about 1.5 ms).

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::zig::find::{FoundBy, Zig};

const DIST_INFO_PREFIX: &str = "ziglang-";
const DIST_INFO_SUFFIX: &str = ".dist-info";

pub fn of(zig: &Zig) -> Option<String> {
    let from_package = (zig.found_by == FoundBy::Ziglang)
        .then(|| package_version(&zig.path))
        .flatten();
    from_package.or_else(|| ask(&zig.path))
}

/// `.../site-packages/ziglang/zig` -> the version in `.../site-packages/ziglang-X.dist-info`.
pub fn package_version(zig: &Path) -> Option<String> {
    let site = zig.parent()?.parent()?;
    let names = std::fs::read_dir(site)
        .ok()?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name());
    from_dist_info_names(names)
}

/// The version named by the one `ziglang-<version>.dist-info` among `names`; none when there is
/// none or more than one (a broken install), so that zig is asked instead.
pub fn from_dist_info_names(names: impl Iterator<Item = OsString>) -> Option<String> {
    let mut versions = names.filter_map(|name| {
        let name = name.into_string().ok()?;
        let version = name
            .strip_prefix(DIST_INFO_PREFIX)?
            .strip_suffix(DIST_INFO_SUFFIX)?;
        Some(version.to_string())
    });
    let version = versions.next()?;
    if versions.next().is_some() {
        return None;
    }
    is_plain(&version).then_some(version)
}

fn ask(zig: &Path) -> Option<String> {
    let output = Command::new(zig)
        .arg("version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let version = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && is_plain(&version)).then_some(version)
}

/// Versions end up in a C string literal and a folder name: only what releases and dev builds
/// use (`0.17.1`, `0.18.0-dev.42+0123abcd`) is taken, never `..` or a path.
pub fn is_plain(version: &str) -> bool {
    version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> impl Iterator<Item = OsString> {
        list.iter()
            .map(OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn reads_the_version_from_the_one_ziglang_dist_info() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (
                &[
                    "ziglang",
                    "ziglang-0.17.1.dist-info",
                    "ziglink-0.1.0.dist-info",
                ],
                Some("0.17.1"),
            ),
            (
                &["ziglang-0.18.0.dev42+g0123.dist-info"],
                Some("0.18.0.dev42+g0123"),
            ),
            (&["ziglang"], None),
            (
                &["ziglang-0.17.0.dist-info", "ziglang-0.17.1.dist-info"],
                None,
            ),
            (&["ziglang-0.17 1.dist-info"], None),
            (&["ziglang-.dist-info"], None),
            (&["ziglang-extras-1.0.dist-info"], None),
            (&["ziglang-0.17.1.dist-info.bak"], None),
        ];
        for (list, want) in cases {
            assert_eq!(
                from_dist_info_names(names(list)).as_deref(),
                *want,
                "{list:?}"
            );
        }
    }

    #[test]
    fn plain_versions_are_what_releases_and_dev_builds_print() {
        for good in ["0.17.1", "0.18.0-dev.42+0123abcd"] {
            assert!(is_plain(good), "{good}");
        }
        for bad in ["", "..", "0.17 1", "0.17\"1", "0/x", "0.17\n", "dev"] {
            assert!(!is_plain(bad), "{bad:?}");
        }
    }
}
