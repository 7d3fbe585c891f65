//! What the tests share: the binaries run in a clean environment, the fake zig and cargo, a
//! fake zig cache, and the asserts on ziglink's output.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const ZIGLINK: &str = env!("CARGO_BIN_EXE_ziglink");
pub const RUSTLIB_X86_64: &str = "-L/sysroot/lib/rustlib/x86_64-unknown-linux-gnu/lib";

/// ziglink with a clean environment: no ZIGLINK_* variables and an empty PATH.
pub fn ziglink(args: &[&str]) -> Command {
    let mut cmd = clean(Path::new(ZIGLINK));
    cmd.args(args);
    cmd
}

/// One of the programs installed beside ziglink (`ziglink-cc`, `ziglink-ar`, ...), in the
/// same clean environment as [`ziglink`].
pub fn tool(name: &str) -> Command {
    clean(&Path::new(ZIGLINK).with_file_name(name))
}

fn clean(program: &Path) -> Command {
    fakes();
    let mut cmd = Command::new(program);
    cmd.env_clear().env("PATH", "");
    cmd
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the failure contract: non-zero exit, one line on stderr, saying `expected`.
pub fn assert_one_line_error(out: &Output, expected: &str) {
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
pub fn fakes() -> &'static Path {
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
                // `-o` is found in `@files` too. `late` makes the output a named pipe, which
                // holds ziglink's check of it until a SIGTERM has reached ziglink.
                "zig-faults",
                "out=$(for a in \"$@\"; do case \"$a\" in @*) cat \"${a#@}\";; *) echo \"$a\";; esac; done \\\n\
                 | sed -n '/^-o$/{n;p}' | tail -n 1)\n\
                 echo $$ > \"$FAKE_PID.tmp\"; mv \"$FAKE_PID.tmp\" \"$FAKE_PID\"\n\
                 printf half > \"$out\"; printf half > \"$out.tmp0a1b2c3\"\n\
                 case \"$FAKE_FAULT\" in\n\
                 die) kill -\"$FAKE_SIGNAL\" $$ ;;\n\
                 orphan) (sleep 1; printf late > \"$out.late\") & sleep 0.2; kill -KILL $$ ;;\n\
                 hang) exec sleep 30 ;;\n\
                 late) rm -f \"$out\"; mkfifo \"$out\"\n\
                 (sleep 0.3; kill -TERM $PPID; sleep 0.2; printf x > \"$out\") & ;;\n\
                 esac\n",
            ),
            (
                "cargo",
                "case \" $* \" in *' locate-project '*) echo \"$FAKE_WORKSPACE/Cargo.toml\"; exit 0;; esac\n\
                 for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$FAKE_LOG\"\n\
                 env | grep -E '^(CARGO_TARGET_|CC_|CXX_|AR_|RANLIB_|ZIGLINK_GLIBC_|ZIGLINK_REPRODUCIBLE|CARGO_ENCODED_RUSTFLAGS|SCCACHE_C_CUSTOM_CACHE_BUSTER)' \
                 | sort >> \"$FAKE_LOG\"\n\
                 # Two links' worth of the same warning, as ziglink's links append them.\n\
                 if [ -n \"$ZIGLINK_REPORT\" ] && [ -n \"$FAKE_WARNING\" ]; then\n\
                 printf '%s\\n%s\\n' \"$FAKE_WARNING\" \"$FAKE_WARNING\" >> \"$ZIGLINK_REPORT\"; fi\n",
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

pub trait Faked {
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

/// The argv the fake zig or cargo last logged into `dir`, one argument a line.
pub fn recorded(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("argv"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// ziglink's own folder, which `env` puts on PATH when `ziglink` does not resolve there.
pub fn own_dir() -> &'static Path {
    Path::new(ZIGLINK).parent().unwrap()
}

/// Runs `script` in sh after evaluating `ziglink env args`, with PATH set to `path`.
pub fn eval_env(args: &str, path: &str, script: &str) -> String {
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

/// A zig cache made of two real zig 0.17.1 manifests (copied from a real cache) with their
/// output folders, a temporary file and a ZIR file.
pub struct FakeCache {
    pub dir: tempfile::TempDir,
}

pub const STUBS_MANIFEST: &str = "h/5aa99cfa3ba34ad4269f00cf8fbf7d6d";
pub const STUBS_FOLDER: &str = "o/b379798b5139d9d3b0781fb8df5a4a21";
pub const UNWIND_MANIFEST: &str = "h/48e4e9271c4e71768224586493686878";
pub const UNWIND_FOLDER: &str = "o/09ccee38bb042783a6b264f7f49f25ad";

impl FakeCache {
    pub fn new() -> FakeCache {
        let dir = tempfile::tempdir().unwrap();
        // The manifests are the ones the library's own zig cache tests read, so that both sets
        // of tests agree on what a real zig writes.
        let files: &[(&str, &[u8])] = &[
            (
                STUBS_MANIFEST,
                include_bytes!("../../src/zig/cache/testdata/5aa99cfa3ba34ad4269f00cf8fbf7d6d"),
            ),
            (
                UNWIND_MANIFEST,
                include_bytes!("../../src/zig/cache/testdata/48e4e9271c4e71768224586493686878"),
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

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Sets the modification and access time of `rel` and everything under it to `days` ago.
    pub fn age(&self, rel: &str, days: u64) {
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

    /// Runs ziglink with this folder as zig's cache.
    pub fn ziglink(&self, args: &[&str]) -> Output {
        ziglink(args)
            .env("ZIG_GLOBAL_CACHE_DIR", self.dir.path())
            .output()
            .unwrap()
    }
}

/// A link ziglink waits for (x86_64 glibc: the post-link check needs it), writing `<dir>/app`
/// through the faulting zig, with a response file beside rustc's own in `<dir>/rustcXYZ`.
pub fn faulting_link(dir: &Path, fault: &str) -> std::process::Child {
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
pub fn fake_zig_pid(dir: &Path) -> i32 {
    for _ in 0..500 {
        if let Ok(text) = fs::read_to_string(dir.join("zig.pid")) {
            return text.trim().parse().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the fake zig never started");
}

/// Nothing of the link is left: no output, no temporary files of zig's, no response file.
pub fn assert_nothing_left(dir: &Path) {
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
