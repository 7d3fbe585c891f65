//! The ziglink binary as cargo and people run it: CLI words, error lines, and what reaches zig.
//! A fake zig (a shell script) stands in where the test is about ziglink's side of the call.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const ZIGLINK: &str = env!("CARGO_BIN_EXE_ziglink");
const RUSTLIB_X86_64: &str = "-L/sysroot/lib/rustlib/x86_64-unknown-linux-gnu/lib";

/// ziglink with a clean environment: no ZIGLINK_* variables and an empty PATH.
fn ziglink(args: &[&str]) -> Command {
    fakes();
    let mut cmd = Command::new(ZIGLINK);
    cmd.args(args).env_clear().env("PATH", "");
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the failure contract: non-zero exit, one line on stderr, saying `expected`.
fn assert_one_line_error(out: &Output, expected: &str) {
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.lines().count(), 1, "expected one line, got: {text}");
    assert!(text.starts_with("ziglink: error: "), "{text}");
    assert!(text.contains(expected), "expected {expected:?} in: {text}");
    assert!(!text.contains("panicked"), "{text}");
}

/// Stand-ins for zig and cargo: they append their argv (and, for zig, the contents of any
/// `@file`; for cargo, the variables ziglink sets) to `$FAKE_LOG`, and exit with `$FAKE_EXIT`.
/// They are written once, before any test starts a process: an executable written while
/// another thread forks can have its write handle inherited, and exec then fails with
/// "text file busy".
fn fakes() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-fakes");
        fs::create_dir_all(&dir).unwrap();
        let scripts = [
            (
                "zig",
                "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$FAKE_LOG\"\n\
                 for a in \"$@\"; do case \"$a\" in @*) cat \"${a#@}\" >> \"$FAKE_LOG\";; esac; done\n\
                 echo 'zig says hello' >&2\n\
                 if [ \"$1\" = version ]; then echo 0.17.1; fi\n",
            ),
            (
                // Misbehaves as `$FAKE_FAULT` says, after writing its pid to `$FAKE_PID` and
                // half of the `-o` file (and an ld.lld-style temporary file beside it). The
                // `-o` is found in `@files` too.
                "zig-faults",
                "out=$(for a in \"$@\"; do case \"$a\" in @*) cat \"${a#@}\";; *) echo \"$a\";; esac; done \\\n\
                 | sed -n '/^-o$/{n;p}' | tail -n 1)\n\
                 echo $$ > \"$FAKE_PID.tmp\"; mv \"$FAKE_PID.tmp\" \"$FAKE_PID\"\n\
                 printf half > \"$out\"; printf half > \"$out.tmp0a1b2c3\"\n\
                 case \"$FAKE_FAULT\" in\n\
                 die) kill -\"$FAKE_SIGNAL\" $$ ;;\n\
                 orphan) (sleep 1; printf late > \"$out.late\") & sleep 0.2; kill -KILL $$ ;;\n\
                 hang) exec sleep 30 ;;\n\
                 esac\n",
            ),
            (
                "cargo",
                "case \" $* \" in *' locate-project '*) echo \"$FAKE_WORKSPACE/Cargo.toml\"; exit 0;; esac\n\
                 for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$FAKE_LOG\"\n\
                 env | grep -E '^(CARGO_TARGET_|CC_|CXX_|AR_|RANLIB_|ZIGLINK_GLIBC_|ZIGLINK_REPRODUCIBLE|CARGO_ENCODED_RUSTFLAGS|SCCACHE_C_CUSTOM_CACHE_BUSTER)' \
                 | sort >> \"$FAKE_LOG\"\n",
            ),
        ];
        for (name, body) in scripts {
            let tmp = dir.join(format!("{name}.tmp"));
            let script = format!("#!/bin/sh\nPATH=/usr/bin:/bin\n{body}exit \"${{FAKE_EXIT:-0}}\"\n");
            fs::write(&tmp, script).unwrap();
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).unwrap();
            fs::rename(&tmp, dir.join(name)).unwrap();
        }
        dir
    })
}

trait Faked {
    /// Points the command at the fake zig and cargo, logging into `log_dir`, exiting `code`.
    fn faked(&mut self, log_dir: &Path, code: i32) -> &mut Self;
}

