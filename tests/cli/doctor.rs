//! `ziglink doctor`: what it reports, and its exit code.

use crate::util::{fakes, own_dir, recorded, ziglink, Faked, ZIGLINK};

#[test]
fn doctor_reports_zig_and_exits_zero_when_links_can_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = format!("{}:/usr/bin:/bin", own_dir().display());
    let out = ziglink(&["doctor"])
        .faked(dir.path(), 0)
        .env("PATH", &path)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let zig = fakes().join("zig");
    for expected in [
        format!("ziglink {} at {ZIGLINK}", env!("CARGO_PKG_VERSION")),
        format!("zig 0.17.1 at {} (found by ZIGLINK_ZIG)", zig.display()),
        format!(
            "zig cache: {}/.cache/zig (zig's default, writable)",
            dir.path().display()
        ),
        "x86_64-unknown-linux-gnu".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in:\n{text}");
    }
    assert_eq!(recorded(dir.path()), ["version"]);
}

#[test]
fn doctor_fails_with_the_fix_when_zig_is_missing_or_broken() {
    let dir = tempfile::tempdir().unwrap();
    let out = ziglink(&["doctor"])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error: cannot find zig"), "{text}");
    assert!(text.contains("fix: `pip install ziglang`"), "{text}");
    assert!(text.contains("warning: `ziglink` is not on PATH"), "{text}");

    let out = ziglink(&["doctor", "--json"])
        .faked(dir.path(), 3)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.starts_with("{\n  \"ok\": false,"), "{text}");
    assert!(
        text.contains("does not run: exited with exit status: 3: zig says hello"),
        "{text}"
    );
}

#[test]
fn doctor_shows_the_macos_sdk_sdkroot_names() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = dir.path().join("MacOSX14.5.sdk");
    std::fs::create_dir(&sdk).unwrap();
    std::fs::write(sdk.join("SDKSettings.json"), r#"{"Version": "14.5"}"#).unwrap();
    let report = |sdkroot: Option<&std::path::Path>, json: bool| {
        let mut cmd = ziglink(if json {
            &["doctor", "--json"]
        } else {
            &["doctor"]
        });
        cmd.faked(dir.path(), 0).env("HOME", dir.path());
        match sdkroot {
            Some(path) => cmd.env("SDKROOT", path),
            None => cmd.env_remove("SDKROOT"),
        };
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let text = report(Some(&sdk), false);
    let line = format!("macOS SDK: {} (version 14.5, from SDKROOT)", sdk.display());
    assert!(text.contains(&line), "{line:?} not in:\n{text}");
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("aarch64-apple-darwin "));
    assert!(
        row.is_some_and(|r| r.contains(" aarch64-macos.11.0-none ")),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&report(Some(&sdk), true)).unwrap();
    assert_eq!(json["macos_sdk"]["version"], "14.5");
    let none = report(None, false);
    assert!(none.contains("macOS SDK: none (SDKROOT unset)"), "{none}");
}
