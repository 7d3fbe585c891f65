//! The post-link check: a file linked for glibc floor F must need no `GLIBC_x.y` above F.
//! auditwheel makes the same check when a wheel is repaired; here it happens at the link that
//! caused the problem, and names the symbol to blame.

use std::path::Path;

use crate::call::after_link::elf_imports::{self, Imports};
use crate::call::after_link::elf_versions::{self, Needed};
use crate::error::{Error, Needs, Result};
use crate::target::glibc::Glibc;

/// The requirement that breaks the floor most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The version, as the file names it (`GLIBC_2.34`).
    pub version: String,
    pub library: String,
    /// The first few symbols bound to it, in the file's order.
    pub symbols: Vec<String>,
    /// How many other symbols also need a version above the floor.
    pub others: usize,
}

/// The glibc release a version name stands for: `GLIBC_2.34` is 2.34 and `GLIBC_2.2.5` is
/// 2.2. Other names (`GLIBC_PRIVATE`, `GCC_3.0`, `OPENSSL_3.0.0`) are not glibc releases.
pub fn glibc_of(version: &str) -> Option<Glibc> {
    let rest = version.strip_prefix("GLIBC_")?;
    let mut parts = rest.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    if parts.any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Glibc::parse(&format!("{major}.{minor}"))
}

/// How many symbols an error names; the rest are counted.
const NAMED: usize = 3;

/// The highest requirement above `floor`, with its first symbols, or `None` when the file
/// keeps to the floor.
pub fn above_floor(needed: &[Needed], floor: Glibc) -> Option<Violation> {
    let above: Vec<(&Needed, Glibc)> = needed
        .iter()
        .filter_map(|n| glibc_of(&n.version).map(|g| (n, g)))
        .filter(|(_, g)| *g > floor)
        .collect();
    let (worst, _) = above.iter().max_by_key(|(_, g)| *g)?;
    let symbols: usize = above.iter().map(|(n, _)| n.symbols.len()).sum();
    let named: Vec<String> = worst.symbols.iter().take(NAMED).cloned().collect();
    Some(Violation {
        version: worst.version.clone(),
        library: worst.library.clone(),
        others: symbols - named.len(),
        symbols: named,
    })
}

/// `` `a`, `b`, `c` and 7 more symbols `` for an error message.
pub fn describe_symbols(violation: &Violation) -> String {
    let named: Vec<String> = violation.symbols.iter().map(|s| format!("`{s}`")).collect();
    let more = match violation.others {
        0 => String::new(),
        1 => " and 1 more symbol".into(),
        n => format!(" and {n} more symbols"),
    };
    match named.as_slice() {
        [] if violation.others == 0 => "a version".into(),
        [] => more.trim_start_matches(" and ").to_string(),
        _ => format!("{}{more}", named.join(", ")),
    }
}

/// The worst requirement above `floor` of the ELF file at `path`, or why it cannot be read.
/// Only the ELF headers and the dynamic sections are read, so the cost does not grow with
/// debug info.
pub fn violation_in(path: &Path, floor: Glibc) -> std::result::Result<Option<Violation>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let cache = object::read::ReadCache::new(file);
    let needed = elf_versions::needed(&cache)?;
    Ok(above_floor(&needed, floor))
}

/// Everything the file at `path` imports (its version needs among it), headers and dynamic
/// sections only.
fn read_imports(path: &Path) -> std::result::Result<Imports, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    elf_imports::read(&object::read::ReadCache::new(file))
}

