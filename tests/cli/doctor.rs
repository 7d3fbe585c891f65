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
