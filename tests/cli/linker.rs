//! Link mode, as rustc runs ziglink: the line zig gets, where the target and the glibc floor
//! come from, response files, and the one-line errors for what cannot be linked.

use std::fs;

use crate::util::{assert_one_line_error, fakes, recorded, stderr, ziglink, Faked, RUSTLIB_X86_64};

#[test]
fn passes_the_translated_line_to_zig_and_its_exit_code_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = ziglink(&[
        "-m64",
        "/t/main.o",
        "-lgcc_s",
        "-fuse-ld=lld",
        "-B/sysroot/lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld",
        RUSTLIB_X86_64,
        "-o",
        "/t/out",
    ])
    .faked(dir.path(), 3)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stderr(&out), "zig says hello\n");
    assert_eq!(
        recorded(dir.path()),
        [
            "cc",
            "-target",
            "x86_64-linux-gnu.2.17",
            "-fsanitize-trap=undefined",
            "-m64",
            "/t/main.o",
            "-lunwind",
            RUSTLIB_X86_64,
            "-o",
            "/t/out"
        ]
    );
}

#[test]
fn target_and_floor_come_from_the_environment_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = ziglink(&["/t/a.o", RUSTLIB_X86_64]);
        cmd.faked(dir.path(), 0).envs(vars.iter().copied());
        assert!(cmd.status().unwrap().success());
        recorded(dir.path())[..4].to_vec()
    };
    assert_eq!(
        run(&[("ZIGLINK_GLIBC", "2.28")])[..3],
        ["cc", "-target", "x86_64-linux-gnu.2.28"]
    );
    assert_eq!(
        run(&[("ZIGLINK_TARGET", "s390x-unknown-linux-gnu.2.19")]),
        ["cc", "-target", "s390x-linux-gnu.2.19", "-mcpu=z10-vector"]
    );
}

#[test]
fn response_files_are_translated_into_a_zig_file_that_is_removed_after() {
    let dir = tempfile::tempdir().unwrap();
    let rustc_tmp = dir.path().join("rustcXYZ");
    fs::create_dir(&rustc_tmp).unwrap();
    let rsp = rustc_tmp.join("linker-arguments");
    fs::write(
        &rsp,
        format!("-m64\n/my\\ dir/main.o\n-lgcc_s\n{RUSTLIB_X86_64}\n-Wl,-O1\n"),
    )
    .unwrap();
    let out = ziglink(&[&format!("@{}", rsp.display())])
        .faked(dir.path(), 0)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = recorded(dir.path());
    assert_eq!(
        seen[..4],
        [
            "cc",
            "-target",
            "x86_64-linux-gnu.2.17",
            "-fsanitize-trap=undefined"
        ]
    );
    assert!(seen[4].starts_with(&format!("@{}/ziglink-", rustc_tmp.display())));
    assert_eq!(
        seen[5..],
        ["-m64", "\"/my dir/main.o\"", "-lunwind", RUSTLIB_X86_64]
    );
    let left: Vec<_> = fs::read_dir(&rustc_tmp).unwrap().collect();
    assert_eq!(left.len(), 1, "only rustc's own file may remain: {left:?}");
}

#[test]
fn missing_zig_is_one_clear_line() {
    let out = ziglink(&["/t/a.o", RUSTLIB_X86_64]).output().unwrap();
    assert_one_line_error(&out, "cannot find zig: install the `ziglang` package");

    let out = ziglink(&["/t/a.o", RUSTLIB_X86_64])
        .env("ZIGLINK_ZIG", "/no/such/zig")
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        "ZIGLINK_ZIG is set to `/no/such/zig`, which does not exist",
    );
}

#[test]
fn targets_zig_cannot_link_are_refused_before_zig_runs() {
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            &["/t/a.o", "-L/s/lib/rustlib/wasm32-unknown-unknown/lib"],
            &[],
            "unsupported target `wasm32-unknown-unknown`; supported targets: x86_64-unknown-linux-gnu",
        ),
        (
            &["/t/a.o"],
            &[("ZIGLINK_TARGET", "x86_64-unknown-redox")],
            "unsupported target `x86_64-unknown-redox`",
        ),
        (
            &["/t/a.o", "-L/s/lib/rustlib/powerpc64le-unknown-linux-gnu/lib"],
            &[("ZIGLINK_GLIBC", "2.17")],
            "glibc 2.17 is below the lowest glibc zig can link powerpc64le-unknown-linux-gnu against (2.32)",
        ),
        (
            &["/t/a.o", RUSTLIB_X86_64],
            &[("ZIGLINK_GLIBC", "1.5")],
            "glibc 1.5 is below the lowest glibc zig can link x86_64-unknown-linux-gnu against (2.17); ask for 2.17 or newer",
        ),
        (
            &["/t/a.o", "-o", "/t/a"],
            &[],
            "cannot tell which Rust target this link is for",
        ),
    ];
    for (args, vars, expected) in cases {
        let out = ziglink(args).envs(vars.iter().copied()).output().unwrap();
        assert_one_line_error(&out, expected);
    }
}

#[test]
fn malformed_glibc_is_one_clear_line() {
    for value in ["2.x", "2", "2.17.1", "217", "3.1"] {
        let out = ziglink(&["/t/a.o", RUSTLIB_X86_64])
            .env("ZIGLINK_GLIBC", value)
            .output()
            .unwrap();
        assert_one_line_error(
            &out,
            &format!("malformed glibc version `{value}` in ZIGLINK_GLIBC"),
        );
    }
    let out = ziglink(&["/t/a.o"])
        .env("ZIGLINK_TARGET", "x86_64-unknown-linux-gnu.2.x")
        .output()
        .unwrap();
    assert_one_line_error(&out, "malformed glibc version `2.x` in the target suffix");
}

#[test]
fn unreadable_response_file_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone").join("linker-arguments");
    let out = ziglink(&[&format!("@{}", missing.display())])
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        &format!("cannot read response file `{}`", missing.display()),
    );

    // Root can read any file, so a directory stands in for one that cannot be read.
    let out = ziglink(&[&format!("@{}", dir.path().display())])
        .output()
        .unwrap();
    assert_one_line_error(&out, "Is a directory");
}

#[test]
fn log_prints_the_zig_command_before_running_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = ziglink(&["/t/a b.o", RUSTLIB_X86_64])
        .faked(dir.path(), 0)
        .env("ZIGLINK_LOG", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let expected = format!(
        "ziglink: zig from ZIGLINK_ZIG: {} cc -target x86_64-linux-gnu.2.17 -fsanitize-trap=undefined '/t/a b.o' {RUSTLIB_X86_64}\nzig says hello\n",
        fakes().join("zig").display()
    );
    assert_eq!(stderr(&out), expected);
}
