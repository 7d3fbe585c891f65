//! A macOS SDK named by `SDKROOT`, for what zig does not ship: Apple's frameworks
//! (CoreFoundation, Security, ...) and the libraries beyond libSystem. zig brings macOS's libc
//! headers and a libSystem stub, enough for std and plain C; an SDK adds its own folders to
//! every link and compile. Without one, a link that names a framework stops with the fix
//! instead of zig's "unable to find framework".

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::call::lead_args::Added;
use crate::platform::osbytes::as_bytes;

/// The variable cc-rs, clang and Apple's tools read the SDK from.
pub const SDKROOT: &str = "SDKROOT";

fn joined(flag: &str, sdk: &Path, below: &str) -> OsString {
    let mut arg = OsString::from(flag);
    arg.push(sdk.join(below));
    arg
}

/// The SDK's library and framework folders, for a link.
pub fn link_lead(sdk: &Path) -> Added {
    Added {
        rule: "apple-sdk",
        reason: "SDKROOT names a macOS SDK: its libraries and frameworks are searched after zig's",
        args: vec![
            joined("-L", sdk, "usr/lib"),
            joined("-F", sdk, "System/Library/Frameworks"),
        ],
    }
}

/// The SDK's headers and framework headers, for a C or C++ compile: after zig's libc headers,
/// which match the libSystem zig links.
pub fn compile_lead(sdk: &Path) -> Added {
    Added {
        rule: "apple-sdk",
        reason:
            "SDKROOT names a macOS SDK: its headers and framework headers are searched after zig's",
        args: vec![
            OsString::from("-idirafter"),
            sdk.join("usr/include").into_os_string(),
            OsString::from("-iframework"),
            sdk.join("System/Library/Frameworks").into_os_string(),
        ],
    }
}

/// The frameworks a link line names (`-framework X`, as rustc passes `kind = "framework"`).
pub fn frameworks(args: &[OsString]) -> Vec<String> {
    args.windows(2)
        .filter(|pair| pair[0] == "-framework")
        .map(|pair| String::from_utf8_lossy(as_bytes(&pair[1])).into_owned())
        .collect()
}

/// The SDK's version from its `SDKSettings.json`, for `doctor`.
pub fn version(sdk: &Path) -> Option<String> {
    let text = std::fs::read_to_string(sdk.join("SDKSettings.json")).ok()?;
    let settings: serde_json::Value = serde_json::from_str(&text).ok()?;
    settings["Version"].as_str().map(str::to_string)
}

/// `SDKROOT` when it is set and names a folder.
pub fn from_value(value: Option<OsString>) -> Option<PathBuf> {
    value
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_frameworks_a_line_names() {
        let line: Vec<OsString> = [
            "a.o",
            "-framework",
            "CoreFoundation",
            "-lSystem",
            "-framework",
            "Security",
            "-framework",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        assert_eq!(frameworks(&line), ["CoreFoundation", "Security"]);
        assert!(frameworks(&line[..1]).is_empty());
    }

    #[test]
    fn adds_the_sdks_folders_and_reads_its_version() {
        let sdk = tempfile::tempdir().unwrap();
        std::fs::write(
            sdk.path().join("SDKSettings.json"),
            r#"{"Version": "14.5"}"#,
        )
        .unwrap();
        assert_eq!(version(sdk.path()).as_deref(), Some("14.5"));
        assert_eq!(
            from_value(Some(sdk.path().into())).as_deref(),
            Some(sdk.path())
        );
        assert_eq!(from_value(Some("".into())), None);
        assert_eq!(from_value(Some(sdk.path().join("missing").into())), None);
        let link = link_lead(sdk.path()).args;
        assert_eq!(
            link[1],
            joined("-F", sdk.path(), "System/Library/Frameworks")
        );
        let compile = compile_lead(sdk.path()).args;
        assert_eq!(compile[0], "-idirafter");
    }
}
