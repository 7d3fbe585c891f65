//! Handing the translated command to zig: exec where possible so zig's exit status, signals
//! and output are its own; spawn and wait only when ziglink has work to do afterwards (remove a
//! response file, check the output). Waiting, ziglink stands in for zig (`platform::process`: it
//! passes signals on and ends what a killed zig left running), removes what zig had begun to
//! write (`output`), and leaves the way zig did.

pub mod heal;
pub mod output;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::platform::process;
pub use crate::platform::process::{late_signal, leave_like, Ended, Waited};

/// Replaces this process with `cmd` (on Windows: runs it and exits with its code). Returns only
/// if that failed.
pub fn exec(cmd: Command) -> Error {
    let path = PathBuf::from(cmd.get_program());
    Error::ZigStart {
        path,
        source: process::replace_with(cmd),
    }
}

/// Runs `cmd` as a child and waits for it.
pub fn spawn_and_wait(cmd: Command) -> Result<Waited> {
    wait_for(cmd, false).map(|(waited, _)| waited)
}

/// Runs `cmd` as a child with its stderr collected (stdout stays the caller's), for when
/// ziglink has to read what zig said.
pub fn spawn_and_wait_capturing_stderr(cmd: Command) -> Result<(Waited, Vec<u8>)> {
    wait_for(cmd, true)
}

fn wait_for(mut cmd: Command, capture: bool) -> Result<(Waited, Vec<u8>)> {
    if capture {
        cmd.stderr(Stdio::piped());
    }
    let mut child = process::spawn(&mut cmd).map_err(|source| start_error(&cmd, source))?;
    let reader = child.stderr.take().map(process::StderrReader::start);
    let status = child.wait().map_err(|source| start_error(&cmd, source))?;
    let waited = process::after(status);
    let stderr = reader
        .map(process::StderrReader::finish)
        .unwrap_or_default();
    Ok((waited, stderr))
}

fn start_error(cmd: &Command, source: std::io::Error) -> Error {
    Error::ZigStart {
        path: cmd.get_program().into(),
        source,
    }
}
