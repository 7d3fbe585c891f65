//! glibc version numbers as zig's `-target <arch>-linux-gnu.<major>.<minor>` spells them.

use std::fmt;

use crate::error::{Error, Result};

/// A glibc release, `2.17` and the like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Glibc {
    pub major: u16,
    pub minor: u16,
}

impl Glibc {
    pub const fn new(major: u16, minor: u16) -> Self {
        Glibc { major, minor }
    }

    /// Rust's own minimum for its tier-1 Linux targets and the manylinux2014 baseline.
    pub const DEFAULT: Glibc = Glibc::new(2, 17);

    /// Parses `MAJOR.MINOR` with both parts all digits. Anything else (`2`, `2.x`, `2.17.1`,
    /// ` 2.17`) is refused rather than guessed at, because zig silently substitutes a
    /// version it likes for one it does not understand.
    pub fn parse(text: &str) -> Option<Glibc> {
        let (major, minor) = text.split_once('.')?;
        let number = |s: &str| {
            if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                s.parse::<u16>().ok()
            }
        };
        let glibc = Glibc::new(number(major)?, number(minor)?);
        // No glibc 3 exists: a typo, not a request. Below 2 is a well-formed floor that the
        // target's lowest refuses, naming the lowest it takes.
        (glibc.major <= 2).then_some(glibc)
    }

    /// Parses a floor the user gave in `origin` (a variable, a target suffix), naming it in
    /// the error when the text is malformed.
    pub fn parse_setting(text: &str, origin: &'static str) -> Result<Glibc> {
        Glibc::parse(text).ok_or_else(|| Error::MalformedGlibc {
            given: text.to_string(),
            origin,
        })
    }
}

impl fmt::Display for Glibc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_major_dot_minor() {
        let cases: &[(&str, Option<(u16, u16)>)] = &[
            ("2.17", Some((2, 17))),
            ("2.28", Some((2, 28))),
            ("2.5", Some((2, 5))),
            ("2.017", Some((2, 17))),
            ("2", None),
            ("2.", None),
            (".17", None),
            ("2.x", None),
            ("2.17.1", None),
            (" 2.17", None),
            ("2.17 ", None),
            ("+2.17", None),
            ("2.-1", None),
            ("1.17", Some((1, 17))),
            ("1.5", Some((1, 5))),
            ("3.0", None),
            ("2.99999", None),
            ("", None),
        ];
        for (text, expected) in cases {
            let got = Glibc::parse(text).map(|g| (g.major, g.minor));
            assert_eq!(got, *expected, "parsing {text:?}");
        }
    }

    #[test]
    fn orders_numerically() {
        assert!(Glibc::new(2, 9) < Glibc::new(2, 17));
        assert_eq!(Glibc::new(2, 17).to_string(), "2.17");
    }
}
