//! Faults: zig ended by a signal, and ziglink interrupted while it waits for zig.

use crate::util::{
    assert_nothing_left, fake_zig_pid, fakes, faulting_link, stderr, ziglink, RUSTLIB_X86_64,
};

#[test]
fn zig_ended_by_a_signal_is_one_line_and_ziglink_ends_by_it_too() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("KILL", 9), ("SEGV", 11)] {
        let dir = tempfile::tempdir().unwrap();
        let out = ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o"])
            .arg(dir.path().join("app"))
            .env("ZIGLINK_ZIG", fakes().join("zig-faults"))
            .env("FAKE_FAULT", "die")
            .env("FAKE_SIGNAL", signal)
            .env("FAKE_PID", dir.path().join("zig.pid"))
            .output()
            .unwrap();
        let text = stderr(&out);
        assert_eq!(out.status.signal(), Some(number), "{text}");
        assert!(!out.status.core_dumped(), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        let expected = format!(
            "ziglink: error: zig was ended by SIG{signal} (signal {number}) before it finished; \
             `{}`, which it had begun to write, was removed",
            dir.path().join("app").display()
        );
        assert!(text.starts_with(&expected), "{text}");
        assert!(!dir.path().join("app").exists());
        assert!(!dir.path().join("app.tmp0a1b2c3").exists());
    }
}

#[test]
fn what_a_killed_zig_left_running_is_ended_before_ziglink_leaves() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let out = faulting_link(dir.path(), "orphan")
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(9), "{}", stderr(&out));
    // The orphan would have written `app.late` a second after it started.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_nothing_left(dir.path());
}

#[test]
fn sigterm_and_sigint_are_passed_to_zig_and_ziglink_ends_by_them_after_cleaning_up() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")] {
        let dir = tempfile::tempdir().unwrap();
        let child = faulting_link(dir.path(), "hang");
        let zig = fake_zig_pid(dir.path());
        // SAFETY: kill(2) on the child just started.
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.signal(),
            Some(signal),
            "{name}: {}",
            stderr(&out)
        );
        // Asked to stop, ziglink adds no message of its own.
        assert_eq!(stderr(&out), "", "{name}");
        // SAFETY: signal 0 only asks whether the process exists.
        assert_ne!(unsafe { libc::kill(zig, 0) }, 0, "{name}: zig still runs");
        assert_nothing_left(dir.path());
    }
}

#[test]
fn a_signal_after_zig_ended_ends_ziglink_by_it_and_removes_the_output() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let out = faulting_link(dir.path(), "late")
        .wait_with_output()
        .unwrap();
    // zig exited 0; the SIGTERM came while ziglink read the output for its floor check.
    assert_eq!(out.status.signal(), Some(libc::SIGTERM), "{}", stderr(&out));
    // The helper has written the pipe and ended; the output and zig's temporary file are gone.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_nothing_left(dir.path());
}
