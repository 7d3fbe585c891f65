//! exec, and standing in for a child when ziglink has work to do after it (`signals`,
//! `orphans`).

use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus};

use super::{orphans, signals, Ended, Waited};

pub fn replace_with(mut cmd: Command) -> io::Error {
    cmd.exec()
}

pub fn spawn(cmd: &mut Command) -> io::Result<Child> {
    orphans::adopt();
    signals::spawn(cmd)
}

pub fn after(status: ExitStatus) -> Waited {
    let interrupted = signals::child_ended();
    let ended = super::ended(status);
    if let Some(signal) = interrupted.or(match ended {
        Ended::Signal(_) => Some(libc::SIGTERM),
        Ended::Code(_) => None,
    }) {
        orphans::end_all(signal);
    }
    Waited { ended, interrupted }
}

pub fn late_signal() -> Option<i32> {
    signals::received()
}

pub fn signal_of(status: ExitStatus) -> Option<i32> {
    status.signal()
}

pub fn leave_by(signal: i32) -> ! {
    signals::leave_by(signal)
}

pub fn signal_name(signal: i32) -> &'static str {
    signals::name(signal)
}
