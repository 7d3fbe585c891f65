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
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("aarch64-unknown-linux-gnu "))
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    assert_eq!(
        row,
        ["aarch64-unknown-linux-gnu", "aarch64-linux-gnu", "2.17"],
        "{table}"
    );
}
