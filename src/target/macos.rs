//! macOS release numbers, the deployment target an apple link keeps to: what
//! `MACOSX_DEPLOYMENT_TARGET` and the `.MAJOR.MINOR` suffix of an apple triple say, and what a
//! Mach-O file's `LC_BUILD_VERSION` or `LC_VERSION_MIN_MACOSX` records.

use std::fmt;

use crate::error::{Error, Result};

/// The variable rustc, cc-rs and maturin read the deployment target from.
pub const DEPLOYMENT_TARGET: &str = "MACOSX_DEPLOYMENT_TARGET";

/// A macOS release, `11.0`, `10.12` or `13.3.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacOs {
    pub major: u16,
    pub minor: u8,
    pub patch: u8,
}

impl MacOs {
    pub const fn new(major: u16, minor: u8) -> Self {
        MacOs {
            major,
            minor,
            patch: 0,
        }
    }

    /// Parses `MAJOR[.MINOR[.PATCH]]`, all digits, as rustc reads `MACOSX_DEPLOYMENT_TARGET`
    /// (`11` is 11.0). Anything else is refused: zig would reject it with a message that names
    /// its own target syntax, not the user's setting.
    pub fn parse(text: &str) -> Option<MacOs> {
        let mut parts = text.split('.');
        let number = |s: Option<&str>| -> Option<u32> {
            match s {
                None => Some(0),
                Some(s) if s.is_empty() || s.len() > 3 => None,
                Some(s) if !s.bytes().all(|b| b.is_ascii_digit()) => None,
                Some(s) => s.parse().ok(),
            }
        };
        let major = parts.next().filter(|m| !m.is_empty());
        let major = u16::try_from(number(Some(major?))?).ok()?;
        let minor = u8::try_from(number(parts.next())?).ok()?;
        let patch = u8::try_from(number(parts.next())?).ok()?;
        // macOS 10 was the first numbered release Mach-O records; a 4th field is a typo.
        (parts.next().is_none() && major >= 10).then_some(MacOs {
            major,
            minor,
            patch,
        })
    }

    /// Parses a deployment target the user gave in `origin`, naming it in the error.
    pub fn parse_setting(text: &str, origin: &'static str) -> Result<MacOs> {
        MacOs::parse(text).ok_or_else(|| Error::MalformedMacOs {
            given: text.to_string(),
            origin,
        })
    }

    /// The release a Mach-O load command packs as `xxxx.yy.zz` in 32 bits.
    pub fn from_packed(packed: u32) -> MacOs {
        MacOs {
            major: (packed >> 16) as u16,
            minor: (packed >> 8) as u8,
            patch: packed as u8,
        }
    }
}

/// `11.0`, `10.12`, `13.3.1`: always two fields, as zig's `-target` needs, and the patch when
/// there is one.
impl fmt::Display for MacOs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_rustc_accepts() {
        let cases: &[(&str, Option<&str>)] = &[
            ("11.0", Some("11.0")),
            ("11", Some("11.0")),
            ("10.12", Some("10.12")),
            ("13.3.1", Some("13.3.1")),
            ("14.0.0", Some("14.0")),
            ("010.012", Some("10.12")),
            ("", None),
            ("11.", None),
            (".11", None),
            ("11.x", None),
            ("11.0.0.1", None),
            (" 11.0", None),
            ("11.0 ", None),
            ("+11.0", None),
            ("9.0", None),
            ("11.256", None),
            ("70000.0", None),
        ];
        for (text, expected) in cases {
            let got = MacOs::parse(text).map(|v| v.to_string());
            assert_eq!(got.as_deref(), *expected, "parsing {text:?}");
        }
    }

    #[test]
    fn orders_numerically_and_unpacks_load_commands() {
        assert!(MacOs::new(10, 12) < MacOs::new(11, 0));
        assert!(MacOs::new(10, 9) < MacOs::new(10, 12));
        assert_eq!(MacOs::from_packed(0x000b_0000), MacOs::new(11, 0));
        assert_eq!(MacOs::from_packed(0x000a_0c00), MacOs::new(10, 12));
        assert_eq!(MacOs::from_packed(0x000d_0301).to_string(), "13.3.1");
    }
}
