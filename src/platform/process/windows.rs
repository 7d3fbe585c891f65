//! Windows has no exec: ziglink runs the program as a child with the same console and handles,
//! waits, and exits with its code, passed on whole (exit codes are 32-bit there).
//!
//! Ctrl-C and Ctrl-Break go to every process attached to the console, the child included, so
//! ziglink ignores them while it waits and lets the child end as it chooses; it then leaves
//! with the child's code, as a console program that was exec'd into would have. A handler
//! function is registered rather than `SetConsoleCtrlHandler(NULL, TRUE)`, whose "ignore" is
//! inherited by child processes and would stop zig from seeing Ctrl-C at all.

use std::io;
use std::process::{Child, Command, ExitStatus};

use windows_sys::core::BOOL;
use windows_sys::Win32::System::Console::{SetConsoleCtrlHandler, CTRL_BREAK_EVENT, CTRL_C_EVENT};

use super::{Ended, Waited};

/// Handled (ignored) here: the child received the same event and decides.
unsafe extern "system" fn let_the_child_decide(event: u32) -> BOOL {
    BOOL::from(event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT)
}

pub fn replace_with(mut cmd: Command) -> io::Error {
    let waited = spawn(&mut cmd).and_then(|mut child| child.wait());
    match waited {
        Ok(status) => {
            let code = match super::ended(status) {
                Ended::Code(code) | Ended::Signal(code) => code,
            };
            std::process::exit(code)
        }
        Err(e) => e,
    }
}

pub fn spawn(cmd: &mut Command) -> io::Result<Child> {
    // SAFETY: registers a handler that reads only its argument; registering twice is harmless.
    unsafe { SetConsoleCtrlHandler(Some(let_the_child_decide), 1) };
    cmd.spawn()
}

pub fn after(status: ExitStatus) -> Waited {
    Waited {
        ended: super::ended(status),
        interrupted: None,
    }
}

/// Ctrl-C reaches every process of the console by itself, and ziglink lets zig decide.
pub fn late_signal() -> Option<i32> {
    None
}

pub fn signal_of(_status: ExitStatus) -> Option<i32> {
    None
}

pub fn leave_by(signal: i32) -> ! {
    std::process::exit(signal)
}

pub fn signal_name(_signal: i32) -> &'static str {
    "a signal"
}
