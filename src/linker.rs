//! Linker mode: cargo ran `ziglink <link line>`. A straight line from rustc's arguments to zig;
//! every decision is made by the modules it calls.

use std::ffi::OsString;
use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::launch::{self, ZigCall};
use crate::settings::Settings;
use crate::target::Target;
use crate::{infer, response, rules};

pub fn run(argv0: Option<&OsString>, args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let expanded = response::expand(args, &|path| std::fs::read(path))?;
    let target_text = match &settings.target {
        Some(text) => text.clone(),
        None => infer::rust_target(&expanded.args).ok_or(Error::CannotInferTarget)?,
    };
    let target = resolve(&target_text, &settings)?;
    let translation = rules::translate(&expanded.args, &target, &|p| p.is_file())?;
    let call = ZigCall {
        driver: "cc",
        lead: rules::target_args(&target),
        args: translation.args,
        response_dir: expanded.first_file_dir,
    };
    launch::zig(call, &settings, argv0)
}

/// The target for `text` (`triple[.MAJOR.MINOR]`) with the floor the environment asks for.
pub fn resolve(text: &str, settings: &Settings) -> Result<Target> {
    let triple = text.split('.').next().unwrap_or(text);
    let glibc = settings.glibc_for(triple, |name| std::env::var_os(name))?;
    Target::resolve(text, glibc)
}
