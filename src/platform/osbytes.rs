//! Arguments are OS strings and must survive untouched even when they are not UTF-8, so the
//! translation works on their bytes: raw bytes on Unix, WTF-8 (`as_encoded_bytes`) on Windows.

use std::ffi::{OsStr, OsString};

/// The last part of a path's bytes: `libz.a` of `/usr/lib/libz.a`, and on Windows of
/// `C:\lib\libz.a` too (rustc and cc-rs write either separator there).
pub fn file_name(path: &[u8]) -> &[u8] {
    file_name_split_at(path, is_separator)
}

fn file_name_split_at(path: &[u8], separator: impl Fn(u8) -> bool) -> &[u8] {
    path.rsplit(|&b| separator(b)).next().unwrap_or(path)
}

fn is_separator(byte: u8) -> bool {
    byte == b'/' || (cfg!(windows) && byte == b'\\')
}

#[cfg(unix)]
pub fn as_bytes(s: &OsStr) -> &[u8] {
    std::os::unix::ffi::OsStrExt::as_bytes(s)
}

#[cfg(unix)]
pub fn from_bytes(bytes: Vec<u8>) -> OsString {
    std::os::unix::ffi::OsStringExt::from_vec(bytes)
}

/// The encoded bytes are stable for matching ASCII prefixes and for splitting at ASCII.
#[cfg(not(unix))]
pub fn as_bytes(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

/// Rebuilt through a string: bytes from `as_bytes` and ASCII are UTF-8 unless a path held an
/// unpaired surrogate, which Windows allows and no build tool writes; that one is replaced.
#[cfg(not(unix))]
pub fn from_bytes(bytes: Vec<u8>) -> OsString {
    match String::from_utf8(bytes) {
        Ok(text) => OsString::from(text),
        Err(e) => OsString::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_split_at_the_separators_of_each_host() {
        let windows = |b: u8| b == b'/' || b == b'\\';
        let posix = |b: u8| b == b'/';
        let cases: &[(&str, &str, &str)] = &[
            ("/usr/lib/libz.a", "libz.a", "libz.a"),
            (r"C:\t\rsbegin.o", "rsbegin.o", r"C:\t\rsbegin.o"),
            (r"C:/t\x86_64\libc++.a", "libc++.a", r"t\x86_64\libc++.a"),
            ("plain.o", "plain.o", "plain.o"),
            ("", "", ""),
        ];
        for (path, on_windows, on_posix) in cases {
            let got = file_name_split_at(path.as_bytes(), windows);
            assert_eq!(got, on_windows.as_bytes(), "{path} on Windows");
            let got = file_name_split_at(path.as_bytes(), posix);
            assert_eq!(got, on_posix.as_bytes(), "{path} elsewhere");
        }
    }
}
