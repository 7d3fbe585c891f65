//! The manylinux policy check after a link, on a file the host's C compiler made in place of
//! zig's output (the fake zig writes nothing): a shared object that asks libz for ZLIB_1.2.9,
//! which manylinux2014 does not allow, while keeping to the glibc 2.17 floor.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{assert_one_line_error, stderr, ziglink, Faked, RUSTLIB_X86_64};

const WARNING: &str = "asks for `ZLIB_1.2.9` from `libz.so.1`, which manylinux2014 (glibc 2.17) \
                       for x86_64 does not allow";

/// `name` in `dir`: a shared object calling zlib's `crc32_z`, built by the host's `cc`.
fn zlib_user(dir: &Path, name: &str) -> PathBuf {
    let source = dir.join("crc.c");
    std::fs::write(
        &source,
        "unsigned long crc32_z(unsigned long, const unsigned char *, unsigned long);\n\
         unsigned long crc(const unsigned char *b, unsigned long n) { return crc32_z(0, b, n); }\n",
    )
    .unwrap();
    let out = dir.join(name);
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&out)
        .arg(&source)
        .arg("-lz")
        .output()
        .expect("cc runs");
    assert!(
        built.status.success(),
        "cc -lz (zlib1g-dev): {}",
        stderr(&built)
    );
    out
}

fn link(dir: &Path, output: &Path, vars: &[(&str, &str)]) -> Output {
    ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o", output.to_str().unwrap()])
        .faked(dir, 0)
        .envs(vars.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn a_file_beyond_the_policy_is_a_warning_and_the_link_stands() {
    let dir = tempfile::tempdir().unwrap();
    let so = zlib_user(dir.path(), "libext.so");
    let report = dir.path().join("report");
    let out = link(
        dir.path(),
        &so,
        &[("ZIGLINK_REPORT", report.to_str().unwrap())],
    );
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("ziglink: warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(warnings[0].contains(WARNING), "{text}");
    assert!(so.exists());
    // The same line, for a caller that hides the linker's output when the link succeeds.
    let reported = std::fs::read_to_string(&report).unwrap();
    assert_eq!(reported, format!("{}\n", warnings[0]));
}

#[test]
fn strict_fails_the_link_and_removes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let so = zlib_user(dir.path(), "libext.so");
    let out = link(dir.path(), &so, &[("ZIGLINK_POLICY", "strict")]);
    // The fake zig's own line comes first; ziglink's error is the one line after it.
    let text = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("ziglink: error: ") && last.contains(WARNING),
        "{text}"
    );
    assert!(last.ends_with("(the file was removed); set ZIGLINK_POLICY=warn to only warn"));
    assert!(!so.exists());
}

#[test]
fn off_newer_floors_and_build_scripts_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = |out: &Output| {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
        assert!(!stderr(out).contains("warning"), "{}", stderr(out));
    };
    let so = zlib_user(dir.path(), "libext.so");
    quiet(&link(dir.path(), &so, &[("ZIGLINK_POLICY", "off")]));
    // manylinux_2_28 allows ZLIB_1.2.9.
    quiet(&link(dir.path(), &so, &[("ZIGLINK_GLIBC", "2.28")]));
    let script = zlib_user(dir.path(), "build_script_build-0a1b2c");
    quiet(&link(dir.path(), &script, &[]));
}

#[test]
fn a_malformed_setting_stops_the_link_before_zig() {
    let dir = tempfile::tempdir().unwrap();
    let out = link(
        dir.path(),
        &dir.path().join("x"),
        &[("ZIGLINK_POLICY", "loud")],
    );
    assert_one_line_error(
        &out,
        "malformed ZIGLINK_POLICY `loud`: expected warn, strict or off",
    );
}
