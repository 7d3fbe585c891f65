//! Everything `ziglink doctor` looks at, read from this process, the filesystem, zig and rustc.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::c_objects::{self, GccObject};
use crate::call::launch;
use crate::call::settings::Settings;
use crate::call::tools::Tool;
use crate::cargo_setup::path_env;
use crate::cargo_setup::runner;
use crate::project::runners;
use crate::target::emulation;
use crate::target::triple::{supported_names, Target};
use crate::target::wine;
use crate::zig::cache::location;
use crate::zig::cache::ZIGLINK_DIR;
use crate::zig::lib_copy;
use crate::zig::private_dir::{self, Problem};

pub struct Facts {
    pub version: &'static str,
    pub exe: Option<PathBuf>,
    /// Where the bare name `ziglink` resolves on PATH.
    pub on_path: Option<PathBuf>,
    /// C tool executables that should be beside ziglink and are not.
    pub missing_tools: Vec<&'static str>,
    /// A C object in the project's `target/` that GCC compiled: C code that bypassed ziglink-cc.
    pub gcc_object: Option<GccObject>,
    pub settings: Result<Settings, String>,
    pub zig: Result<ZigFacts, String>,
    pub cache: CacheFacts,
    pub rustc: Result<RustcFacts, String>,
    /// How each Linux target's programs run here (`cargo test`, `cargo run`), and whether
    /// wine runs each Windows target's, in words.
    pub runs: Vec<(&'static str, String)>,
}

pub struct ZigFacts {
    pub path: PathBuf,
    pub found_by: String,
    pub version: Result<String, String>,
    pub lib: LibFolder,
}

/// The lib folder zig's commands are given.
pub enum LibFolder {
    /// ziglink's copy, the same in every build environment, with the files it lacks or holds
    /// at another size than zig's own.
    Copy {
        path: PathBuf,
        damaged: Vec<PathBuf>,
    },
    /// zig's own, and why.
    Own(String),
}

pub struct CacheFacts {
    /// `None` when neither `ZIG_GLOBAL_CACHE_DIR` nor HOME says where it is.
    pub path: Option<PathBuf>,
    pub chosen_by: &'static str,
    /// ziglink's fallback, which links refuse unless it is private.
    pub fallback: bool,
    pub writable: bool,
    /// Why someone else could change the cache (or, when missing, the folder it will be made in).
    pub not_private: Option<Problem>,
    /// The same for ziglink's folder inside it, when the cache itself is fine.
    pub own_not_private: Option<Problem>,
}

pub struct RustcFacts {
    pub version: String,
    pub sysroot: PathBuf,
    /// rustc is a rustup toolchain, so `rustup target add` is the fix for a missing std.
    pub rustup: bool,
    /// Rust targets whose standard library is in the sysroot.
    pub installed: Vec<String>,
}

impl Facts {
    pub fn gather() -> Facts {
        let exe = std::env::current_exe().ok();
        let settings = Settings::from_process_env().map_err(|e| e.to_string());
        let cache = zig_cache();
        let zig = match &settings {
            Ok(settings) => zig(settings, cache.path.as_deref()),
            Err(_) => Err("not looked for: the ZIGLINK_* settings are invalid".to_string()),
        };
        let missing_tools = match exe.as_deref().and_then(Path::parent) {
            Some(dir) => Tool::ALL
                .iter()
                .chain([&Tool::Dlltool])
                .map(|t| t.program())
                .chain(Tool::MINGW_DLLTOOLS)
                .chain([crate::call::cmake::PROGRAM])
                .filter(|name| !dir.join(crate::platform::layout::exe(name)).is_file())
                .collect(),
            None => Vec::new(),
        };
        Facts {
            version: env!("CARGO_PKG_VERSION"),
            on_path: path_env::resolve_ziglink(std::env::var_os("PATH").as_deref()),
            exe,
            missing_tools,
            gcc_object: std::env::current_dir()
                .ok()
                .and_then(|cwd| {
                    c_objects::target_dir(
                        &cwd,
                        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from),
                    )
                })
                .and_then(|target| c_objects::first_gcc_object(&target)),
            settings,
            zig,
            cache,
            rustc: rustc(),
            runs: runs(),
        }
    }
}

