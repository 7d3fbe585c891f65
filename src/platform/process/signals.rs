//! Signals while ziglink waits for zig. Had ziglink exec'd zig, Ctrl-C (SIGINT), SIGTERM and
//! SIGHUP would have gone to zig itself; waiting instead, ziglink receives them, passes each on
//! to zig, and once zig has ended and ziglink has cleaned up (its response file, a half-made
//! output), leaves by the same signal, so that rustc and cargo see what they would have seen.

use std::io;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicI32, Ordering};

use libc::c_int;

const FORWARDED: [c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// The last forwarded signal ziglink received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// zig's pid while it runs, or 0.
static CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(signal: c_int) {
    RECEIVED.store(signal, Ordering::SeqCst);
    let child = CHILD.load(Ordering::SeqCst);
    if child > 0 {
        // SAFETY: kill(2) is async-signal-safe and takes plain integers.
        unsafe { libc::kill(child, signal) };
    }
}

/// Spawns `cmd` with the signals above passed on to it. One that comes before zig's pid is
/// known is recorded by the handler and sent on once it is. zig starts with the default
/// handlers (exec resets caught signals) and ziglink's signal mask, as it would have after an
/// exec. Signals ziglink was started with ignored (`nohup`) stay ignored, for zig too.
pub fn spawn(cmd: &mut Command) -> io::Result<Child> {
    for signal in FORWARDED {
        // SAFETY: sigaction only reads and writes the structures passed to it; an all-zero
        // sigaction is valid, and its mask is emptied before use.
        unsafe {
            let mut current: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, std::ptr::null(), &mut current);
            if current.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = forward as extern "C" fn(c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
    let child = cmd.spawn()?;
    let pid = i32::try_from(child.id()).unwrap_or(0);
    CHILD.store(pid, Ordering::SeqCst);
    // Came before the store: the handler could not pass it on. After: it has, and zig gets it
    // twice, which changes nothing.
    let early = RECEIVED.load(Ordering::SeqCst);
    if early != 0 && pid > 0 {
        // SAFETY: kill(2) on the child just started.
        unsafe { libc::kill(pid, early) };
    }
    Ok(child)
}

/// zig has been waited for: nothing more to pass on. Returns the signal ziglink received
/// meanwhile, if any.
pub fn child_ended() -> Option<c_int> {
    CHILD.store(0, Ordering::SeqCst);
    received()
}

/// The signal ziglink received since it started waiting, if any: the handlers stay in place
/// after zig has ended, so one that comes during the work after it is recorded here.
pub fn received() -> Option<c_int> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Ends this process by `signal`, as zig ended or as ziglink was asked to, without a core
/// dump of ziglink's own (zig's crash is not ziglink's).
pub fn leave_by(signal: c_int) -> ! {
    // SAFETY: plain calls with valid arguments; raise(3) of a default-action signal does not
    // return for the signals that end a process, and exit(3) covers the others.
    unsafe {
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::signal(signal, libc::SIG_DFL);
        let mut only: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut only);
        libc::sigaddset(&mut only, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &only, std::ptr::null_mut());
        libc::raise(signal);
        libc::_exit(128 + signal)
    }
}

/// `SIGTERM` and the like, for messages.
pub fn name(signal: c_int) -> &'static str {
    match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGXFSZ => "SIGXFSZ",
        _ => "a signal",
    }
}
