//! The post-link check for apple targets: a file linked for deployment target F must be built
//! for F. zig writes F into every file it links, whatever its inputs were built for, so the
//! check reads both: the file's own `LC_BUILD_VERSION` (or `LC_VERSION_MIN_MACOSX`), and the
//! objects and archive members the line gave zig, any of which may have been compiled for a
//! newer macOS and may then call what an older one lacks. Apple's linker only warns about the
//! second; a wheel tagged for F that does not load on F is the failure this prevents. Beside
//! it, for arm64, the check that the file still matches the code signature zig gave it.

use std::ffi::OsString;
use std::path::Path;

use crate::call::after_link::link_inputs::{self, Kind};
use crate::call::after_link::macho_signature;
use crate::call::after_link::macho_versions;
use crate::error::{Error, Result};
use crate::target::macos::MacOs;

/// Why the file needs more than the floor, in words for [`Error::MacOsAboveFloor`].
fn violation(output: &Path, floor: MacOs, args: &[OsString]) -> Result<Option<String>> {
    let file = std::fs::File::open(output).map_err(|e| unreadable(output, e.to_string()))?;
    let cache = object::read::ReadCache::new(file);
    let images = macho_versions::images(&cache).map_err(|reason| unreadable(output, reason))?;
    let built_for = images.iter().filter_map(|i| i.minos).max();
    match built_for {
        None => return Err(unreadable(output, "it names no macOS version".into())),
        Some(minos) if minos > floor => return Ok(Some(format!("is built for macOS {minos}"))),
        Some(_) => {}
    }
    Ok(newest_input(args)
        .filter(|(_, minos)| *minos > floor)
        .map(|(input, minos)| format!("links `{input}`, built for macOS {minos}")))
}

/// The input built for the newest macOS, as `path` or `archive(member)`.
fn newest_input(args: &[OsString]) -> Option<(String, MacOs)> {
    let mut newest: Option<(String, MacOs)> = None;
    let mut consider = |name: String, minos: MacOs| {
        if newest.as_ref().is_none_or(|(_, seen)| minos > *seen) {
            newest = Some((name, minos));
        }
    };
    for input in link_inputs::inputs(args) {
        let Some((path, kind)) = input.candidates.iter().find(|(p, _)| p.is_file()) else {
            continue;
        };
        let Ok(file) = std::fs::File::open(path) else {
            continue;
        };
        let cache = object::read::ReadCache::new(file);
        match kind {
            Kind::Object => {
                let images = macho_versions::images(&cache).unwrap_or_default();
                if let Some(minos) = images.iter().filter_map(|i| i.minos).max() {
                    consider(input.given.clone(), minos);
                }
            }
            Kind::Archive => {
                for (member, minos) in macho_versions::archive_members(&cache) {
                    consider(format!("{}({member})", input.given), minos);
                }
            }
            Kind::Shared => {}
        }
    }
    newest
}

fn unreadable(output: &Path, reason: String) -> Error {
    Error::CheckUnreadable {
        output: output.to_path_buf(),
        reason,
    }
}

/// Checks the file a link of `args` wrote, and removes it when it breaks the floor, so that
/// nothing packs it into a wheel by mistake.
pub fn check_output(
    output: &Path,
    floor: MacOs,
    target: &'static str,
    args: &[OsString],
) -> Result<()> {
    match violation(output, floor, args)? {
        None => Ok(()),
        Some(cause) => Err(Error::MacOsAboveFloor {
            removed: std::fs::remove_file(output).is_ok(),
            output: output.to_path_buf(),
            cause,
            floor: floor.to_string(),
            target,
        }),
    }
}

