//! `--target universal2-apple-darwin`, which rustc does not know: `ziglink cargo` builds
//! `x86_64-apple-darwin` and `aarch64-apple-darwin` in one cargo run instead, reads the files
//! cargo made from its JSON messages, and merges each x86_64/arm64 pair of Mach-O files into one
//! fat file under `target/universal2-apple-darwin/<profile>/`.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::call::after_link::macho_signature;
use crate::error::{Error, Result};
use crate::target::universal2::{AARCH64, TRIPLE, X86_64};

/// Artifact messages on stdout for ziglink to read; diagnostics rendered on stderr as usual.
pub const MESSAGE_FORMAT: &str = "--message-format=json-render-diagnostics";

/// The files cargo's `--message-format=json` stream says it made, in order.
pub fn artifact_files(stream: &str) -> Vec<PathBuf> {
    stream
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .flat_map(|message| {
            message["filenames"]
                .as_array()
                .map(|names| {
                    names
                        .iter()
                        .filter_map(|n| n.as_str().map(PathBuf::from))
                        .collect()
                })
                .unwrap_or_else(Vec::new)
        })
        .collect()
}

/// One fat file to write from two thin ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub x86_64: PathBuf,
    pub aarch64: PathBuf,
    pub fat: PathBuf,
}

/// Each aarch64 file with its x86_64 twin among `files`: the same path with the other triple
/// as one folder name. Libraries and binaries alike; which are Mach-O is for [`merge`] to see.
pub fn pairs(files: &[PathBuf]) -> Vec<Pair> {
    files
        .iter()
        .filter_map(|arm| {
            let x86 = with_triple(arm, AARCH64, X86_64)?;
            files.contains(&x86).then(|| Pair {
                fat: with_triple(arm, AARCH64, TRIPLE).unwrap_or_default(),
                x86_64: x86,
                aarch64: arm.clone(),
            })
        })
        .collect()
}

/// `path` with the last folder named `from` renamed `to`, if it has one.
fn with_triple(path: &Path, from: &str, to: &str) -> Option<PathBuf> {
    let parts: Vec<Component> = path.components().collect();
    let at = parts.iter().rposition(|c| c.as_os_str() == from)?;
    let mut out = PathBuf::new();
    for (i, part) in parts.iter().enumerate() {
        out.push(if i == at {
            Path::new(to)
        } else {
            Path::new(part.as_os_str())
        });
    }
    Some(out)
}

/// Whether a file starts like a thin Mach-O image (the only kind a fat file holds).
fn is_thin_mach_o(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    let read =
        std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic));
    read.is_ok()
        && matches!(
            u32::from_le_bytes(magic),
            object::macho::MH_MAGIC_64 | object::macho::MH_MAGIC
        )
}