/// As `ziglink cargo test` would plan it from here: the user's runner counts as there, from
/// the environment or the cargo config files that apply.
fn runs() -> Vec<(&'static str, String)> {
    let dir = std::env::current_dir().unwrap_or_default();
    let var = |name: &str| std::env::var_os(name);
    let on_path = |name: &str| which::which(name).ok();
    let exists = |path: &Path| path.is_file();
    supported_names()
        .into_iter()
        .filter_map(|name| Target::resolve(name, None).ok())
        .filter_map(|target| {
            let rust = target.spec.rust;
            if let Some(run) = wine::plan(&target, std::env::consts::ARCH, &on_path, &exists) {
                return Some((rust, run.describe()));
            }
            emulation::arch_of(&target)?;
            let triple = (rust, &*runner::runner_var(rust));
            let theirs = runners::user_runner(&dir, triple, &[], &var);
            Some((rust, runner::plan_here(&target, theirs).describe()))
        })
        .collect()
}

/// zig, and the lib folder its commands get from the cache at `cache`.
fn zig(settings: &Settings, cache: Option<&Path>) -> Result<ZigFacts, String> {
    let zig = launch::find_zig(settings, None).map_err(|e| e.to_string())?;
    let version = launch::zig_command(&zig.path, &[OsString::from("version")], settings)
        .map_err(|e| e.to_string())
        .and_then(output);
    Ok(ZigFacts {
        lib: lib_folder(&zig.path, cache),
        found_by: zig.found_by.to_string(),
        path: zig.path,
        version,
    })
}

/// Asking zig its version made the copy if it was missing, so a copy seen now is the one links
/// use.
fn lib_folder(zig: &Path, root: Option<&Path>) -> LibFolder {
    match (lib_copy::turned_off(), root) {
        (Some(why), _) => LibFolder::Own(why.to_string()),
        (None, None) => LibFolder::Own("zig has no cache folder".to_string()),
        (None, Some(root)) => match lib_copy::in_cache(zig, root) {
            Ok(Some(copy)) => LibFolder::Copy {
                damaged: lib_copy::damage(zig, &copy).unwrap_or_default(),
                path: copy,
            },
            Ok(None) => LibFolder::Own("zig is not a `ziglang` package's".to_string()),
            Err(why) => LibFolder::Own(why),
        },
    }
}

fn zig_cache() -> CacheFacts {
    let location = location::for_this_process();
    let chosen_by = location.chosen_by();
    let path = location.path().map(Path::to_path_buf);
    // A real write, not access(2): root passes every permission check, even where no file
    // can be created. zig creates missing folders, so the deepest existing one is what counts.
    let writable = path
        .as_deref()
        .and_then(|p| p.ancestors().find(|a| a.exists()))
        .is_some_and(|dir| {
            tempfile::Builder::new()
                .prefix(".ziglink-doctor-")
                .tempfile_in(dir)
                .is_ok()
        });
    let not_private = path.as_deref().and_then(|p| private_dir::inspect(p).err());
    let own_not_private = path
        .as_deref()
        .filter(|_| not_private.is_none())
        .and_then(|p| private_dir::inspect(&p.join(ZIGLINK_DIR)).err());
    CacheFacts {
        path,
        chosen_by,
        fallback: matches!(location, location::Location::Fallback(_)),
        writable,
        not_private,
        own_not_private,
    }
}

fn rustc() -> Result<RustcFacts, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let run = |args: &[&str]| {
        let mut cmd = Command::new(&rustc);
        cmd.args(args);
        output(cmd).map_err(|e| format!("`{} {}`: {e}", rustc.to_string_lossy(), args.join(" ")))
    };
    let version = run(&["--version"])?;
    let sysroot = PathBuf::from(run(&["--print", "sysroot"])?);
    let rustlib = sysroot.join("lib").join("rustlib");
    let installed = crate::target::triple::TARGETS
        .iter()
        .filter(|t| rustlib.join(t.rust).join("lib").is_dir())
        .map(|t| t.rust.to_string())
        .collect();
    Ok(RustcFacts {
        version,
        rustup: sysroot.components().any(|c| c.as_os_str() == "toolchains")
            && sysroot.to_string_lossy().contains("rustup"),
        sysroot,
        installed,
    })
}

/// The command's trimmed stdout, or why there is none.
fn output(mut cmd: Command) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or("no message");
        return Err(format!("exited with {}: {first}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
