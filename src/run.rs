//! Handing the translated command to zig: exec where possible so zig's exit status, signals
//! and output are its own; spawn and wait only when a temporary file has to be removed after.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::shell;

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

/// Runs `cmd` as a child and returns the exit code to leave with.
pub fn spawn_and_wait(mut cmd: Command) -> Result<ExitCode> {
    let status = cmd.status().map_err(|source| start_error(&cmd, source))?;
    Ok(code_of(status))
}

/// Runs `cmd` as a child with its stderr collected (stdout stays the caller's), for when
/// ziglink has to read what zig said.
pub fn spawn_and_wait_capturing_stderr(mut cmd: Command) -> Result<(ExitCode, Vec<u8>)> {
    cmd.stderr(Stdio::piped());
    let output = cmd
        .spawn()
        .and_then(std::process::Child::wait_with_output)
        .map_err(|source| start_error(&cmd, source))?;
    Ok((code_of(output.status), output.stderr))
}

fn start_error(cmd: &Command, source: std::io::Error) -> Error {
    Error::ZigStart {
        path: cmd.get_program().into(),
        source,
    }
}

/// A child killed by a signal is reported the way shells do, as 128 + the signal number.
fn code_of(status: ExitStatus) -> ExitCode {
    if let Some(code) = status.code() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return ExitCode::from(u8::try_from(128 + signal).unwrap_or(1));
        }
    }
    ExitCode::FAILURE
}

/// The command as a shell line, for `ZIGLINK_LOG`.
pub fn shell_line(program: &Path, args: &[OsString]) -> String {
    shell::join_os(std::iter::once(program.as_os_str()).chain(args.iter().map(|a| a.as_os_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_line_quotes_only_what_needs_it() {
        let args = [
            "cc",
            "-target",
            "x86_64-linux-gnu.2.17",
            "/a b/c.o",
            "it's",
            "",
        ];
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        assert_eq!(
            shell_line(Path::new("/z/zig"), &args),
            r"/z/zig cc -target x86_64-linux-gnu.2.17 '/a b/c.o' 'it'\''s' ''"
        );
    }
}
