//! Ages: `--older-than` values (`30d`, `12h`, `90m`) and how they print.

use std::time::Duration;

use crate::error::{Error, Result};

/// Parses `<whole number><unit>` with unit `d`, `h`, `m` or `s`.
pub fn parse(text: &str) -> Result<Duration> {
    let malformed = || Error::MalformedAge(text.to_string());
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(malformed)?;
    let (number, unit) = text.split_at(split);
    let seconds_per: u64 = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(malformed()),
    };
    let number: u64 = number.parse().map_err(|_| malformed())?;
    number
        .checked_mul(seconds_per)
        .map(Duration::from_secs)
        .ok_or_else(malformed)
}

/// The largest whole unit that fits: `30d`, `12h`, `90m` prints as `90m`, not `1h`.
pub fn render(age: Duration) -> String {
    let secs = age.as_secs();
    for (unit, per) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs >= per && secs % per == 0 {
            return format!("{}{unit}", secs / per);
        }
    }
    format!("{secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ages() {
        let cases: &[(&str, Option<u64>)] = &[
            ("30d", Some(30 * 86_400)),
            ("12h", Some(12 * 3_600)),
            ("90m", Some(90 * 60)),
            ("45s", Some(45)),
            ("0d", Some(0)),
            ("007h", Some(7 * 3_600)),
            ("", None),
            ("30", None),
            ("d", None),
            ("1.5d", None),
            ("-1d", None),
            ("30 d", None),
            ("30D", None),
            ("2w", None),
            ("1dh", None),
            ("99999999999999999999d", None),
            ("999999999999999999d", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).ok().map(|d| d.as_secs()), *expected, "{text:?}");
        }
    }

    #[test]
    fn malformed_ages_say_what_is_expected() {
        assert_eq!(
            parse("2w").unwrap_err().to_string(),
            "malformed age `2w` for --older-than: expected a whole number and d, h, m or s, \
             such as 30d, 12h or 90m"
        );
    }

    #[test]
    fn renders_in_the_largest_whole_unit() {
        let cases = [
            (30 * 86_400, "30d"),
            (12 * 3_600, "12h"),
            (90 * 60, "90m"),
            (86_400 + 60, "1441m"),
            (61, "61s"),
            (0, "0s"),
        ];
        for (secs, text) in cases {
            assert_eq!(render(Duration::from_secs(secs)), text);
            assert_eq!(parse(text).unwrap().as_secs(), secs);
        }
    }
}
