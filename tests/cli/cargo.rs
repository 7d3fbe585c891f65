//! `ziglink cargo`: the variables it sets for each target, and what it refuses.

use crate::util::{assert_one_line_error, recorded, stderr, ziglink, Faked};

#[test]
fn cargo_subcommand_sets_up_each_target_and_strips_the_suffix() {
    let dir = tempfile::tempdir().unwrap();
    let out = ziglink(&[
        "cargo",
        "build",
        "--release",
        "--target",
        "aarch64-unknown-linux-gnu.2.17",
    ])
    .faked(dir.path(), 5)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(
        recorded(dir.path()),
        [
            "build",
            "--release",
            "--target",
            "aarch64-unknown-linux-gnu",
            "AR_aarch64_unknown_linux_gnu=ziglink-ar",
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=ziglink",
            "CC_aarch64_unknown_linux_gnu=ziglink-cc",
            "CXX_aarch64_unknown_linux_gnu=ziglink-cxx",
            "RANLIB_aarch64_unknown_linux_gnu=ziglink-ranlib",
            "SCCACHE_C_CUSTOM_CACHE_BUSTER=ziglink:aarch64-unknown-linux-gnu.2.17",
            "ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU=2.17",
        ]
    );
}

#[test]
fn cargo_subcommand_tells_sccache_what_compiles_take_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let status = ziglink(&[
        "cargo",
        "--reproducible",
        "build",
        "--target",
        "x86_64-unknown-linux-gnu.2.28",
    ])
    .faked(dir.path(), 0)
    .env("FAKE_WORKSPACE", "/src/ws")
    .env("RUSTFLAGS", "-C target-cpu=x86-64-v3")
    .env("SCCACHE_C_CUSTOM_CACHE_BUSTER", "team-a")
    .status()
    .unwrap();
    assert!(status.success());
    let log = recorded(dir.path());
    let buster = log.iter().find(|l| l.starts_with("SCCACHE_"));
    assert_eq!(
        buster.map(String::as_str),
        Some(
            "SCCACHE_C_CUSTOM_CACHE_BUSTER=team-a ziglink:x86_64-unknown-linux-gnu.2.28 \
             ziglink:x86_64-unknown-linux-gnu:cpu=x86-64-v3 ziglink:reproducible"
        ),
        "{log:?}"
    );
}

#[test]
fn cargo_subcommand_refuses_unknown_targets_naming_the_supported_ones() {
    let out = ziglink(&["cargo", "build", "--target", "aarch64-unknown-linux-gnux"])
        .env("CARGO", "/bin/false")
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        "unsupported target `aarch64-unknown-linux-gnux`; supported targets: x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu",
    );
}

#[test]
fn cargo_test_for_a_target_this_machine_cannot_run_says_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let empty_path = dir.path().join("bin");
    std::fs::create_dir(&empty_path).unwrap();
    let runner = "CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER";
    let cargo = |args: &[&str], user_runner: Option<&str>| {
        let _ = std::fs::remove_file(dir.path().join("argv"));
        let mut command = ziglink(&[&["cargo"], args].concat());
        command.faked(dir.path(), 0).env("PATH", &empty_path);
        match user_runner {
            Some(value) => command.env(runner, value),
            None => command.env_remove(runner),
        };
        command.output().unwrap()
    };
    let target = ["--target", "s390x-unknown-linux-gnu"];
    let out = cargo(&[&["test"], &target[..]].concat(), None);
    assert_one_line_error(
        &out,
        "cannot run s390x-unknown-linux-gnu programs on this machine: install qemu-user",
    );
    assert!(!dir.path().join("argv").exists(), "cargo ran");
    // Building only, not running, or the user's own runner: cargo runs, without ziglink's.
    for (args, theirs) in [
        (&["test", "--no-run"][..], None),
        (&["build"][..], None),
        (&["run"][..], Some("my-runner")),
    ] {
        let out = cargo(&[args, &target[..]].concat(), theirs);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let set: Vec<String> = recorded(dir.path())
            .into_iter()
            .filter(|line| line.starts_with(runner))
            .collect();
        let expected: Vec<String> = theirs
            .map(|v| format!("{runner}={v}"))
            .into_iter()
            .collect();
        assert_eq!(set, expected, "{args:?}");
    }
}

#[test]
fn what_the_links_warned_about_is_shown_once_after_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let warning = "ziglink: warning: `libext.so` loads `libssl.so.3` from the system";
    let build = |target: &str| {
        ziglink(&["cargo", "build", "--target", target])
            .faked(dir.path(), 3)
            .env("TMPDIR", &tmp)
            .env("FAKE_WARNING", warning)
            .output()
            .unwrap()
    };
    // A glibc build can warn: ziglink waits for cargo, then shows each warning once, and ends
    // with cargo's code, leaving nothing in the temp folder.
    let out = build("x86_64-unknown-linux-gnu");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("{warning}\n"));
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    // With the policy check off, its links still say so, once.
    let out = ziglink(&["cargo", "build", "--target", "x86_64-unknown-linux-gnu"])
        .faked(dir.path(), 3)
        .env("TMPDIR", &tmp)
        .env("FAKE_WARNING", warning)
        .env("ZIGLINK_POLICY", "off")
        .output()
        .unwrap();
    assert_eq!(stderr(&out), format!("{warning}\n"));
    // A musl build cannot: cargo runs in ziglink's place, with no report to write to.
    let out = build("x86_64-unknown-linux-musl");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out), "");
}