impl Faked for Command {
    fn faked(&mut self, log_dir: &Path, code: i32) -> &mut Self {
        self.env("ZIGLINK_ZIG", fakes().join("zig"))
            .env("CARGO", fakes().join("cargo"))
            .env("FAKE_LOG", log_dir.join("argv"))
            .env("FAKE_EXIT", code.to_string())
    }
}

fn recorded(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("argv"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

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
    assert_eq!(seen[..3], ["cc", "-target", "x86_64-linux-gnu.2.17"]);
    assert!(seen[3].starts_with(&format!("@{}/ziglink-", rustc_tmp.display())));
    assert_eq!(
        seen[4..],
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
        "ziglink: zig from ZIGLINK_ZIG: {} cc -target x86_64-linux-gnu.2.17 '/t/a b.o' {RUSTLIB_X86_64}\nzig says hello\n",
        fakes().join("zig").display()
    );
    assert_eq!(stderr(&out), expected);
}

fn tool(name: &str) -> Command {
    fakes();
    let path = Path::new(ZIGLINK).with_file_name(name);
    let mut cmd = Command::new(path);
    cmd.env_clear().env("PATH", "");
    cmd
}

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

#[test]
fn c_compiler_without_a_target_is_one_clear_line() {
    let out = tool("ziglink-cc").args(["-c", "x.c"]).output().unwrap();
    assert_one_line_error(&out, "cannot tell which Rust target to compile for");
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

/// ziglink's own folder, which `env` puts on PATH when `ziglink` does not resolve there.
fn own_dir() -> &'static Path {
    Path::new(ZIGLINK).parent().unwrap()
}

/// Runs `script` in sh after evaluating `ziglink env args`, with PATH set to `path`.
fn eval_env(args: &str, path: &str, script: &str) -> String {
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("eval \"$('{ZIGLINK}' env {args})\" && {script}"))
        .env_clear()
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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

#[test]
fn doctor_reports_zig_and_exits_zero_when_links_can_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = format!("{}:/usr/bin:/bin", own_dir().display());
    let out = ziglink(&["doctor"])
        .faked(dir.path(), 0)
        .env("PATH", &path)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let zig = fakes().join("zig");
    for expected in [
        format!("ziglink {} at {ZIGLINK}", env!("CARGO_PKG_VERSION")),
        format!("zig 0.17.1 at {} (found by ZIGLINK_ZIG)", zig.display()),
        format!(
            "zig cache: {}/.cache/zig (zig's default, writable)",
            dir.path().display()
        ),
        "x86_64-unknown-linux-gnu".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in:\n{text}");
    }
    assert_eq!(recorded(dir.path()), ["version"]);
}

#[test]
fn doctor_fails_with_the_fix_when_zig_is_missing_or_broken() {
    let dir = tempfile::tempdir().unwrap();
    let out = ziglink(&["doctor"])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error: cannot find zig"), "{text}");
    assert!(text.contains("fix: `pip install ziglang`"), "{text}");
    assert!(text.contains("warning: `ziglink` is not on PATH"), "{text}");

    let out = ziglink(&["doctor", "--json"])
        .faked(dir.path(), 3)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.starts_with("{\n  \"ok\": false,"), "{text}");
    assert!(
        text.contains("does not run: exited with exit status: 3: zig says hello"),
        "{text}"
    );
}

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
fn an_output_ziglink_cannot_read_is_a_warning_not_a_failure() {
    // The fake zig writes no output file: the link succeeded as far as zig says.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("never-written");
    let out = ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o", missing.to_str().unwrap()])
        .faked(dir.path(), 0)
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("ziglink: warning: cannot check the glibc versions"),
        "{text}"
    );
    let off = ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o", missing.to_str().unwrap()])
        .faked(dir.path(), 0)
        .env("ZIGLINK_GLIBC_CHECK", "0")
        .output()
        .unwrap();
    assert_eq!(stderr(&off), "zig says hello\n");
}

