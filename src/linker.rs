//! Linker mode: cargo ran `ziglink <link line>`. A straight line from rustc's arguments to zig;
//! every decision is made by the modules it calls.

use std::ffi::OsString;

use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::launch::{self, ZigCall};
use crate::settings::Settings;
use crate::{infer, reproducible, response, rules};

pub fn run(argv0: Option<&OsString>, args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let expanded = response::expand(args, &|path| std::fs::read(path))?;
    let target_text = match &settings.target {
        Some(text) => text.clone(),
        None => infer::rust_target(&expanded.args).ok_or(Error::CannotInferTarget)?,
    };
    let target = settings.resolve_target(&target_text)?;
    let mut translation = rules::translate(&expanded.args, &target, &|p| p.is_file())?;
    if settings.reproducible {
        translation
            .args
            .extend(reproducible::link_args(&translation.args));
    }
    let call = ZigCall {
        driver: "cc",
        lead: rules::target_args(&target),
        args: translation.args,
        response_dir: expanded.first_file_dir,
    };
    launch::zig(call, &settings, argv0)
}
