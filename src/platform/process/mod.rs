//! Handing this process over to another program (zig, cargo, cmake) and standing in for it
//! while it runs. Unix has exec, so the program's exit status, signals and pid are its own;
//! Windows has none, so ziglink waits for a child and leaves with its code. The callers see one
//! interface and no `cfg`.

#[cfg(unix)]
mod orphans;
#[cfg(unix)]
mod signals;
mod stderr_reader;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
use unix as os;
#[cfg(windows)]
use windows as os;

use std::io;
use std::process::{Child, Command, ExitStatus};

use crate::exit::ExitCode;

pub use stderr_reader::StderrReader;

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this code (on Windows any 32-bit value, such as `0xC000013A` after
    /// Ctrl-C, read as an `i32`).
    Code(i32),
    /// A signal ended it (Unix only).
    Signal(i32),
}

/// What waiting for a child came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waited {
    pub ended: Ended,
    /// A signal ziglink itself received meanwhile, and passed on to the child (Unix only).
    pub interrupted: Option<i32>,
}

/// Becomes `cmd`: exec on Unix; on Windows runs it, waits and exits with its code. Returns only
/// when `cmd` could not be started.
pub fn replace_with(cmd: Command) -> io::Error {
    os::replace_with(cmd)
}

/// Starts `cmd` as a child that ziglink stands in for: it receives what would have reached it
/// had ziglink exec'd it (signals on Unix; on Windows Ctrl-C reaches it by itself, and ziglink
/// ignores it).
pub fn spawn(cmd: &mut Command) -> io::Result<Child> {
    os::spawn(cmd)
}

/// The child started by [`spawn`] has been waited for: how it ended, after whatever it left
/// running has been ended too when it did not end by itself.
pub fn after(status: ExitStatus) -> Waited {
    os::after(status)
}

/// A signal that came after the child was waited for (while ziglink checked or stripped its
/// output), which ziglink must still leave by: the build it is part of is being stopped.
pub fn late_signal() -> Option<i32> {
    os::late_signal()
}

/// Leaves as the child did: with its code, or by its signal.
pub fn leave_like(ended: Ended) -> ExitCode {
    match ended {
        Ended::Code(code) => ExitCode(code),
        Ended::Signal(signal) => os::leave_by(signal),
    }
}

/// `SIGTERM` and the like, for messages.
pub fn signal_name(signal: i32) -> &'static str {
    os::signal_name(signal)
}

fn ended(status: ExitStatus) -> Ended {
    match (status.code(), os::signal_of(status)) {
        (Some(code), _) => Ended::Code(code),
        (None, Some(signal)) => Ended::Signal(signal),
        (None, None) => Ended::Code(1),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    // `ended` alone: `after` would end every other child of the test process.
    #[test]
    fn reads_how_the_child_ended() {
        let cases: &[(&str, Ended)] = &[
            ("exit 0", Ended::Code(0)),
            ("exit 3", Ended::Code(3)),
            ("exit 255", Ended::Code(255)),
            ("kill -TERM $$", Ended::Signal(libc::SIGTERM)),
            ("kill -SEGV $$", Ended::Signal(libc::SIGSEGV)),
        ];
        for (script, want) in cases {
            let status = Command::new("sh").args(["-c", script]).status().unwrap();
            assert_eq!(ended(status), *want, "{script}");
        }
        assert_eq!(leave_like(Ended::Code(3)), ExitCode(3));
    }
}