#[test]
fn strip_debug_is_kept_from_zig_and_done_after_a_link_but_not_a_compile() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("never-written");
    let output = output.to_str().unwrap();
    let link = ziglink(&[
        "/t/main.o",
        RUSTLIB_X86_64,
        "-Wl,--strip-debug",
        "-o",
        output,
    ])
    .faked(dir.path(), 0)
    .env("ZIGLINK_GLIBC_CHECK", "0")
    .output()
    .unwrap();
    let text = stderr(&link);
    assert_eq!(link.status.code(), Some(0), "{text}");
    assert!(!recorded(dir.path())
        .iter()
        .any(|a| a == "-Wl,--strip-debug"));
    // The fake zig wrote nothing to strip: the link stands, and the one line says why not.
    let warning = "ziglink: warning: cannot remove the debug sections of";
    assert_eq!(
        text.lines().filter(|l| l.starts_with(warning)).count(),
        1,
        "{text}"
    );
    assert!(text.ends_with("the file keeps them\n"), "{text}");

    // A compile's -Wl, options do nothing, and its object is not touched.
    let compile = tool("ziglink-cc")
        .args(["-c", "x.c", "-Wl,-S", "-o", output])
        .env("TARGET", "x86_64-unknown-linux-gnu")
        .faked(dir.path(), 0)
        .output()
        .unwrap();
    assert_eq!(compile.status.code(), Some(0), "{}", stderr(&compile));
    assert!(!stderr(&compile).contains(warning), "{}", stderr(&compile));
}

/// A zig cache made of two real zig 0.17.1 manifests (copied from a real cache) with their
/// output folders, a temporary file and a ZIR file.
struct FakeCache {
    dir: tempfile::TempDir,
}

const STUBS_MANIFEST: &str = "h/5aa99cfa3ba34ad4269f00cf8fbf7d6d";
const STUBS_FOLDER: &str = "o/b379798b5139d9d3b0781fb8df5a4a21";
const UNWIND_MANIFEST: &str = "h/48e4e9271c4e71768224586493686878";
const UNWIND_FOLDER: &str = "o/09ccee38bb042783a6b264f7f49f25ad";