/// Checks the file a link wrote, and removes it when it breaks the floor so that nothing can
/// pick it up by mistake. A file that keeps to the floor gives what it imports, for the
/// manylinux policy check to judge without reading it again.
pub fn check_output(output: &Path, floor: Glibc, target: &'static str) -> Result<Imports> {
    let imports = read_imports(output).map_err(|reason| Error::CheckUnreadable {
        output: output.to_path_buf(),
        reason,
    })?;
    match above_floor(&imports.versions, floor) {
        None => Ok(imports),
        Some(violation) => Err(Error::GlibcAboveFloor {
            removed: std::fs::remove_file(output).is_ok(),
            output: output.to_path_buf(),
            floor: floor.to_string(),
            target,
            needs: Box::new(Needs {
                symbols: describe_symbols(&violation),
                library: violation.library,
                version: violation.version,
            }),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(version: &str, library: &str, symbols: &[&str]) -> Needed {
        Needed {
            version: version.into(),
            library: library.into(),
            symbols: symbols.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn reads_glibc_release_from_version_names() {
        let cases: &[(&str, Option<(u16, u16)>)] = &[
            ("GLIBC_2.34", Some((2, 34))),
            ("GLIBC_2.2.5", Some((2, 2))),
            ("GLIBC_2.17", Some((2, 17))),
            ("GLIBC_PRIVATE", None),
            ("GLIBC_2", None),
            ("GLIBC_2.x", None),
            ("GLIBC_2.3.x", None),
            ("GCC_3.0", None),
            ("OPENSSL_3.0.0", None),
            ("", None),
        ];
        for (name, expected) in cases {
            let got = glibc_of(name).map(|g| (g.major, g.minor));
            assert_eq!(got, *expected, "{name}");
        }
    }

    #[test]
    fn finds_the_worst_requirement_above_the_floor() {
        let floor = Glibc::new(2, 17);
        let needed = [
            need("GLIBC_2.2.5", "libc.so.6", &["memcpy", "printf"]),
            need("GLIBC_2.28", "libc.so.6", &["fcntl64"]),
            need("GLIBC_2.34", "libc.so.6", &["closefrom", "close_range"]),
            need("GLIBC_PRIVATE", "ld-linux-x86-64.so.2", &["_dl_x"]),
            need("GCC_7.0", "libgcc_s.so.1", &["_Unwind_Find"]),
        ];
        let violation = above_floor(&needed, floor).unwrap();
        assert_eq!(violation.version, "GLIBC_2.34");
        assert_eq!(violation.library, "libc.so.6");
        assert_eq!(violation.symbols, ["closefrom", "close_range"]);
        assert_eq!(violation.others, 1);

        assert_eq!(above_floor(&needed, Glibc::new(2, 34)), None);
        let at_28 = above_floor(&needed, Glibc::new(2, 28)).unwrap();
        assert_eq!((at_28.symbols.len(), at_28.others), (2, 0));
        let many: Vec<String> = (0..10).map(|i| format!("s{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let at_30 = above_floor(&[need("GLIBC_2.30", "libc.so.6", &many)], floor).unwrap();
        assert_eq!(
            (at_30.symbols, at_30.others),
            (vec!["s0".into(), "s1".into(), "s2".into()], 7)
        );
        assert_eq!(above_floor(&needed[..1], floor), None);
        assert_eq!(above_floor(&[], floor), None);
    }

    #[test]
    fn a_requirement_with_no_symbol_still_counts() {
        let violation = above_floor(&[need("GLIBC_2.30", "libm.so.6", &[])], Glibc::DEFAULT);
        let violation = violation.unwrap();
        assert_eq!((violation.symbols.len(), violation.others), (0, 0));
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn checks_a_real_file_names_the_symbol_and_removes_the_file() {
        // The test executable was linked against the host's glibc (2.34 or newer on the
        // machines this runs on), so a 2.17 floor must fail and name a symbol.
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("linked");
        std::fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
        assert!(check_output(&copy, Glibc::new(2, 99), "x86_64-unknown-linux-gnu").is_ok());
        let error = check_output(&copy, Glibc::new(2, 17), "x86_64-unknown-linux-gnu")
            .unwrap_err()
            .to_string();
        assert!(error.contains("above the glibc floor 2.17"), "{error}");
        assert!(error.contains("from libc.so.6 (GLIBC_2."), "{error}");
        assert!(error.contains("removed"), "{error}");
        assert!(!copy.exists());
        let missing = check_output(&copy, Glibc::new(2, 17), "x86_64-unknown-linux-gnu");
        assert!(missing.unwrap_err().to_string().contains("cannot check"));
    }
}
