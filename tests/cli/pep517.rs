//! `ziglink pep517`: what the ziglink.maturin backend hands maturin, read from the project's
//! pyproject.toml and maturin's build arguments, as JSON.

use std::path::Path;

use serde_json::Value;

use crate::util::{assert_one_line_error, stderr, stdout, ziglink};

fn plan(project: &Path, args: &[&str]) -> Value {
    let out = ziglink(&[&["pep517", "--"], args].concat())
        .current_dir(project)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn project(pyproject: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
    dir
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn the_floor_and_the_tag_reach_maturin_and_cargo_together() {
    let dir = project("[project]\nname = \"x\"\n\n[tool.ziglink]\nglibc = \"2.28\"\n");
    let got = plan(dir.path(), &["--release"]);
    assert_eq!(
        strings(&got["args"]),
        ["--compatibility", "manylinux_2_28", "--release"]
    );
    let env = &got["env"];
    assert_eq!(
        env["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"],
        "ziglink"
    );
    assert_eq!(env["ZIGLINK_GLIBC_X86_64_UNKNOWN_LINUX_GNU"], "2.28");
    assert_eq!(env["CC_x86_64_unknown_linux_gnu"], "ziglink-cc");
    let notes = strings(&got["notes"]);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains("glibc 2.28 ([tool.ziglink] glibc)"),
        "{notes:?}"
    );

    // maturin's own compatibility wins over ziglink's default, and sets the floor.
    let got = plan(
        dir.path(),
        &[
            "--compatibility",
            "manylinux_2_31",
            "--target",
            "aarch64-unknown-linux-gnu",
        ],
    );
    assert_eq!(
        got["env"]["ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU"],
        "2.28"
    );
    let plain = project("");
    let got = plan(plain.path(), &["--compatibility", "manylinux_2_31"]);
    assert_eq!(got["env"]["ZIGLINK_GLIBC_X86_64_UNKNOWN_LINUX_GNU"], "2.31");
}

#[test]
fn mistakes_are_one_line_errors() {
    let dir = project("[tool.ziglink]\nfloor = \"2.28\"\n");
    let out = ziglink(&["pep517", "--", "--release"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        "[tool.ziglink] has no key `floor`; it takes glibc and targets",
    );
    let plain = project("");
    let out = ziglink(&["pep517", "--", "--zig"])
        .current_dir(plain.path())
        .output()
        .unwrap();
    assert_one_line_error(&out, "drop --zig from the build arguments");
}
