//! The glibc releases the zig at hand can link against, from the version list zig ships in
//! `lib/libc/glibc/abilists`. zig asked for a newer glibc than it knows prints a warning and
//! links against its newest instead, which breaks the promise of the floor the user asked for.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::target::glibc::Glibc;
use crate::target::triple::Target;

/// The newest release in an abilists file: a count of library names, the NUL-terminated names,
/// a count of versions, then `major, minor, patch` bytes for each.
pub fn newest(abilists: &[u8]) -> Option<Glibc> {
    let (&libraries, mut rest) = abilists.split_first()?;
    for _ in 0..libraries {
        let end = rest.iter().position(|&b| b == 0)?;
        rest = &rest[end + 1..];
    }
    let (&count, rest) = rest.split_first()?;
    let versions = rest.get(..usize::from(count) * 3)?;
    versions
        .chunks_exact(3)
        .map(|v| Glibc::new(u16::from(v[0]), u16::from(v[1])))
        .max()
}

/// zig's lib folder is found relative to its executable: beside it in the `ziglang` package and
/// release tarballs, under `lib/zig` in distribution packages.
fn abilists_path(zig: &Path) -> Option<PathBuf> {
    let zig = std::fs::canonicalize(zig).ok()?;
    let dir = zig.parent()?;
    let parent = dir.parent().unwrap_or(dir);
    [
        dir.join("lib"),
        dir.join("lib/zig"),
        parent.join("lib/zig"),
        parent.join("lib"),
    ]
    .into_iter()
    .map(|lib| lib.join("libc/glibc/abilists"))
    .find(|path| path.is_file())
}

/// Refuses a floor newer than the newest glibc `zig` knows. Only a floor above the default
/// needs the check (the default is always known), so the usual link reads no extra file; when
/// zig's list cannot be found, zig's own warning is all there is.
pub fn check_requested(target: &Target, zig: &Path) -> Result<()> {
    let (Some(requested), Some(floor)) = (target.glibc(), target.spec.glibc_floor()) else {
        return Ok(());
    };
    if requested <= Glibc::DEFAULT.max(floor) {
        return Ok(());
    }
    let Some(newest) = abilists_path(zig)
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| newest(&bytes))
    else {
        return Ok(());
    };
    if requested > newest {
        return Err(Error::GlibcAboveNewest {
            requested: requested.to_string(),
            newest: newest.to_string(),
            zig: zig.to_path_buf(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abilists(libraries: &[&str], versions: &[(u8, u8, u8)]) -> Vec<u8> {
        let mut out = vec![libraries.len() as u8];
        for name in libraries {
            out.extend_from_slice(name.as_bytes());
            out.push(0);
        }
        out.push(versions.len() as u8);
        for (major, minor, patch) in versions {
            out.extend_from_slice(&[*major, *minor, *patch]);
        }
        out.extend_from_slice(b"\x01rest of the file");
        out
    }

    #[test]
    fn newest_is_the_highest_listed_release() {
        type Release = Option<(u16, u16)>;
        let cases: &[(Vec<u8>, Release)] = &[
            (
                abilists(
                    &["m", "c", "ld"],
                    &[(2, 0, 0), (2, 2, 5), (2, 44, 0), (2, 17, 0)],
                ),
                Some((2, 44)),
            ),
            (abilists(&[], &[(2, 39, 0)]), Some((2, 39))),
            (abilists(&["c"], &[]), None),
            (vec![], None),
            (vec![2, b'm', 0], None),     // names cut short
            (vec![0, 3, 2, 17, 0], None), // versions cut short
        ];
        for (bytes, expected) in cases {
            let got = newest(bytes).map(|g| (g.major, g.minor));
            assert_eq!(got, *expected, "{bytes:?}");
        }
    }

    #[test]
    fn only_floors_above_the_default_are_checked() {
        let zig_dir = tempfile::tempdir().unwrap();
        let zig = zig_dir.path().join("zig");
        std::fs::write(&zig, "").unwrap();
        let lists = zig_dir.path().join("lib/libc/glibc");
        std::fs::create_dir_all(&lists).unwrap();
        std::fs::write(
            lists.join("abilists"),
            abilists(&["c"], &[(2, 17, 0), (2, 40, 0)]),
        )
        .unwrap();
        let check = |spec: &str| {
            let target = Target::resolve(spec, None).unwrap();
            check_requested(&target, &zig).map_err(|e| e.to_string())
        };
        assert!(check("x86_64-unknown-linux-gnu").is_ok());
        assert!(check("x86_64-unknown-linux-gnu.2.40").is_ok());
        assert!(check("x86_64-unknown-linux-musl").is_ok());
        let error = check("x86_64-unknown-linux-gnu.2.99").unwrap_err();
        assert!(
            error.contains("glibc 2.99") && error.contains("2.40"),
            "{error}"
        );
        // Without zig's list there is nothing to compare with.
        std::fs::remove_file(lists.join("abilists")).unwrap();
        assert!(check("x86_64-unknown-linux-gnu.2.99").is_ok());
    }
}
