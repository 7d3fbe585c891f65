//! ZIGLINK_REPRODUCIBLE and `ziglink cargo --reproducible`: folder names, dates and build ids
//! that do not depend on the machine.

use std::fs;
use std::path::PathBuf;

use crate::util::{assert_one_line_error, fakes, recorded, tool, ziglink, Faked, RUSTLIB_X86_64};

#[test]
fn reproducible_compiles_name_folders_and_pin_the_date() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    let out_dir = pkg.join("target/out");
    fs::create_dir_all(&out_dir).unwrap();
    let status = tool("ziglink-cc")
        .args(["-c", "x.c"])
        .faked(dir.path(), 0)
        .current_dir(&pkg)
        .env("TARGET", "x86_64-unknown-linux-gnu")
        .env("ZIGLINK_REPRODUCIBLE", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("CARGO_MANIFEST_DIR", &pkg)
        .env("CARGO_PKG_NAME", "pkg")
        .env("CARGO_PKG_VERSION", "1.2.3")
        .env("OUT_DIR", &out_dir)
        .env("CARGO_HOME", "/nonexistent/cargo")
        .status()
        .unwrap();
    assert!(status.success());
    let zig_dir = fakes().canonicalize().unwrap();
    let mut maps = [
        (zig_dir.join("lib"), "zig/lib"),
        (zig_dir.parent().unwrap().join("lib/zig"), "zig/lib"),
        (PathBuf::from("/nonexistent/cargo"), "cargo-home"),
        (pkg.clone(), "pkg-1.2.3"),
        (out_dir.clone(), "pkg-1.2.3/OUT_DIR"),
    ];
    // Shorter folders first, so that the most specific map wins.
    maps.sort_by_key(|(from, _)| from.as_os_str().len());
    let maps = maps
        .iter()
        .map(|(from, to)| format!("-ffile-prefix-map={}={to}", from.display()));
    let mut expected = vec![
        "cc",
        "-target",
        "x86_64-linux-gnu.2.17",
        "-fno-sanitize=all",
        "-U__VERSION__",
        "-D__VERSION__=\"Clang \" __clang_version__ \"(zig 0.17.1)\"",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    expected.extend(maps);
    expected.extend(
        [
            "-Xclang",
            "-source-date-epoch",
            "-Xclang",
            "1700000000",
            "-Wno-date-time",
            "-c",
            "x.c",
        ]
        .map(String::from),
    );
    assert_eq!(recorded(dir.path()), expected);
}

#[test]
fn malformed_source_date_epoch_is_one_clear_line() {
    let out = tool("ziglink-cc")
        .args(["-c", "x.c"])
        .env("TARGET", "x86_64-unknown-linux-gnu")
        .env("ZIGLINK_ZIG", fakes().join("zig"))
        .env("ZIGLINK_REPRODUCIBLE", "1")
        .env("SOURCE_DATE_EPOCH", "last tuesday")
        .output()
        .unwrap();
    assert_one_line_error(&out, "SOURCE_DATE_EPOCH is `last tuesday`");
}

#[test]
fn reproducible_links_get_a_sha1_build_id() {
    let dir = tempfile::tempdir().unwrap();
    let status = ziglink(&[RUSTLIB_X86_64, "/t/main.o", "-o", "/t/out"])
        .faked(dir.path(), 0)
        .env("ZIGLINK_REPRODUCIBLE", "1")
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        recorded(dir.path()).last().map(String::as_str),
        Some("-Wl,--build-id=sha1")
    );
}

#[test]
fn cargo_subcommand_reproducible_remaps_without_dropping_the_users_rustflags() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = "/src/my ws";
    let remaps = format!(
        "--remap-path-prefix={workspace}=.\u{1f}--remap-path-prefix=/home/u/.cargo=cargo-home"
    );
    // No flags in the environment: ours join build.rustflags, before the subcommand.
    let status = ziglink(&["cargo", "+stable", "--reproducible", "build"])
        .faked(dir.path(), 0)
        .env("FAKE_WORKSPACE", workspace)
        .env("HOME", "/home/u")
        .status()
        .unwrap();
    assert!(status.success());
    let config = format!(
        "build.rustflags=[{}]",
        remaps
            .split('\u{1f}')
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let log = recorded(dir.path());
    assert_eq!(log[..4], ["+stable", "--config", config.as_str(), "build"]);
    assert!(
        log.contains(&"ZIGLINK_REPRODUCIBLE=1".to_string()),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.starts_with("CARGO_ENCODED_RUSTFLAGS")));

    // RUSTFLAGS set: cargo reads only that, so ours are appended to it (the switch may also
    // come from the environment).
    let status = ziglink(&["cargo", "build"])
        .faked(dir.path(), 0)
        .env("FAKE_WORKSPACE", workspace)
        .env("HOME", "/home/u")
        .env("RUSTFLAGS", "-C target-cpu=native")
        .env("ZIGLINK_REPRODUCIBLE", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let log = recorded(dir.path());
    assert_eq!(log[0], "build");
    let encoded = format!("CARGO_ENCODED_RUSTFLAGS=-C\u{1f}target-cpu=native\u{1f}{remaps}");
    assert!(log.contains(&encoded), "{log:?}");
}