impl FakeCache {
    fn new() -> FakeCache {
        let dir = tempfile::tempdir().unwrap();
        let files: &[(&str, &[u8])] = &[
            (
                STUBS_MANIFEST,
                include_bytes!("../src/zig_cache/testdata/5aa99cfa3ba34ad4269f00cf8fbf7d6d"),
            ),
            (
                UNWIND_MANIFEST,
                include_bytes!("../src/zig_cache/testdata/48e4e9271c4e71768224586493686878"),
            ),
            ("o/b379798b5139d9d3b0781fb8df5a4a21/libc.so.6", &[1; 5000]),
            (
                "o/09ccee38bb042783a6b264f7f49f25ad/UnwindRegistersSave.o",
                &[2; 3000],
            ),
            ("tmp/1ac451ecf66363fc/partial.o", b"x"),
            (
                "b/cb0485cff05b38d3b366b0bbc1e2264e/builtin.zig",
                b"pub const x = 1;\n",
            ),
            ("p/pkg-1.0.0-abc/build.zig", b"x"),
            ("z/0063032fd38acf86094af2ddfb1524b4", b"zir"),
        ];
        for (path, bytes) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        FakeCache { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Sets the modification and access time of `rel` and everything under it to `days` ago.
    fn age(&self, rel: &str, days: u64) {
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
        fn set(path: &Path, when: std::time::SystemTime) {
            if path.is_dir() {
                for entry in fs::read_dir(path).unwrap() {
                    set(&entry.unwrap().path(), when);
                }
            }
            let times = fs::FileTimes::new().set_accessed(when).set_modified(when);
            fs::File::open(path).unwrap().set_times(times).unwrap();
        }
        set(&self.path(rel), when);
    }

    fn ziglink(&self, args: &[&str]) -> Output {
        ziglink(args)
            .env("ZIG_GLOBAL_CACHE_DIR", self.dir.path())
            .output()
            .unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cache_clean_keeps_young_entries_and_removes_old_ones() {
    let cache = FakeCache::new();
    for rel in [STUBS_MANIFEST, STUBS_FOLDER, "tmp/1ac451ecf66363fc"] {
        cache.age(rel, 40);
    }
    let out = cache.ziglink(&["cache", "clean", "--older-than", "30d", "--dry-run"]);
    assert!(
        stdout(&out).contains("would remove 2 entries"),
        "{}",
        stdout(&out)
    );
    assert!(
        cache.path(STUBS_FOLDER).exists(),
        "a dry run removed something"
    );

    let out = cache.ziglink(&["cache", "clean", "--older-than", "30d"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("removed 2 entries") && text.contains("glibc-stubs 1, temporary 1"),
        "{text}"
    );
    assert!(text.contains("kept 2 entries used within 30d"), "{text}");
    // The old entry's folder is gone and its manifest emptied, not deleted.
    assert!(!cache.path(STUBS_FOLDER).exists());
    assert_eq!(fs::metadata(cache.path(STUBS_MANIFEST)).unwrap().len(), 0);
    assert!(!cache.path("tmp/1ac451ecf66363fc").exists());
    // The young ones stay as they were.
    assert!(cache
        .path(UNWIND_FOLDER)
        .join("UnwindRegistersSave.o")
        .exists());
    assert_eq!(
        fs::metadata(cache.path(UNWIND_MANIFEST)).unwrap().len(),
        144
    );
    assert!(cache.path("z/0063032fd38acf86094af2ddfb1524b4").exists());

    // Without an age, everything goes that is locked by no one and, where zig keeps no lock,
    // older than a day.
    cache.age("z/0063032fd38acf86094af2ddfb1524b4", 0);
    let out = cache.ziglink(&["cache", "clean"]);
    let text = stdout(&out);
    assert!(text.contains("removed 2 entries"), "{text}");
    assert!(!cache.path(UNWIND_FOLDER).exists());
    assert!(!cache.path("z/0063032fd38acf86094af2ddfb1524b4").exists());

    // Never: builtin.zig copies zig may rewrite at any moment, and fetched packages.
    for rel in ["b/cb0485cff05b38d3b366b0bbc1e2264e", "p/pkg-1.0.0-abc"] {
        cache.age(rel, 400);
    }
    let out = cache.ziglink(&["cache", "clean"]);
    assert_eq!(stdout(&out).lines().nth(1), Some("nothing to remove"));
    assert!(cache
        .path("b/cb0485cff05b38d3b366b0bbc1e2264e/builtin.zig")
        .exists());
    assert!(cache.path("p/pkg-1.0.0-abc/build.zig").exists());
}

#[test]
fn cache_clean_skips_an_entry_a_build_holds() {
    use std::os::fd::AsRawFd;
    let cache = FakeCache::new();
    // What zig holds on every entry a running compilation links.
    let held = fs::File::open(cache.path(STUBS_MANIFEST)).unwrap();
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_SH) }, 0);

    let out = cache.ziglink(&["cache", "clean"]);
    let text = stdout(&out);
    assert!(
        text.contains("kept 1 entry in use by running builds") && text.contains("glibc-stubs 1"),
        "{text}"
    );
    assert!(cache.path(STUBS_FOLDER).join("libc.so.6").exists());
    assert!(fs::metadata(cache.path(STUBS_MANIFEST)).unwrap().len() > 0);
    assert!(!cache.path(UNWIND_FOLDER).exists(), "{text}");

    // Unlocked, not only closed: a process another test forks at this moment shares the open
    // file until it execs, and a close would leave the lock with it.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_UN) }, 0);
    drop(held);
    let out = cache.ziglink(&["cache", "clean"]);
    assert!(stdout(&out).contains("removed 1 entry"), "{}", stdout(&out));
    assert!(!cache.path(STUBS_FOLDER).exists());
}

#[test]
fn cache_clean_refuses_a_cache_whose_folders_it_cannot_tie_to_manifests() {
    let cache = FakeCache::new();
    // As if zig named its folders differently: none of the manifests' folders exist, others do.
    for (from, to) in [
        (STUBS_FOLDER, "o/00000000000000000000000000000001"),
        (UNWIND_FOLDER, "o/00000000000000000000000000000002"),
    ] {
        fs::rename(cache.path(from), cache.path(to)).unwrap();
    }
    let out = cache.ziglink(&["cache", "clean"]);
    assert_one_line_error(&out, "refusing to clean: only 0 of 2 manifests");
    assert!(cache.path("o/00000000000000000000000000000001").exists());
    assert!(fs::metadata(cache.path(STUBS_MANIFEST)).unwrap().len() > 0);
}

#[test]
fn cache_clean_keeps_folders_another_zig_versions_manifests_may_name() {
    let cache = FakeCache::new();
    fs::write(
        cache.path("h/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0.txt"),
        b"0\n1 2 3 x 1 a.c\n",
    )
    .unwrap();
    fs::create_dir_all(cache.path("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0")).unwrap();
    fs::write(cache.path("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0/a.o"), b"o").unwrap();
    cache.age("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0", 40);
    let out = cache.ziglink(&["cache", "clean"]);
    let text = stdout(&out);
    assert!(
        text.contains("kept 1 entry that no zig 0.17 manifest names"),
        "{text}"
    );
    assert!(
        text.contains("of another zig version, such as h/4f0c1ad7"),
        "{text}"
    );
    assert!(cache
        .path("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0/a.o")
        .exists());
    assert!(!cache.path(STUBS_FOLDER).exists(), "{text}");
}

#[test]
fn cache_info_sizes_each_kind() {
    let cache = FakeCache::new();
    let out = cache.ziglink(&["cache", "info"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with(&format!(
            "zig's cache: {} (ZIG_GLOBAL_CACHE_DIR)\ntotal: ",
            cache.dir.path().display()
        )),
        "{text}"
    );
    for kind in [
        "glibc stub libraries",
        "libunwind",
        "manifests (h/)",
        "temporary (tmp/)",
    ] {
        assert!(text.contains(kind), "{kind} not in:\n{text}");
    }
    let out = cache.ziglink(&["cache", "info", "--json"]);
    let json = stdout(&out);
    assert!(json.contains("\"kind\": \"glibc-stubs\""), "{json}");
    assert!(json.contains("\"exists\": true"), "{json}");
}

#[test]
fn cache_commands_say_what_is_wrong_in_one_line() {
    let cache = FakeCache::new();
    let out = cache.ziglink(&["cache", "clean", "--older-than", "2w"]);
    assert_one_line_error(&out, "malformed age `2w` for --older-than");
    // No HOME and no ZIG_GLOBAL_CACHE_DIR: nowhere to look.
    for args in [&["cache", "info"][..], &["cache", "clean"], &["warm"]] {
        let out = ziglink(args)
            .env("ZIGLINK_ZIG", fakes().join("zig"))
            .output()
            .unwrap();
        assert_one_line_error(&out, "cannot tell where zig's cache is");
    }
}

#[test]
fn warm_links_like_rustc_with_the_resolved_target() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("zig-cache");
    let out = ziglink(&["warm", "--target", "aarch64-unknown-linux-gnu.2.28"])
        .faked(dir.path(), 0)
        .env("ZIG_GLOBAL_CACHE_DIR", &cache)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    // The fake zig builds nothing, and says so.
    assert!(
        text.contains("aarch64-unknown-linux-gnu (glibc 2.28): already warm, nothing built"),
        "{text}"
    );
    // The last call is the shared object, as rustc links a cdylib. The release profile's lines
    // translate to the dev ones (zig is not given --strip-debug), so they are not run again.
    let last = recorded(dir.path());
    for arg in [
        "cc",
        "-target",
        "aarch64-linux-gnu.2.28",
        "-lunwind",
        "-shared",
    ] {
        assert!(last.contains(&arg.to_string()), "{arg} not in {last:?}");
    }
    assert!(!last.contains(&"-Wl,--strip-debug".to_string()), "{last:?}");
    assert!(cache.join("ziglink/warm.c").is_file());

    let out = ziglink(&["warm", "--target", "x86_64-unknown-linux-musl"])
        .faked(dir.path(), 3)
        .env("ZIG_GLOBAL_CACHE_DIR", &cache)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "ziglink: error: zig failed to compile the warm-up program for \
             x86_64-unknown-linux-musl (exit status: 3)"
        ),
        "{}",
        stderr(&out)
    );
}

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

