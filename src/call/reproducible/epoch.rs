//! `SOURCE_DATE_EPOCH`: the time `__DATE__` and `__TIME__` expand to.

use std::ffi::OsString;

use crate::error::{Error, Result};

pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The date used when `SOURCE_DATE_EPOCH` is unset: 1980-01-01 00:00:00 UTC, the earliest
/// time a zip archive (and so a wheel) can record, so one value serves every artifact of a
/// build. A fixed date rather than a warning: the switch asks for identical bytes, and with
/// no state shared between compiles a warning could only be repeated for every one of them.
pub const DEFAULT_EPOCH: u64 = 315_532_800;

/// The last second clang accepts (9999-12-31 23:59:59 UTC).
const LATEST: u64 = 253_402_300_799;

/// `SOURCE_DATE_EPOCH` in seconds, or the default when it is unset or empty.
pub fn source_date_epoch(var: &dyn Fn(&str) -> Option<OsString>) -> Result<u64> {
    let Some(value) = var(SOURCE_DATE_EPOCH).filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_EPOCH);
    };
    let text = value.to_string_lossy();
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|&seconds| seconds <= LATEST)
        .ok_or_else(|| Error::MalformedSourceDateEpoch(text.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_falls_back_to_1980() {
        let cases: &[(Option<&str>, Option<u64>)] = &[
            (None, Some(DEFAULT_EPOCH)),
            (Some(""), Some(DEFAULT_EPOCH)),
            (Some("0"), Some(0)),
            (Some("1700000000"), Some(1_700_000_000)),
            (Some(" 1700000000\n"), Some(1_700_000_000)),
            (Some("253402300799"), Some(LATEST)),
            (Some("253402300800"), None),
            (Some("-1"), None),
            (Some("1.5"), None),
            (Some("2024-01-01"), None),
        ];
        for (value, expected) in cases {
            let var = |_: &str| value.map(OsString::from);
            assert_eq!(source_date_epoch(&var).ok(), *expected, "{value:?}");
        }
    }

    #[test]
    fn the_error_names_the_variable_and_the_fix() {
        let var = |_: &str| Some(OsString::from("yesterday"));
        let error = source_date_epoch(&var).unwrap_err().to_string();
        assert_eq!(
            error,
            "SOURCE_DATE_EPOCH is `yesterday`, not a number of seconds since 1970-01-01 UTC; \
             set it to one, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
        );
    }
}
