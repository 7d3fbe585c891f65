//! Linker mode: cargo ran `ziglink <link line>`. A straight line from the arguments to zig;
//! every decision is made by the modules it calls.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::target::Target;
use crate::{infer, response, rules, run, zig};

pub fn run(argv0: Option<&OsString>, args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let expanded = response::expand(args, &|path| std::fs::read(path))?;
    let target_text = match &settings.target {
        Some(text) => text.clone(),
        None => infer::rust_target(&expanded.args).ok_or(Error::CannotInferTarget)?,
    };
    let target = Target::resolve(&target_text, settings.glibc)?;
    let translation = rules::translate(&expanded.args, &target, &|p| p.is_file())?;

    let path_var = std::env::var_os("PATH");
    let exe_dirs = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .into_iter()
        .collect();
    let zig = zig::locate(&zig::Search {
        override_path: settings.zig.as_deref(),
        exe_dirs,
        argv0: argv0.map(OsString::as_os_str),
        path_var: path_var.as_deref(),
    })?;

    // rustc only uses a response file when the line is too long to pass directly, so the
    // translated line goes back into one, written in the dialect zig reads.
    if let Some(dir) = &expanded.first_file_dir {
        match response::write_for_zig(&translation.args) {
            Ok(contents) => {
                return run_with_response_file(&zig, &target, dir, &contents, &settings)
            }
            Err(Error::UnquotableArgument(_)) => {} // fall through and try the direct route
            Err(other) => return Err(other),
        }
    }
    let zig_args = rules::zig_cc_args(&target, translation.args);
    log(&settings, &zig, &zig_args);
    Err(run::exec(&zig.path, &zig_args))
}

fn run_with_response_file(
    zig: &zig::Zig,
    target: &Target,
    rustc_dir: &Path,
    contents: &[u8],
    settings: &Settings,
) -> Result<ExitCode> {
    // Beside rustc's own file, inside rustc's private temp dir, so that even if ziglink is
    // killed before it can clean up, rustc's removal of that dir takes our file with it.
    let file = temp_file_in(rustc_dir)
        .or_else(|_| temp_file_in(&std::env::temp_dir()))
        .and_then(|mut file| file.write_all(contents).map(|()| file))
        .map_err(Error::TempFile)?;
    let mut at = OsString::from("@");
    at.push(file.path());
    let zig_args = rules::zig_cc_args(target, vec![at]);
    log(settings, zig, &zig_args);
    let code = run::spawn_and_wait(&zig.path, &zig_args);
    drop(file);
    code
}

fn temp_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir: PathBuf = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    };
    tempfile::Builder::new()
        .prefix("ziglink-")
        .suffix(".args")
        .tempfile_in(dir)
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
