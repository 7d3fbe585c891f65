//! Handing a translated command line to zig, the one step the linker and the C tools share:
//! find zig, log, and exec, going through a response file when the line came in one.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::settings::Settings;
use crate::{cache, response, run, zig};

/// What to run: `zig <driver> <lead...> <args...>`.
pub struct ZigCall {
    /// `cc`, `c++`, `ar` or `ranlib`.
    pub driver: &'static str,
    /// Arguments ziglink adds in front (`-target`, `-mcpu`).
    pub lead: Vec<OsString>,
    /// The caller's arguments, translated.
    pub args: Vec<OsString>,
    /// Where the caller's response file was, when the line came in one.
    pub response_dir: Option<PathBuf>,
}

pub fn zig(call: ZigCall, settings: &Settings, argv0: Option<&OsString>) -> Result<ExitCode> {
    let zig = find_zig(settings, argv0)?;
    found_zig(call, settings, &zig)
}

/// [`zig`] with zig already found, for a caller that needs zig's path to build the line.
pub fn found_zig(call: ZigCall, settings: &Settings, zig: &zig::Zig) -> Result<ExitCode> {
    let mut zig_args = Vec::with_capacity(call.lead.len() + call.args.len() + 1);
    zig_args.push(OsString::from(call.driver));
    zig_args.extend(call.lead);
    // A line that needed a response file still does, written in the dialect zig reads.
    if let Some(dir) = &call.response_dir {
        match response::write_for_zig(&call.args) {
            Ok(contents) => {
                let file = response_file(dir, &contents)?;
                let mut at = OsString::from("@");
                at.push(file.path());
                zig_args.push(at);
                log(settings, zig, &zig_args);
                let code = run::spawn_and_wait(zig_command(&zig.path, &zig_args, settings));
                drop(file); // removes it
                return code;
            }
            Err(Error::UnquotableArgument(_)) => {} // try the direct route instead
            Err(other) => return Err(other),
        }
    }
    zig_args.extend(call.args);
    log(settings, zig, &zig_args);
    Err(run::exec(zig_command(&zig.path, &zig_args, settings)))
}

/// `zig args`, with zig's cache moved somewhere writable when its default is not.
pub fn zig_command(zig: &Path, args: &[OsString], settings: &Settings) -> Command {
    let mut cmd = Command::new(zig);
    cmd.args(args);
    if let cache::Location::Fallback(dir) = cache::for_this_process() {
        if settings.log {
            eprintln!(
                "ziglink: zig's default cache is not writable; using {}",
                dir.display()
            );
        }
        cmd.env(cache::ZIG_CACHE_VAR, dir);
    }
    cmd
}

/// The zig this ziglink uses: `ZIGLINK_ZIG`, the `ziglang` beside it, or PATH.
pub fn find_zig(settings: &Settings, argv0: Option<&OsString>) -> Result<zig::Zig> {
    let path_var = std::env::var_os("PATH");
    let exe_dirs = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .into_iter()
        .collect();
    zig::locate(&zig::Search {
        override_path: settings.zig.as_deref(),
        exe_dirs,
        argv0: argv0.map(OsString::as_os_str),
        path_var: path_var.as_deref(),
    })
}

/// Beside the caller's own file: for rustc that is its private temp dir, so even if ziglink is
/// killed before it can clean up, rustc's removal of that dir takes this file with it.
fn response_file(dir: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let create = |dir: &Path| {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        tempfile::Builder::new()
            .prefix("ziglink-")
            .suffix(".args")
            .tempfile_in(dir)
    };
    create(dir)
        .or_else(|_| create(&std::env::temp_dir()))
        .and_then(|mut file| file.write_all(contents).map(|()| file))
        .map_err(Error::TempFile)
}

fn log(settings: &Settings, zig: &zig::Zig, args: &[OsString]) {
    if settings.log {
        eprintln!(
            "ziglink: zig from {}: {}",
            zig.found_by,
            run::shell_line(&zig.path, args)
        );
    }
}
