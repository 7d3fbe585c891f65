//! Arguments are OS strings and must survive untouched even when they are not UTF-8, so the
//! translation works on their bytes. These two conversions are the only platform-specific part.

use std::ffi::{OsStr, OsString};

/// The last `/`-separated part of an argument's bytes: `libz.a` of `/usr/lib/libz.a`.
pub fn file_name(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

#[cfg(unix)]
pub fn as_bytes(s: &OsStr) -> &[u8] {
    std::os::unix::ffi::OsStrExt::as_bytes(s)
}

#[cfg(unix)]
pub fn from_bytes(bytes: Vec<u8>) -> OsString {
    std::os::unix::ffi::OsStringExt::from_vec(bytes)
}

// Elsewhere arguments are WTF-8 inside; the encoded bytes are stable for matching ASCII
// prefixes, and rebuilding goes through a lossy string (no supported target runs there yet).
#[cfg(not(unix))]
pub fn as_bytes(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

#[cfg(not(unix))]
pub fn from_bytes(bytes: Vec<u8>) -> OsString {
    OsString::from(String::from_utf8_lossy(&bytes).into_owned())
}