// -- faults: zig ended by a signal, ziglink interrupted ------------------------------------------

/// A link ziglink waits for (x86_64 glibc: the post-link check needs it), writing `<dir>/app`
/// through the faulting zig, with a response file beside rustc's own in `<dir>/rustcXYZ`.
fn faulting_link(dir: &Path, fault: &str) -> std::process::Child {
    let rustc_tmp = dir.join("rustcXYZ");
    fs::create_dir_all(&rustc_tmp).unwrap();
    let rsp = rustc_tmp.join("linker-arguments");
    let out = dir.join("app");
    fs::write(
        &rsp,
        format!("/t/main.o\n{RUSTLIB_X86_64}\n-o\n{}\n", out.display()),
    )
    .unwrap();
    let mut cmd = ziglink(&[&format!("@{}", rsp.display())]);
    cmd.env("ZIGLINK_ZIG", fakes().join("zig-faults"))
        .env("FAKE_FAULT", fault)
        .env("FAKE_SIGNAL", "KILL")
        .env("FAKE_PID", dir.join("zig.pid"))
        .stderr(std::process::Stdio::piped());
    // A test run started in the background by a shell has SIGINT ignored, and ziglink would
    // keep it so (as for `nohup`): start it with the default, as from a terminal.
    // SAFETY: signal(2) is async-signal-safe, and this runs in the child before exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    cmd.spawn().unwrap()
}

