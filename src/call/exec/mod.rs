//! Handing the translated command to zig: exec where possible so zig's exit status, signals
//! and output are its own; spawn and wait only when ziglink has work to do afterwards (remove a
//! response file, check the output). Waiting, ziglink stands in for zig: it passes signals on
//! (`signals`), ends what a killed zig left running (`orphans`), removes what it had begun to
//! write (`output`), and leaves the way zig did.

pub mod output;

#[cfg(unix)]
mod orphans;
#[cfg(unix)]
pub mod signals;

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};

use crate::error::{Error, Result};
use crate::exit::ExitCode;

/// How zig ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this code.
    Code(u8),
    /// A signal ended it.
    Signal(i32),
}

/// What waiting for zig came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waited {
    pub ended: Ended,
    /// A signal ziglink itself received meanwhile, and passed on to zig.
    pub interrupted: Option<i32>,
}

/// Replaces this process with `cmd`. Returns only if that failed.
#[cfg(unix)]
pub fn exec(mut cmd: Command) -> Error {
    use std::os::unix::process::CommandExt;
    let source = cmd.exec();
    Error::ZigStart {
        path: cmd.get_program().into(),
        source,
    }
}

// Windows has no exec; waiting and leaving with zig's code is the closest equivalent.
#[cfg(not(unix))]
pub fn exec(mut cmd: Command) -> Error {
    match cmd.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(source) => Error::ZigStart {
            path: cmd.get_program().into(),
            source,
        },
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
    let mut child = start(&mut cmd).map_err(|source| start_error(&cmd, source))?;
    // Read on the side: zig may fill the pipe before it exits, and a helper it leaves behind
    // may hold the pipe open after it has.
    let reader = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    });
    let status = child.wait().map_err(|source| start_error(&cmd, source))?;
    let waited = after(status);
    let stderr = reader
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    Ok((waited, stderr))
}

#[cfg(unix)]
fn start(cmd: &mut Command) -> std::io::Result<Child> {
    orphans::adopt();
    signals::spawn(cmd)
}

#[cfg(not(unix))]
fn start(cmd: &mut Command) -> std::io::Result<Child> {
    cmd.spawn()
}

/// zig has ended: whatever it left running is ended too when it did not end by itself.
#[cfg(unix)]
fn after(status: ExitStatus) -> Waited {
    let interrupted = signals::child_ended();
    let ended = ended(status);
    if let Some(signal) = interrupted.or(match ended {
        Ended::Signal(_) => Some(libc::SIGTERM),
        Ended::Code(_) => None,
    }) {
        orphans::end_all(signal);
    }
    Waited { ended, interrupted }
}

#[cfg(not(unix))]
fn after(status: ExitStatus) -> Waited {
    Waited {
        ended: ended(status),
        interrupted: None,
    }
}

fn ended(status: ExitStatus) -> Ended {
    if let Some(code) = status.code() {
        return Ended::Code(u8::try_from(code).unwrap_or(1));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Ended::Signal(signal);
        }
    }
    Ended::Code(1)
}

/// Leaves as zig did: with its code, or by its signal.
pub fn leave_like(ended: Ended) -> ExitCode {
    match ended {
        Ended::Code(code) => ExitCode(code),
        #[cfg(unix)]
        Ended::Signal(signal) => signals::leave_by(signal),
        #[cfg(not(unix))]
        Ended::Signal(_) => ExitCode::FAILURE,
    }
}

fn start_error(cmd: &Command, source: std::io::Error) -> Error {
    Error::ZigStart {
        path: cmd.get_program().into(),
        source,
    }
}
