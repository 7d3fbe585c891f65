//! The program's arguments, for the executables that define C `main` themselves (`entry!`).
//! std's `args_os` fills itself from glibc's start-up hook or from macOS's and Windows' own
//! calls, but on musl only from std's start-up, which such a `main` skips: there it is empty.
//! So on Unix they are read from `main`'s own `argv`; on Windows from the UTF-16 command line,
//! as std does (`main`'s strings are in the ANSI code page there).

use std::ffi::{c_char, c_int, OsString};

/// The arguments `main` was given, program name first.
///
/// # Safety
/// `argv` holds `argc` pointers to NUL-terminated strings, as the C runtime passes them.
#[cfg(unix)]
pub unsafe fn from_main(argc: c_int, argv: *const *const c_char) -> Vec<OsString> {
    use std::ffi::CStr;
    use std::os::unix::ffi::OsStringExt;

    if argv.is_null() {
        return Vec::new();
    }
    let count = usize::try_from(argc).unwrap_or(0);
    (0..count)
        // SAFETY: within the `argc` entries the caller vouches for.
        .map(|i| unsafe { *argv.add(i) })
        .take_while(|arg| !arg.is_null())
        // SAFETY: each is a NUL-terminated string.
        .map(|arg| OsString::from_vec(unsafe { CStr::from_ptr(arg) }.to_bytes().to_vec()))
        .collect()
}

/// The arguments the program was started with, program name first.
///
/// # Safety
/// None needed: `argc` and `argv` are not read.
#[cfg(windows)]
pub unsafe fn from_main(_argc: c_int, _argv: *const *const c_char) -> Vec<OsString> {
    std::env::args_os().collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn reads_what_main_was_given() {
        let given: &[&[u8]] = &[b"ziglink-cc", b"hello.c", b"-o", b"h\xff llo"];
        let owned: Vec<CString> = given.iter().map(|a| CString::new(*a).unwrap()).collect();
        let mut argv: Vec<*const c_char> = owned.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());
        // An argc that counts the closing null stops at it.
        let cases: &[(c_int, usize)] = &[(4, 4), (2, 2), (0, 0), (-1, 0), (5, 4)];
        for &(argc, want) in cases {
            // SAFETY: `argv` has its strings and then a null, as C's does; argc <= 5.
            let read = unsafe { from_main(argc, argv.as_ptr()) };
            let bytes: Vec<&[u8]> = read.iter().map(|a| a.as_bytes()).collect();
            assert_eq!(bytes, &given[..want], "argc {argc}");
        }
        // SAFETY: a null argv is read as no arguments.
        assert!(unsafe { from_main(1, std::ptr::null()) }.is_empty());
    }
}