/// The pid the faulting zig wrote, once it has.
fn fake_zig_pid(dir: &Path) -> i32 {
    for _ in 0..500 {
        if let Ok(text) = fs::read_to_string(dir.join("zig.pid")) {
            return text.trim().parse().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the fake zig never started");
}

/// Nothing of the link is left: no output, no temporary files of zig's, no response file.
fn assert_nothing_left(dir: &Path) {
    let mut left: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "zig.pid" && name != "rustcXYZ")
        .collect();
    left.extend(
        fs::read_dir(dir.join("rustcXYZ"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "linker-arguments"),
    );
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn zig_ended_by_a_signal_is_one_line_and_ziglink_ends_by_it_too() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("KILL", 9), ("SEGV", 11)] {
        let dir = tempfile::tempdir().unwrap();
        let out = ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o"])
            .arg(dir.path().join("app"))
            .env("ZIGLINK_ZIG", fakes().join("zig-faults"))
            .env("FAKE_FAULT", "die")
            .env("FAKE_SIGNAL", signal)
            .env("FAKE_PID", dir.path().join("zig.pid"))
            .output()
            .unwrap();
        let text = stderr(&out);
        assert_eq!(out.status.signal(), Some(number), "{text}");
        assert!(!out.status.core_dumped(), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        let expected = format!(
            "ziglink: error: zig was ended by SIG{signal} (signal {number}) before it finished; \
             `{}`, which it had begun to write, was removed",
            dir.path().join("app").display()
        );
        assert!(text.starts_with(&expected), "{text}");
        assert!(!dir.path().join("app").exists());
        assert!(!dir.path().join("app.tmp0a1b2c3").exists());
    }
}

#[test]
fn what_a_killed_zig_left_running_is_ended_before_ziglink_leaves() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let out = faulting_link(dir.path(), "orphan")
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(9), "{}", stderr(&out));
    // The orphan would have written `app.late` a second after it started.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_nothing_left(dir.path());
}

#[test]
fn sigterm_and_sigint_are_passed_to_zig_and_ziglink_ends_by_them_after_cleaning_up() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")] {
        let dir = tempfile::tempdir().unwrap();
        let child = faulting_link(dir.path(), "hang");
        let zig = fake_zig_pid(dir.path());
        // SAFETY: kill(2) on the child just started.
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.signal(),
            Some(signal),
            "{name}: {}",
            stderr(&out)
        );
        // Asked to stop, ziglink adds no message of its own.
        assert_eq!(stderr(&out), "", "{name}");
        // SAFETY: signal 0 only asks whether the process exists.
        assert_ne!(unsafe { libc::kill(zig, 0) }, 0, "{name}: zig still runs");
        assert_nothing_left(dir.path());
    }
}

#[test]
fn a_folder_of_ziglinks_that_others_can_write_is_refused_by_warm_and_reported_by_doctor() {
    let cache = tempfile::tempdir().unwrap();
    let own = cache.path().join("ziglink");
    fs::create_dir(&own).unwrap();
    fs::set_permissions(&own, fs::Permissions::from_mode(0o777)).unwrap();
    let out = ziglink(&["warm"])
        .faked(cache.path(), 0)
        .env("ZIG_GLOBAL_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let canonical = own.canonicalize().unwrap();
    assert_one_line_error(
        &out,
        &format!(
            "ziglink cannot use its folder in zig's cache `{}`: it can be written by others \
             (mode 0777), and whoever can change it decides what zig links",
            canonical.display()
        ),
    );
    assert_eq!(fs::read_dir(&own).unwrap().count(), 0, "warm wrote into it");

    let doctor = ziglink(&["doctor"])
        .faked(cache.path(), 0)
        .env("ZIG_GLOBAL_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let text = stdout(&doctor);
    assert!(
        text.contains(&format!(
            "warning: ziglink's folder {} in zig's cache can be written by others",
            own.display()
        )),
        "{text}"
    );
    assert!(text.contains("fix: remove that folder"), "{text}");
}
