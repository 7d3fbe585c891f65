//! The compilers and archivers cc-rs and cmake run: ziglink-cc, ziglink-cxx, ziglink-ar and
//! ziglink-ranlib, and the main program started under one of their names.

use std::process::Command;

use crate::util::{recorded, tool, Faked, ZIGLINK};

#[test]
fn c_compiler_takes_the_target_from_cc_rs_and_translates_flags() {
    let dir = tempfile::tempdir().unwrap();
    let status = tool("ziglink-cc")
        .args([
            "--target=aarch64-unknown-linux-gnu",
            "-march=armv8-a+crc",
            "-c",
            "x.c",
        ])
        .faked(dir.path(), 0)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        recorded(dir.path()),
        [
            "cc",
            "-target",
            "aarch64-linux-gnu.2.17",
            "-fno-sanitize=all",
            "-U__VERSION__",
            "-D__VERSION__=\"Clang \" __clang_version__ \"(zig 0.17.1)\"",
            "-mcpu=generic+v8a+crc",
            "-c",
            "x.c"
        ]
    );
}

#[test]
fn cxx_compiler_takes_cargos_target_and_the_per_target_floor() {
    let dir = tempfile::tempdir().unwrap();
    let status = tool("ziglink-cxx")
        .args(["-march=armv7-a", "-c", "y.cpp"])
        .faked(dir.path(), 0)
        .env("TARGET", "armv7-unknown-linux-gnueabihf")
        .env("ZIGLINK_GLIBC_ARMV7_UNKNOWN_LINUX_GNUEABIHF", "2.28")
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        recorded(dir.path()),
        [
            "c++",
            "-target",
            "arm-linux-gnueabihf.2.28",
            "-mcpu=generic+v7a+vfp3-d32+thumb2-neon",
            "-fno-sanitize=all",
            "-U__VERSION__",
            "-D__VERSION__=\"Clang \" __clang_version__ \"(zig 0.17.1)\"",
            "-c",
            "y.cpp"
        ]
    );
}

/// The zig target a `ziglink-cc -E` names, run with `env` and no target on its line.
fn probed_target(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = tool("ziglink-cc")
        .args(["-E", "detect.c"])
        .envs(env.iter().copied())
        .faked(dir.path(), 0)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("ziglink:"), "{said}");
    let line = recorded(dir.path());
    assert_eq!(line[..2], ["cc", "-target"]);
    line[2].clone()
}

#[test]
fn c_compiler_run_outside_a_build_script_compiles_for_the_build_else_the_host() {
    // maturin's cc-rs probes the compiler's family with `-E`, without cargo's TARGET.
    let backend = [("ZIGLINK_BUILD_TARGET", "aarch64-apple-darwin")];
    assert_eq!(probed_target(&backend), "aarch64-macos.11.0-none");
    let script = [("TARGET", "aarch64-unknown-linux-gnu"), backend[0]];
    assert_eq!(probed_target(&script), "aarch64-linux-gnu.2.17");
    let host = probed_target(&[]);
    assert!(host.ends_with("-linux-gnu.2.17"), "{host}");
}

#[test]
fn archiver_and_ranlib_pass_through_and_argv0_picks_the_tool() {
    let dir = tempfile::tempdir().unwrap();
    let status = tool("ziglink-ar")
        .args(["cq", "libx.a", "a.o"])
        .faked(dir.path(), 0)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(recorded(dir.path()), ["ar", "cq", "libx.a", "a.o"]);

    // The main program started under a tool's name is that tool. (A symlink, not a copy: a
    // copy's write handle can leak into a child forked by a parallel test, and exec then
    // fails with "text file busy".)
    let renamed = dir.path().join("ziglink-ranlib");
    std::os::unix::fs::symlink(ZIGLINK, &renamed).unwrap();
    let status = Command::new(&renamed)
        .arg("libx.a")
        .env_clear()
        .faked(dir.path(), 0)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(recorded(dir.path()), ["ranlib", "libx.a"]);
}