/// Writes `pair.fat` from its two halves, whole or not at all, keeping the mode of the arm64
/// half (executables stay executable), and not at all when its arm64 slice does not match its
/// code signature. `Ok(false)` when the pair is not Mach-O (an rlib, a dep-info file) and there
/// is nothing to merge.
pub fn merge(pair: &Pair) -> Result<bool> {
    if !is_thin_mach_o(&pair.x86_64) || !is_thin_mach_o(&pair.aarch64) {
        return Ok(false);
    }
    let fail = |reason: String| Error::Universal2 {
        path: pair.fat.clone(),
        reason,
    };
    let mut fat = fat_macho::FatWriter::new();
    for half in [&pair.x86_64, &pair.aarch64] {
        let bytes = std::fs::read(half).map_err(|e| fail(format!("{}: {e}", half.display())))?;
        fat.add(bytes)
            .map_err(|e| fail(format!("{}: {e}", half.display())))?;
    }
    let mut bytes = Vec::new();
    fat.write_to(&mut bytes).map_err(|e| fail(e.to_string()))?;
    // The arm64 half went through a link's check, but may have been edited since (a build
    // script, a strip): a fat file macOS kills on load is worse than none. A file the check
    // cannot read (an unknown hash type) is left to macOS.
    if let Ok(breaches) = macho_signature::breaches(&bytes) {
        if !breaches.is_empty() {
            return Err(fail(format!(
                "{}, so macOS would kill a process that maps it; sign `{}` again or build it \
                 again",
                macho_signature::describe(&breaches),
                pair.aarch64.display()
            )));
        }
    }
    let dir = pair.fat.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    let mut out = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(e.to_string()))?;
    out.as_file_mut()
        .write_all(&bytes)
        .map_err(|e| fail(e.to_string()))?;
    out.as_file_mut().flush().map_err(|e| fail(e.to_string()))?;
    let mode = std::fs::metadata(&pair.aarch64)
        .map_err(|e| fail(e.to_string()))?
        .permissions();
    std::fs::set_permissions(out.path(), mode).map_err(|e| fail(e.to_string()))?;
    out.persist(&pair.fat)
        .map_err(|e| fail(e.error.to_string()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_the_files_cargo_made_for_both_arches() {
        let stream = [
            r#"{"reason":"compiler-artifact","filenames":["/t/x86_64-apple-darwin/release/hello","/t/x86_64-apple-darwin/release/libm.rlib"]}"#,
            r#"{"reason":"build-script-executed","filenames":["/t/release/build/x"]}"#,
            "not json",
            r#"{"reason":"compiler-artifact","filenames":["/t/aarch64-apple-darwin/release/hello","/t/aarch64-apple-darwin/release/libm.rlib","/t/aarch64-apple-darwin/release/only-arm"]}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        let files = artifact_files(&stream);
        assert_eq!(files.len(), 5);
        let found: Vec<(String, String)> = pairs(&files)
            .iter()
            .map(|p| (p.x86_64.display().to_string(), p.fat.display().to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/t/x86_64-apple-darwin/release/hello".to_string(),
                    "/t/universal2-apple-darwin/release/hello".to_string()
                ),
                (
                    "/t/x86_64-apple-darwin/release/libm.rlib".to_string(),
                    "/t/universal2-apple-darwin/release/libm.rlib".to_string()
                ),
            ]
        );
    }

    #[test]
    fn merges_only_mach_o_files() {
        let dir = tempfile::tempdir().unwrap();
        let x86 = dir.path().join("x86_64-apple-darwin").join("lib.rlib");
        let arm = dir.path().join("aarch64-apple-darwin").join("lib.rlib");
        for path in [&x86, &arm] {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"!<arch>\n").unwrap();
        }
        let pair = Pair {
            fat: dir.path().join("universal2-apple-darwin").join("lib.rlib"),
            x86_64: x86,
            aarch64: arm,
        };
        assert!(!merge(&pair).unwrap());
        assert!(!pair.fat.exists());
    }

    #[test]
    fn refuses_to_merge_an_arm64_half_that_does_not_match_its_signature() {
        use crate::call::after_link::code_signature::{signed, Spec};
        use crate::call::after_link::macho_signature::breaches;
        use crate::call::after_link::macho_versions::thin;
        use object::macho::{CPU_TYPE_X86_64, LC_VERSION_MIN_MACOSX};

        let dir = tempfile::tempdir().unwrap();
        let x86 = dir.path().join("x86_64-apple-darwin").join("hello");
        let arm = dir.path().join("aarch64-apple-darwin").join("hello");
        for path in [&x86, &arm] {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        std::fs::write(
            &x86,
            thin(
                CPU_TYPE_X86_64,
                &[LC_VERSION_MIN_MACOSX, 16, 0x000a_0c00, 0],
            ),
        )
        .unwrap();
        let (mut image, _) = signed(Spec::default());
        std::fs::write(&arm, &image).unwrap();
        let pair = Pair {
            fat: dir.path().join("universal2-apple-darwin").join("hello"),
            x86_64: x86,
            aarch64: arm.clone(),
        };
        assert!(merge(&pair).unwrap());
        assert_eq!(breaches(&std::fs::read(&pair.fat).unwrap()), Ok(Vec::new()));

        std::fs::remove_file(&pair.fat).unwrap();
        image[200] ^= 1;
        std::fs::write(&arm, &image).unwrap();
        let error = merge(&pair).unwrap_err();
        assert!(matches!(error, Error::Universal2 { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("the arm64 slice: page 1 of 4 (at byte 0x0) does not match"),
            "{error}"
        );
        assert!(!pair.fat.exists());
    }
}
