//! ziglink: a stateless linker shim that runs `zig cc` for rustc and cc-rs.
//!
//! `main` picks the mode from argv; everything else is a small module with one job.

pub mod bindgen;
pub mod cache;
pub mod cargo_cmd;
pub mod cargo_env;
pub mod cli;
pub mod cmake;
pub mod compiler_identity;
pub mod compiler_marks;
pub mod config_edit;
pub mod config_snippet;
pub mod cpu;
pub mod doctor;
pub mod elf_versions;
pub mod error;
pub mod exit;
pub mod explain;
pub mod explain_cmd;
pub mod failed_link;
#[doc(hidden)]
pub mod fuzzing;
pub mod glibc;
pub mod glibc_check;
pub mod header_store;
pub mod infer;
pub mod json;
pub mod launch;
pub mod link_inputs;
pub mod linker;
pub mod linker_options;
pub mod osbytes;
pub mod output;
pub mod path_env;
pub mod private_dir;
pub mod reproducible;
pub mod response;
pub mod rules;
pub mod run;
pub mod rustc_cpu;
pub mod sccache_key;
pub mod settings;
pub mod setup;
pub mod shell;
pub mod shell_env;
pub mod strip_debug;
pub mod target;
pub mod tools;
pub mod warm;
pub mod zig;
pub mod zig_cache;
pub mod zig_glibc;
pub mod zig_version;

use std::ffi::OsString;

use crate::exit::ExitCode;

/// Defines an executable's C `main`, for a binary marked `#![cfg_attr(not(test), no_main)]`.
/// Skipping std's own start-up (its stack-overflow handler reads /proc/self/maps and maps an
/// alternate signal stack) saves about 75 µs a call, measurable on a tiny compile (see
/// bench/bench.py). std still gets argv and the environment from glibc.
#[macro_export]
macro_rules! entry {
    ($body:expr) => {
        // A test build of the executable keeps the test harness's own `main`.
        #[cfg(not(test))]
        #[no_mangle]
        pub extern "C" fn main(
            _argc: ::std::ffi::c_int,
            _argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            let code: $crate::exit::ExitCode = $body;
            // std's start-up would flush stdout on the way out; without it, do it here.
            let _ = ::std::io::Write::flush(&mut ::std::io::stdout());
            ::std::ffi::c_int::from(code.0)
        }
    };
}

/// Runs ziglink with a full argv (program name first) and returns the code to exit with.
/// The program name picks a tool (`ziglink-cc`, ...); otherwise the arguments pick between the
/// CLI and the linker.
pub fn main_with(argv: Vec<OsString>) -> ExitCode {
    let args = argv.get(1..).unwrap_or_default();
    let result = if let Some(tool) = argv.first().and_then(tools::Tool::from_argv0) {
        tools::run(tool, argv.first(), args)
    } else if cli::is_cli_invocation(args) {
        cli::run(argv.clone())
    } else {
        linker::run(argv.first(), args)
    };
    exit_code(result)
}

/// The entry point of the `ziglink-cc`, `ziglink-cxx`, `ziglink-ar` and `ziglink-ranlib`
/// executables: the tool is fixed, whatever name the program was started under.
pub fn tool_main(tool: tools::Tool) -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    exit_code(tools::run(
        tool,
        argv.first(),
        argv.get(1..).unwrap_or_default(),
    ))
}

/// The entry point of `ziglink-cmake`, which becomes the real cmake (see `cmake`).
pub fn cmake_main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    exit_code(cmake::run(&args).map(|never| match never {}))
}

fn exit_code(result: error::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("ziglink: error: {error}");
            ExitCode::FAILURE
        }
    }
}
