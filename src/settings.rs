//! The `ZIGLINK_*` environment variables, read once and validated up front.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::glibc::Glibc;

pub const TARGET: &str = "ZIGLINK_TARGET";
pub const GLIBC: &str = "ZIGLINK_GLIBC";
pub const ZIG: &str = "ZIGLINK_ZIG";
pub const LOG: &str = "ZIGLINK_LOG";

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `ZIGLINK_TARGET`: a Rust triple (optionally `.MAJOR.MINOR`) used for every call instead
    /// of the one read from the link line.
    pub target: Option<String>,
    /// `ZIGLINK_GLIBC`: the glibc floor for glibc targets.
    pub glibc: Option<Glibc>,
    /// `ZIGLINK_ZIG`: the zig executable to use.
    pub zig: Option<PathBuf>,
    /// `ZIGLINK_LOG`: print the zig command before running it.
    pub log: bool,
}

impl Settings {
    /// Reads the settings through `var`; empty values count as unset, as shells make it easy to
    /// export an empty variable by accident.
    pub fn read(var: impl Fn(&str) -> Option<OsString>) -> Result<Settings> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let text = |name: &str| get(name).map(|v| v.to_string_lossy().into_owned());
        let glibc = match text(GLIBC) {
            Some(value) => Some(Glibc::parse(&value).ok_or(Error::MalformedGlibc {
                given: value,
                origin: GLIBC,
            })?),
            None => None,
        };
        Ok(Settings {
            target: text(TARGET),
            glibc,
            zig: get(ZIG).map(PathBuf::from),
            log: get(LOG).is_some_and(|v| v != "0"),
        })
    }

    pub fn from_process_env() -> Result<Settings> {
        Settings::read(|name| std::env::var_os(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Settings> {
        Settings::read(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn reads_each_variable() {
        let s = read(&[
            (TARGET, "aarch64-unknown-linux-gnu.2.28"),
            (GLIBC, "2.31"),
            (ZIG, "/opt/zig/zig"),
            (LOG, "1"),
        ])
        .unwrap();
        assert_eq!(s.target.as_deref(), Some("aarch64-unknown-linux-gnu.2.28"));
        assert_eq!(s.glibc, Some(Glibc::new(2, 31)));
        assert_eq!(s.zig, Some(PathBuf::from("/opt/zig/zig")));
        assert!(s.log);
    }

    #[test]
    fn empty_and_zero_mean_unset() {
        let s = read(&[(TARGET, ""), (GLIBC, ""), (ZIG, ""), (LOG, "0")]).unwrap();
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn malformed_glibc_names_the_variable() {
        let error = read(&[(GLIBC, "2.x")]).unwrap_err().to_string();
        assert_eq!(
            error,
            "malformed glibc version `2.x` in ZIGLINK_GLIBC: expected MAJOR.MINOR such as 2.17"
        );
    }
}
