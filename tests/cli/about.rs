//! What ziglink says about itself: its version, its help and its table of targets.

use crate::util::ziglink;

#[test]
fn version_and_help() {
    let out = ziglink(&["--version"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("ziglink {}", env!("CARGO_PKG_VERSION"))
    );
    let out = ziglink(&["--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for needle in [
        "linker = \"ziglink\"",
        "ZIGLINK_GLIBC",
        "ZIGLINK_ZIG",
        "targets",
    ] {
        assert!(
            help.contains(needle),
            "{needle} missing from --help:\n{help}"
        );
    }
}

#[test]
fn targets_lists_the_table() {
    let out = ziglink(&["targets"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    let row = |triple: &str| -> Vec<&str> {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{triple} ")))
            .map(|l| l.split_whitespace().take(4).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        row("aarch64-unknown-linux-gnu"),
        [
            "aarch64-unknown-linux-gnu",
            "aarch64-linux-gnu",
            "glibc",
            "2.17"
        ],
        "{table}"
    );
    assert_eq!(
        row("aarch64-apple-darwin"),
        [
            "aarch64-apple-darwin",
            "aarch64-macos-none",
            "macOS",
            "11.0"
        ],
        "{table}"
    );
}

#[test]
fn targets_json_is_one_object_per_target() {
    let out = ziglink(&["targets", "--json"]).output().unwrap();
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let musl = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rust"] == "aarch64-unknown-linux-musl")
        .unwrap();
    assert_eq!(musl["zig"], "aarch64-linux-musl");
    assert!(musl["lowest_floor"].is_null());
}
