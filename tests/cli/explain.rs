//! `ziglink explain` and ZIGLINK_EXPLAIN: the rules applied to a line, and what zig rejected.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::util::{assert_one_line_error, stderr, ziglink, Faked, RUSTLIB_X86_64};

#[test]
fn explain_prints_rules_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = ziglink(&[
        "explain",
        "--",
        "-m64",
        "/t/main.o",
        "-lgcc_s",
        "-Wl,--icf=all",
        RUSTLIB_X86_64,
        "-o",
        "/t/out",
    ])
    .faked(dir.path(), 0)
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        text.contains("replaced  -lgcc_s -> -lunwind\n            [gcc-s] "),
        "{text}"
    );
    assert!(text.contains("unknown   linker option --icf=all"), "{text}");
    assert!(text.contains("command: "), "{text}");
    assert!(!dir.path().join("argv").exists(), "zig ran");

    let refused = ziglink(&["explain", "--tool", "cc", "--", "-static", "-c", "x.c"])
        .env("TARGET", "x86_64-unknown-linux-gnu")
        .output()
        .unwrap();
    assert_one_line_error(&refused, "`-static` cannot be honoured");
}

#[test]
fn explain_says_why_a_release_link_keeps_its_symbols_and_how_to_drop_them() {
    let out = ziglink(&[
        "explain",
        "--",
        "/t/main.o",
        "-Wl,--strip-debug",
        RUSTLIB_X86_64,
        "-o",
        "/t/out",
    ])
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        text.contains("dropped   -Wl,--strip-debug\n            [strip-debug] "),
        "{text}"
    );
    assert!(text.contains("strip = true"), "{text}");
}

#[test]
fn explain_variable_explains_a_real_call_and_names_what_zig_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("zig");
    fs::write(
        &fake,
        "#!/bin/sh\necho 'error: unsupported linker arg: --icf' >&2\nexit 1\n",
    )
    .unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    let out = ziglink(&["/t/main.o", "-Wl,--icf=all", RUSTLIB_X86_64, "-o", "/t/out"])
        .env("ZIGLINK_ZIG", &fake)
        .env("ZIGLINK_EXPLAIN", "1")
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("ziglink explain: link for x86_64-unknown-linux-gnu"),
        "{text}"
    );
    assert!(
        text.contains("error: unsupported linker arg: --icf\n"),
        "{text}"
    );
    assert!(
        text.contains("ziglink: zig rejected `--icf`, which no rule handles; add a row"),
        "{text}"
    );
}

#[test]
fn explain_shows_each_mach_o_rule_on_a_recorded_rustc_line() {
    let recorded = include_str!("../fixtures/link-lines/aarch64-apple-darwin-pyo3.txt");
    let line: Vec<&str> = recorded.lines().filter(|l| !l.starts_with('#')).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["explain", "--target", "aarch64-apple-darwin", "--"];
    args.extend(&line);
    let out = ziglink(&args)
        .faked(dir.path(), 0)
        .env_remove("MACOSX_DEPLOYMENT_TARGET")
        .env_remove("SDKROOT")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = [
        "ziglink explain: link for aarch64-apple-darwin (macOS floor 11.0)",
        "added     -target aarch64-macos.11.0-none",
        "kept      -Wl,-exported_symbols_list -Wl,/tmp/rustcXXXXXX/list\n            [apple-exported-symbols] ",
        "dropped   -mmacosx-version-min=11.0.0\n            [macos-version-min] ",
        "[apple-stubs] zig ships no libiconv",
    ];
    for part in expected {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
    assert!(!text.contains("unknown"), "every option is known:\n{text}");
    assert!(!dir.path().join("argv").exists(), "zig ran");
}

#[test]
fn explain_shows_each_windows_rule_on_a_recorded_rustc_line() {
    let recorded = include_str!("../fixtures/link-lines/i686-pc-windows-gnu-dll.txt");
    let line: Vec<&str> = recorded.lines().filter(|l| !l.starts_with('#')).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["explain", "--target", "i686-pc-windows-gnu", "--"];
    args.extend(&line);
    let out = ziglink(&args).faked(dir.path(), 0).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = [
        "ziglink explain: link for i686-pc-windows-gnu",
        "added     -target x86-windows-gnu",
        "replaced  -Wl,/tmp/rustcXXXXXX/list.def -> /tmp/rustcXXXXXX/list.def\n            [windows-def-file] ",
        "dropped   -Wl,--large-address-aware\n            [large-address-aware] ",
        "dropped   /b/rtstartup/rsbegin.o\n            [i686-rsbegin] ",
        "dropped   -lmsvcrt\n            [mingw-gcc-libs] ",
        "dropped   -Wl,--strip-debug\n            [windows-strip-debug] ",
    ];
    for part in expected {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
    assert!(!text.contains("unknown"), "every option is known:\n{text}");
    assert!(!dir.path().join("argv").exists(), "zig ran");
}

#[test]
fn explain_refuses_msvc_targets_and_names_the_way_out() {
    let out = ziglink(&["explain", "--target", "x86_64-pc-windows-msvc", "--", "a.o"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        err.contains("cargo-xwin") && err.contains("`x86_64-pc-windows-gnu`"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
