//! How programs and installs are named on each platform: `.exe`, and whether two spellings of a
//! folder are the same folder. A value rather than a `cfg`, so that tests here cover Windows.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Linux and macOS.
    Posix,
    Windows,
}

impl Layout {
    /// The platform ziglink runs on.
    pub const HERE: Layout = if cfg!(windows) {
        Layout::Windows
    } else {
        Layout::Posix
    };

    /// The file name of the executable `stem`: `zig.exe` on Windows.
    pub fn exe(self, stem: &str) -> String {
        match self {
            Layout::Posix => stem.to_string(),
            Layout::Windows => format!("{stem}.exe"),
        }
    }

    /// Whether `a` and `b` name the same folder as far as spelling goes: Windows compares
    /// names without case (`C:\Env\Scripts` is `c:\env\scripts`), and either separator.
    pub fn same_path(self, a: &Path, b: &Path) -> bool {
        match self {
            Layout::Posix => a == b,
            Layout::Windows => {
                let fold = |p: &Path| p.to_string_lossy().replace('/', "\\").to_lowercase();
                fold(a) == fold(b)
            }
        }
    }
}

/// The executable `stem` here.
pub fn exe(stem: &str) -> String {
    Layout::HERE.exe(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_spellings_per_platform() {
        assert_eq!(Layout::Posix.exe("zig"), "zig");
        assert_eq!(Layout::Windows.exe("ziglink-cc"), "ziglink-cc.exe");
        let cases: &[(Layout, &str, &str, bool)] = &[
            (Layout::Posix, "/env/bin", "/env/bin", true),
            (Layout::Posix, "/env/bin", "/Env/bin", false),
            (Layout::Windows, r"C:\Env\Scripts", r"c:\env\scripts", true),
            (Layout::Windows, r"C:\Env\Scripts", "C:/env/Scripts", true),
            (
                Layout::Windows,
                r"C:\Env\Scripts",
                r"C:\Other\Scripts",
                false,
            ),
        ];
        for (layout, a, b, same) in cases {
            assert_eq!(
                layout.same_path(Path::new(a), Path::new(b)),
                *same,
                "{a} {b}"
            );
        }
    }
}
