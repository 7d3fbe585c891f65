//! A target's floor: the oldest system its files must run on. For glibc targets that is a glibc
//! release, for apple targets the macOS deployment target. The linker passes it to zig and
//! checks it in the file after the link, whichever kind it is.

use std::fmt;

use crate::target::glibc::Glibc;
use crate::target::macos::MacOs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    Glibc(Glibc),
    MacOs(MacOs),
}

/// `glibc 2.17`, `macOS 11.0`.
impl fmt::Display for Floor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.version())
    }
}

impl Floor {
    pub fn glibc(self) -> Option<Glibc> {
        match self {
            Floor::Glibc(glibc) => Some(glibc),
            Floor::MacOs(_) => None,
        }
    }

    pub fn macos(self) -> Option<MacOs> {
        match self {
            Floor::MacOs(macos) => Some(macos),
            Floor::Glibc(_) => None,
        }
    }

    /// What kind of release it is: `glibc`, `macOS`.
    pub fn kind(&self) -> &'static str {
        match self {
            Floor::Glibc(_) => "glibc",
            Floor::MacOs(_) => "macOS",
        }
    }

    /// The release alone, as a target suffix spells it: `2.17`, `11.0`.
    pub fn version(&self) -> String {
        match self {
            Floor::Glibc(glibc) => glibc.to_string(),
            Floor::MacOs(macos) => macos.to_string(),
        }
    }
}

/// The floors the environment asks for (`ZIGLINK_GLIBC`, `MACOSX_DEPLOYMENT_TARGET`); a
/// target takes the one of its kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub glibc: Option<Glibc>,
    pub macos: Option<MacOs>,
}
