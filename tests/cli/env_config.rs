//! `ziglink env` and `ziglink config`, which hand a shell or a cargo config what
//! `ziglink cargo` would set.

use std::fs;

use crate::util::{assert_one_line_error, eval_env, own_dir, stderr, ziglink, ZIGLINK};

#[test]
fn env_exports_what_cargo_subcommand_sets_for_a_shell_to_evaluate() {
    let vars = eval_env(
        "--target aarch64-unknown-linux-gnu.2.28 -t x86_64-unknown-linux-musl",
        "/usr/bin:/bin",
        "env | sort",
    );
    for expected in [
        "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=ziglink",
        "CC_aarch64_unknown_linux_gnu=ziglink-cc",
        "CXX_aarch64_unknown_linux_gnu=ziglink-cxx",
        "AR_aarch64_unknown_linux_gnu=ziglink-ar",
        "RANLIB_aarch64_unknown_linux_gnu=ziglink-ranlib",
        "ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU=2.28",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=ziglink",
        "CC_x86_64_unknown_linux_musl=ziglink-cc",
    ] {
        assert!(
            vars.lines().any(|l| l == expected),
            "{expected} not in:\n{vars}"
        );
    }
    let path = format!("PATH={}:/usr/bin:/bin", own_dir().display());
    assert!(vars.lines().any(|l| l == path), "{path} not in:\n{vars}");
    // Evaluated, the bare names resolve to the tools installed beside ziglink.
    let found = eval_env("", "/usr/bin:/bin", "command -v ziglink");
    assert_eq!(found.trim(), ZIGLINK);
}

#[test]
fn env_leaves_path_alone_when_ziglink_already_resolves_there() {
    let path = format!("{}:/usr/bin:/bin", own_dir().display());
    let out = ziglink(&["env"]).env("PATH", &path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!text.contains("PATH="), "{text}");
    assert!(
        text.contains("export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=ziglink\n"),
        "{text}"
    );
    // ZIGLINK_GLIBC is the floor for targets given without a suffix.
    let out = ziglink(&["env", "--shell", "json"])
        .env("PATH", &path)
        .env("ZIGLINK_GLIBC", "2.31")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"ZIGLINK_GLIBC_X86_64_UNKNOWN_LINUX_GNU\": \"2.31\""),
        "{text}"
    );
}

#[test]
fn env_and_config_refuse_what_cargo_subcommand_refuses() {
    for sub in ["env", "config"] {
        let out = ziglink(&[sub, "--target", "mips-unknown-linux-gnu"])
            .output()
            .unwrap();
        assert_one_line_error(&out, "unsupported target `mips-unknown-linux-gnu`");
        let out = ziglink(&[sub, "--target", "x86_64-unknown-linux-musl.2.17"])
            .output()
            .unwrap();
        assert_one_line_error(&out, "takes no glibc version suffix");
    }
}

/// `env` is `cargo` with the variables printed instead of set, so it refuses what `cargo` would
/// refuse before building; `config` writes a file for builds in other environments, which this
/// environment's flags say nothing about.
#[test]
fn env_checks_this_environment_as_cargo_subcommand_does_and_config_does_not() {
    let foreign = ["--target", "aarch64-unknown-linux-gnu"];
    for sub in ["env", "cargo"] {
        let mut args = vec![sub];
        if sub == "cargo" {
            args.push("build");
        }
        args.extend(foreign);
        let out = ziglink(&args)
            .env("RUSTFLAGS", "-C target-cpu=native")
            .env("ZIGLINK_ZIG", "/bin/true")
            .output()
            .unwrap();
        assert_one_line_error(&out, "-C target-cpu=native, but aarch64-unknown-linux-gnu");
    }
    let out = ziglink(&["config", foreign[0], foreign[1]])
        .env("RUSTFLAGS", "-C target-cpu=native")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn config_prints_a_cargo_config_for_each_target() {
    let out = ziglink(&["config", "-t", "s390x-unknown-linux-gnu.2.19"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "[target.s390x-unknown-linux-gnu]\nlinker = \"ziglink\"\n",
        "[env]\nCC_s390x_unknown_linux_gnu = \"ziglink-cc\"\n",
        "ZIGLINK_GLIBC_S390X_UNKNOWN_LINUX_GNU = \"2.19\"\n",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

#[test]
fn config_edit_makes_a_missing_cargo_config_and_refuses_a_broken_one_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".cargo").join("config.toml");
    let out = ziglink(&["config", "--edit", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("CC_x86_64_unknown_linux_gnu = \"ziglink-cc\""),
        "{text}"
    );
    assert!(
        text.contains("[target.x86_64-unknown-linux-gnu]\nlinker = \"ziglink\""),
        "{text}"
    );

    fs::write(&file, "[env\n").unwrap();
    let out = ziglink(&["config", "--edit", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_one_line_error(&out, "cannot merge ziglink's settings into");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "[env\n",
        "left as it was"
    );
}

/// A write that fails half-way (here: past the file-size limit, as on a full disk) leaves the
/// user's file as it was, and no staging file beside it.
#[cfg(unix)]
#[test]
fn config_edit_that_cannot_write_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let before = "[build]\njobs = 2\n";
    fs::write(&file, before).unwrap();
    // `ulimit -f 0`: every write beyond byte 0 fails with EFBIG (SIGXFSZ ignored, as a full
    // disk fails a write with ENOSPC).
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 0; trap '' XFSZ; exec \"$0\" config --edit \"$1\"")
        .arg(ZIGLINK)
        .arg(&file)
        .output()
        .unwrap();
    assert_one_line_error(&out, "config.toml");
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
}
