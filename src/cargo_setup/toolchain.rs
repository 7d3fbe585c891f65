//! The rustdoc and cargo that go with the rustc a build names in `RUSTC`. cargo runs the
//! rustdoc it finds on PATH, not the one beside `RUSTC`: with Debian's rustc in `RUSTC` and
//! rustup's on PATH, doctests are compiled by a rustdoc that cannot read that rustc's std. And a
//! cargo newer than its rustc passes it options it lacks (cargo 1.89 and later run doctests of
//! other targets with `--test-runtool`, which older rustdocs do not know).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const RUSTC: &str = "RUSTC";
pub const RUSTDOC: &str = "RUSTDOC";
pub const CARGO: &str = "CARGO";

/// The rustdoc beside `rustc` (`/usr/bin/rustc` -> `/usr/bin/rustdoc`, keeping an `.exe`), when
/// `rustc` is a path and that file exists.
pub fn rustdoc_beside(rustc: &Path, is_file: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let name = rustc.file_name()?.to_str()?;
    let rest = name.strip_prefix("rustc")?;
    if !(rest.is_empty() || rest == ".exe") {
        return None; // a wrapper or another tool named in RUSTC
    }
    let dir = rustc.parent().filter(|d| !d.as_os_str().is_empty())?;
    let rustdoc = dir.join(format!("rustdoc{rest}"));
    is_file(&rustdoc).then_some(rustdoc)
}

/// The release of a `rustc -V` or `cargo -V` line: `cargo 1.95.0 (f2d3ce0bd 2026-03-21)` ->
/// (1, 95).
pub fn release(version_line: &str) -> Option<(u32, u32)> {
    let version = version_line.split_whitespace().nth(1)?;
    let mut parts = version.split(['.', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// What to say when `cargo`'s release is newer than `rustc`'s, in one line.
pub fn mismatch(
    cargo: (u32, u32),
    rustc: (u32, u32),
    rustc_path: &Path,
    cargo_beside: Option<&Path>,
) -> Option<String> {
    if cargo <= rustc {
        return None;
    }
    let fix = match cargo_beside {
        Some(path) => format!("run the cargo of that toolchain (CARGO={})", path.display()),
        None => "run the cargo of that toolchain (set CARGO)".to_string(),
    };
    Some(format!(
        "cargo {}.{} is newer than rustc {}.{} (RUSTC={}), and may pass it and its rustdoc \
         options they lack (doctests of other targets fail on `--test-runtool`); {fix}",
        cargo.0,
        cargo.1,
        rustc.0,
        rustc.1,
        rustc_path.display()
    ))
}

/// What this process's build needs: `RUSTDOC` beside `RUSTC` when only `RUSTC` is set, and a
/// warning when the cargo that will run is newer than that rustc. Nothing is asked of any
/// program when `RUSTC` is not set.
pub fn here(var: impl Fn(&str) -> Option<OsString>) -> (Option<(String, String)>, Option<String>) {
    let Some(given) = var(RUSTC).filter(|v| !v.is_empty()) else {
        return (None, None);
    };
    let rustc = which::which(&given).unwrap_or_else(|_| PathBuf::from(&given));
    let rustdoc = match var(RUSTDOC).filter(|v| !v.is_empty()) {
        Some(_) => None,
        None => rustdoc_beside(&rustc, Path::is_file)
            .map(|path| (RUSTDOC.to_string(), path.display().to_string())),
    };
    let cargo = var(CARGO)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "cargo".into());
    let warning = match (version_of(cargo.as_ref()), version_of(rustc.as_os_str())) {
        (Some(cargo), Some(theirs)) => {
            let beside = rustc.with_file_name(cargo_name(&rustc));
            let beside = beside.is_file().then_some(beside);
            mismatch(cargo, theirs, &rustc, beside.as_deref())
        }
        _ => None,
    };
    (rustdoc, warning)
}

fn cargo_name(rustc: &Path) -> &'static str {
    match rustc.extension() {
        Some(ext) if ext == "exe" => "cargo.exe",
        _ => "cargo",
    }
}

fn version_of(program: &std::ffi::OsStr) -> Option<(u32, u32)> {
    let out = Command::new(program)
        .arg("-V")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    release(std::str::from_utf8(&out.stdout).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustdoc_is_the_one_beside_rustc() {
        let exists = |p: &Path| p.starts_with("/usr/bin") || p.starts_with("C:/rust");
        let cases: &[(&str, Option<&str>)] = &[
            ("/usr/bin/rustc", Some("/usr/bin/rustdoc")),
            ("C:/rust/bin/rustc.exe", Some("C:/rust/bin/rustdoc.exe")),
            ("/opt/bin/rustc", None), // no rustdoc there
            ("rustc", None),          // not a path
            ("/usr/bin/rustc-wrapper", None),
            ("/usr/bin/sccache", None),
        ];
        for (rustc, expected) in cases {
            assert_eq!(
                rustdoc_beside(Path::new(rustc), exists),
                expected.map(PathBuf::from),
                "{rustc}"
            );
        }
    }

    #[test]
    fn releases_are_read_from_version_lines() {
        let cases: &[(&str, Option<(u32, u32)>)] = &[
            ("cargo 1.95.0 (f2d3ce0bd 2026-03-21)", Some((1, 95))),
            (
                "rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)",
                Some((1, 85)),
            ),
            ("rustc 1.96.0-nightly (abc 2026-05-01)", Some((1, 96))),
            ("cargo", None),
            ("", None),
            ("rustc one.two", None),
        ];
        for (line, expected) in cases {
            assert_eq!(release(line), *expected, "{line}");
        }
    }

    #[test]
    fn only_a_newer_cargo_is_a_mismatch() {
        let rustc = Path::new("/usr/bin/rustc");
        assert_eq!(mismatch((1, 85), (1, 85), rustc, None), None);
        assert_eq!(mismatch((1, 84), (1, 85), rustc, None), None);
        let text = mismatch((1, 95), (1, 85), rustc, Some(Path::new("/usr/bin/cargo"))).unwrap();
        assert!(
            text.starts_with("cargo 1.95 is newer than rustc 1.85 (RUSTC=/usr/bin/rustc)"),
            "{text}"
        );
        assert!(text.ends_with("(CARGO=/usr/bin/cargo)"), "{text}");
        assert!(!text.contains('\n'));
    }
}
