//! ziglink: a stateless linker shim that runs `zig cc` for rustc and cc-rs.
//!
//! `main_with` picks the mode from argv. The folders are the architecture:
//!
//! - `call`: what rustc, cc-rs and cmake run (the link, the C tools), from argv to zig's exec.
//! - `target`: Rust targets, their floors (glibc, macOS deployment target), the manylinux
//!   policies and CPU names; pure.
//! - `zig`: the zig at hand (finding it, its version and glibc list, its cache, header copies).
//! - `project`: what the project being built says in its files (lock file, build targets).
//! - `backend`: what the `ziglink.maturin` build backend does to a maturin build (target,
//!   floor, compatibility tag).
//! - `cargo_setup`: the one builder of cargo's environment, for `cargo`, `env` and `config`.
//! - `commands`: the CLI for people, one module per subcommand.
//! - `text`: quoting and encodings (shell, TOML, OS bytes); pure.
//!
//! `error` and `exit` are shared by all; `error` takes rendered values, so it imports none.

pub mod backend;
pub mod call;
pub mod cargo_setup;
pub mod commands;
pub mod error;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod platform;
pub mod project;
pub mod target;
pub mod text;
pub mod zig;

use std::ffi::OsString;

use crate::call::{cmake, linker, tools};
use crate::exit::ExitCode;

/// Defines an executable's C `main`, for a binary marked `#![cfg_attr(not(test), no_main)]`,
/// which runs `$main` with the program's arguments. Skipping std's own start-up (its
/// stack-overflow handler reads /proc/self/maps and maps an alternate signal stack) saves about
/// 75 µs a call, measurable on a tiny compile (see bench/bench.py). The arguments come from
/// `main`'s own (`platform::args`): std's are empty on musl without its start-up.
#[macro_export]
macro_rules! entry {
    ($main:expr) => {
        // A test build of the executable keeps the test harness's own `main`.
        #[cfg(not(test))]
        /// # Safety
        /// Only the C runtime calls it, with argc NUL-terminated strings in argv.
        #[no_mangle]
        pub unsafe extern "C" fn main(
            argc: ::std::ffi::c_int,
            argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: as the C runtime passes them (above).
            let argv = unsafe { $crate::platform::args::from_main(argc, argv) };
            let code: $crate::exit::ExitCode = ($main)(argv);
            // std's start-up would flush stdout on the way out; without it, do it here.
            let _ = ::std::io::Write::flush(&mut ::std::io::stdout());
            code.0
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
    } else if commands::is_cli_invocation(args) {
        commands::run(argv.clone())
    } else {
        linker::run(argv.first(), args)
    };
    exit_code(result)
}

/// The entry point of the `ziglink-cc`, `ziglink-cxx`, `ziglink-ar` and `ziglink-ranlib`
/// executables: the tool is fixed, whatever name the program was started under.
pub fn tool_main(tool: tools::Tool, argv: Vec<OsString>) -> ExitCode {
    exit_code(tools::run(
        tool,
        argv.first(),
        argv.get(1..).unwrap_or_default(),
    ))
}

/// The entry point of `ziglink-cmake`, which becomes the real cmake (see `cmake`).
pub fn cmake_main(argv: Vec<OsString>) -> ExitCode {
    let args = argv.get(1..).unwrap_or_default();
    exit_code(cmake::run(args).map(|never| match never {}))
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
