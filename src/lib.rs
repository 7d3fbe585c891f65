//! ziglink: a stateless linker shim that runs `zig cc` for rustc and cc-rs.
//!
//! `main` picks the mode from argv; everything else is a small module with one job.

pub mod cli;
pub mod error;
pub mod glibc;
pub mod infer;
pub mod linker;
pub mod osbytes;
pub mod response;
pub mod rules;
pub mod run;
pub mod settings;
pub mod target;
pub mod zig;

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs ziglink with a full argv (program name first) and returns the code to exit with.
pub fn main_with(argv: Vec<OsString>) -> ExitCode {
    let args = argv.get(1..).unwrap_or_default();
    let result = if cli::is_cli_invocation(args) {
        cli::run(argv.clone())
    } else {
        linker::run(argv.first(), args)
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("ziglink: error: {error}");
            ExitCode::FAILURE
        }
    }
}
