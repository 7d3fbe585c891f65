//! A child's stderr, collected on a thread of its own while the child runs: zig may fill the
//! pipe before it exits. The pipe's end is not the child's: a helper the child leaves behind
//! inherits the pipe and may hold it open for as long as it runs, so once the child has been
//! waited for, the reader takes what is in the pipe (all the child wrote) and stops.

use std::io::Read;
use std::process::ChildStderr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The thread reading one child's stderr.
pub struct StderrReader {
    thread: JoinHandle<Vec<u8>>,
    exited: Arc<AtomicBool>,
}

impl StderrReader {
    pub fn start(pipe: ChildStderr) -> StderrReader {
        let exited = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&exited);
        let thread = std::thread::spawn(move || read(pipe, &seen));
        StderrReader { thread, exited }
    }

    /// What the child wrote; call once it has been waited for.
    pub fn finish(self) -> Vec<u8> {
        self.exited.store(true, Ordering::Release);
        self.thread.join().unwrap_or_default()
    }
}

/// Reads until the end of the pipe, or until the child has exited and the pipe is empty.
#[cfg(unix)]
fn read(mut pipe: ChildStderr, exited: &AtomicBool) -> Vec<u8> {
    use std::os::fd::AsRawFd;
    // How long a read waits before it looks whether the child has exited.
    const LOOK_MS: i32 = 50;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        // Read before polling: once it is set, the child's last write is in the pipe.
        let done = exited.load(Ordering::Acquire);
        let mut ready = libc::pollfd {
            fd: pipe.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd, for a descriptor this thread owns for the whole call.
        let polled = unsafe { libc::poll(&mut ready, 1, if done { 0 } else { LOOK_MS }) };
        if polled < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if polled == 0 {
            if done {
                break;
            }
            continue;
        }
        match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    bytes
}

/// Windows' anonymous pipes cannot be polled: read to the end, as helpers left behind are
/// rare there (zig leaves none).
#[cfg(windows)]
fn read(mut pipe: ChildStderr, _exited: &AtomicBool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    bytes
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    fn collected(script: &str) -> (Vec<u8>, Duration) {
        let mut child = Command::new("sh")
            .args(["-c", script])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let reader = StderrReader::start(child.stderr.take().unwrap());
        let start = Instant::now();
        child.wait().unwrap();
        (reader.finish(), start.elapsed())
    }

    #[test]
    fn everything_the_child_wrote_is_read_past_the_pipes_buffer() {
        let (bytes, _) = collected("head -c 300000 /dev/zero | tr '\\0' x >&2");
        assert_eq!(bytes.len(), 300_000);
    }

    #[test]
    fn a_helper_holding_the_pipe_does_not_hold_the_reader() {
        let (bytes, took) = collected("echo said >&2; (sleep 5) & exit 0");
        assert_eq!(bytes, b"said\n");
        assert!(
            took < Duration::from_secs(4),
            "waited for the helper: {took:?}"
        );
    }
}
