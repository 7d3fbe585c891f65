//! What zig leaves running when it is ended by a signal. zig links by starting `zig ld.lld` as a
//! process of its own (and compiles zig's C runtimes the same way); killed, zig does not take
//! them with it, and an orphaned ld.lld goes on to write the output after the link has been
//! reported failed, a file no post-link check has seen. On Linux ziglink makes itself the
//! reaper of zig's orphans (PR_SET_CHILD_SUBREAPER) before starting zig, so they become its
//! children when zig dies, and ends them before it leaves: the signal ziglink was sent (or
//! SIGTERM), with SIGCONT so that a stopped one can act on it, and SIGKILL for what is still
//! there after a grace period. LLVM's tools remove their temporary output files on SIGTERM and
//! SIGINT.

use std::time::{Duration, Instant};

use libc::c_int;

const GRACE: Duration = Duration::from_millis(1500);
/// A process in uninterruptible sleep dies only when its I/O ends; ziglink does not wait for
/// that forever.
const GIVE_UP: Duration = Duration::from_secs(10);

/// Makes zig's orphans ziglink's children. Harmless where nothing is orphaned.
#[cfg(target_os = "linux")]
pub fn adopt() {
    // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER takes an integer flag and touches no memory.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
}

#[cfg(not(target_os = "linux"))]
pub fn adopt() {}

/// Ends every child ziglink still has (zig has been waited for, so each is one of zig's).
pub fn end_all(signal: c_int) {
    let mut asked = Vec::new();
    let started = Instant::now();
    loop {
        reap();
        let left = children();
        if left.is_empty() || started.elapsed() >= GIVE_UP {
            return;
        }
        let late = started.elapsed() >= GRACE;
        for pid in left {
            // SAFETY: kill(2) with integer arguments; each pid is a child of ours that has not
            // been reaped, so it cannot be another process's.
            unsafe {
                if late {
                    libc::kill(pid, libc::SIGKILL);
                } else if !asked.contains(&pid) {
                    libc::kill(pid, signal);
                    libc::kill(pid, libc::SIGCONT);
                    asked.push(pid);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Collects every child that has ended.
fn reap() {
    loop {
        let mut status = 0;
        // SAFETY: waitpid(2) writes only into `status`.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return;
        }
    }
}

/// The pids whose parent is this process, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
fn children() -> Vec<c_int> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: c_int = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
            (parent_in_stat(&stat)? == me).then_some(pid)
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn children() -> Vec<c_int> {
    Vec::new()
}

/// The parent pid in a `/proc/<pid>/stat` line: `pid (comm) state ppid ...`, where comm may
/// hold spaces and parentheses, so the fields start after the last `)`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))] // tested on every Unix
fn parent_in_stat(stat: &[u8]) -> Option<u32> {
    let close = stat.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(&stat[close + 1..]).ok()?;
    let mut fields = rest.split_ascii_whitespace();
    let _state = fields.next()?;
    fields.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parent_from_a_stat_line() {
        let cases: &[(&[u8], Option<u32>)] = &[
            (b"4242 (zig) S 4241 4242 100 0 -1", Some(4241)),
            (b"7 (ld.lld (x) y) R 1 7 7", Some(1)),
            (b"7 (a) b) Z 99", Some(99)),
            (b"7 (a", None),
            (b"", None),
            (b"7 (a) S", None),
            (b"7 (a) S -1", None),
            (b"7 (\xff) S 12", Some(12)),
        ];
        for (stat, want) in cases {
            assert_eq!(
                parent_in_stat(stat),
                *want,
                "{:?}",
                String::from_utf8_lossy(stat)
            );
        }
    }
}
