//! Linker mode: cargo ran `ziglink <link line>`. A straight line from rustc's arguments to zig;
//! every decision is made by the modules it calls.

use std::ffi::OsString;

use crate::call::apple_sdk;
use crate::call::apple_stubs;
use crate::call::compiler_rt;
use crate::call::infer;
use crate::call::launch::{self, Job, ZigCall};
use crate::call::lead_args;
use crate::call::reproducible;
use crate::call::response;
use crate::call::rules;
use crate::call::rustc_cpu;
use crate::call::settings::Settings;
use crate::error::{Error, Result};
use crate::exit::ExitCode;

pub fn run(argv0: Option<&OsString>, args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let call = prepare(&settings, args)?;
    let zig = launch::find_zig(&settings, argv0)?;
    launch::zig(call, &settings, &zig)
}

/// The zig call for a link line; `ziglink explain` shows it without running it.
pub fn prepare(settings: &Settings, args: &[OsString]) -> Result<ZigCall> {
    let expanded = response::expand(args, &|path| std::fs::read(path))?;
    let target_text = match &settings.target {
        Some(text) => text.clone(),
        None => infer::rust_target(&expanded.args).ok_or(Error::CannotInferTarget)?,
    };
    let target = settings.resolve_target(&target_text)?;
    rustc_cpu::check(&target, |name| std::env::var(name).ok())?;
    let is_file = |p: &std::path::Path| p.is_file();
    let mut translation = rules::translate(&expanded.args, &target, &is_file)?;
    let probe = compiler_rt::Probe {
        is_file: &is_file,
        rlib_has_c: &compiler_rt::rlib_has_c,
    };
    compiler_rt::skip_where_unneeded(&mut translation, &target, &probe);
    if settings.reproducible {
        // Last, so that it wins over a build id the line asked for.
        translation
            .args
            .extend(reproducible::link_args(&translation.args));
    }
    let strip_debug = translation.applied(rules::STRIP_DEBUG);
    let large_address_aware = translation.applied(rules::LARGE_ADDRESS_AWARE);
    let mut lead = lead_args::link_lead(&target, &translation.args);
    let mut scratch = None;
    if target.is_apple() {
        match (
            settings.sdk(),
            apple_sdk::frameworks(&translation.args).first(),
        ) {
            (Some(sdk), _) => lead.push(apple_sdk::link_lead(&sdk)),
            (None, Some(framework)) => {
                return Err(Error::FrameworkWithoutSdk {
                    framework: framework.clone(),
                })
            }
            (None, None) => {}
        }
        if let Some((dir, search)) = apple_stubs::for_line(&translation.args)? {
            lead.push(search);
            scratch = Some(dir);
        }
    }
    let response_dir = expanded.first_file_dir;
    Ok(ZigCall {
        floor: target.floor,
        scratch,
        strip_debug,
        large_address_aware,
        ..ZigCall::translated(Job::Link, target, lead, translation, response_dir)
    })
}