/// Checks that the arm64 code of the file a link for `target` wrote matches its code signature,
/// and removes the file when it does not: macOS would kill whatever loads it, at the first
/// page that does not match, far from the build that broke it. Other targets pass unread, as
/// only arm64 macOS insists on signed code.
pub fn check_signature(output: &Path, target: &'static str) -> Result<()> {
    if !target.starts_with("aarch64-") {
        return Ok(());
    }
    let data = std::fs::read(output).map_err(|e| unreadable(output, e.to_string()))?;
    let breaches = macho_signature::breaches(&data).map_err(|reason| unreadable(output, reason))?;
    if breaches.is_empty() {
        return Ok(());
    }
    Err(Error::MacOsSignatureBroken {
        removed: std::fs::remove_file(output).is_ok(),
        output: output.to_path_buf(),
        cause: macho_signature::describe(&breaches),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::after_link::macho_versions::{build_version, thin};
    use object::macho::{CPU_TYPE_ARM64, PLATFORM_MACOS};

    fn built_for(packed: u32) -> Vec<u8> {
        thin(CPU_TYPE_ARM64, &build_version(PLATFORM_MACOS, packed))
    }

    #[test]
    fn refuses_a_file_or_an_input_above_the_floor_and_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let [output, old, new] = ["out", "old.o", "new.o"].map(|n| dir.path().join(n));
        std::fs::write(&old, built_for(0x000b_0000)).unwrap();
        std::fs::write(&new, built_for(0x000e_0000)).unwrap();
        let line = |inputs: &[&Path]| -> Vec<OsString> {
            let mut args: Vec<OsString> = inputs.iter().map(|p| p.as_os_str().into()).collect();
            args.extend([
                "-lSystem".into(),
                "-o".into(),
                output.clone().into_os_string(),
            ]);
            args
        };
        let floor = MacOs::new(11, 0);
        let target = "aarch64-apple-darwin";

        std::fs::write(&output, built_for(0x000b_0000)).unwrap();
        assert!(check_output(&output, floor, target, &line(&[&old])).is_ok());

        let error = check_output(&output, floor, target, &line(&[&old, &new]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("links `{}`, built for macOS 14.0", new.display())),
            "{error}"
        );
        assert!(error.contains("(the file was removed)"), "{error}");
        assert!(!output.exists());

        std::fs::write(&output, built_for(0x000d_0000)).unwrap();
        let error = check_output(&output, floor, target, &line(&[&old])).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("is built for macOS 13.0, above the deployment target macOS 11.0"),
            "{error}"
        );

        let missing = check_output(&output, floor, target, &line(&[])).unwrap_err();
        assert!(
            matches!(missing, Error::CheckUnreadable { .. }),
            "{missing}"
        );
    }

    #[test]
    fn refuses_and_removes_arm64_code_that_does_not_match_its_signature() {
        use crate::call::after_link::code_signature::{signed, Spec};

        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out");
        let (mut image, _) = signed(Spec::default());
        let arm = "aarch64-apple-darwin";
        std::fs::write(&output, &image).unwrap();
        assert!(check_signature(&output, arm).is_ok());
        assert!(output.exists());

        image[2100] ^= 1;
        std::fs::write(&output, &image).unwrap();
        // x86_64 macOS runs unsigned code: its links are not read for this.
        assert!(check_signature(&output, "x86_64-apple-darwin").is_ok());
        let error = check_signature(&output, arm).unwrap_err();
        assert!(
            matches!(error, Error::MacOsSignatureBroken { .. }),
            "{error}"
        );
        let text = error.to_string();
        assert!(
            text.contains(&format!(
                "`{}`: arm64: page 3 of 4 (at byte 0x800) does not match its hash in the code \
                 signature, so macOS would kill a process that maps it",
                output.display()
            )),
            "{text}"
        );
        assert!(
            text.contains("or link again (the file was removed)"),
            "{text}"
        );
        assert!(!output.exists());

        // `-o /dev/null`, or a file gone: a warning, not a failure.
        let missing = check_signature(&output, arm).unwrap_err();
        assert!(
            matches!(missing, Error::CheckUnreadable { .. }),
            "{missing}"
        );
    }
}
