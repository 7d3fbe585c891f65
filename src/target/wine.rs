//! Whether a Windows target's programs can run on this machine, under wine: what `doctor` says
//! for each Windows target, as qemu's plan says it for the Linux ones. Debian's `wine64` and
//! `wine32` packages put their loaders in `/usr/lib/wine`; the `wine` package adds `wine64`
//! and `wine` on PATH.

use std::path::{Path, PathBuf};

use super::triple::Target;

/// One wine loader: its name on PATH, where Debian installs it, and the package that does.
struct Loader {
    name: &'static str,
    debian: &'static str,
    package: &'static str,
}

const WINE64: Loader = Loader {
    name: "wine64",
    debian: "/usr/lib/wine/wine64",
    package: "wine64",
};
const WINE32: Loader = Loader {
    name: "wine",
    debian: "/usr/lib/wine/wine",
    package: "wine32:i386",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WineRun {
    Under(PathBuf),
    Missing {
        package: &'static str,
    },
    /// No wine runs them on this machine's architecture.
    Never {
        why: &'static str,
    },
}

impl WineRun {
    /// One line, as `emulation::Plan::describe` words it for Linux targets.
    pub fn describe(&self) -> String {
        match self {
            WineRun::Under(loader) => format!("runs under wine ({})", loader.display()),
            WineRun::Missing { package } => format!("cannot run here: install {package}"),
            WineRun::Never { why } => format!("cannot run here: {why}"),
        }
    }
}

/// How `target`'s programs run on a machine of `host_arch` (`std::env::consts::ARCH`), or
/// `None` when it is not a Windows target. `on_path` resolves a program name.
pub fn plan(
    target: &Target,
    host_arch: &str,
    on_path: &dyn Fn(&str) -> Option<PathBuf>,
    exists: &dyn Fn(&Path) -> bool,
) -> Option<WineRun> {
    if !target.is_windows() {
        return None;
    }
    let loader = match target.zig_arch() {
        "x86_64" => WINE64,
        "x86" => WINE32,
        _ => {
            return Some(WineRun::Never {
                why: "no wine here runs arm64 Windows programs",
            })
        }
    };
    if host_arch != "x86_64" {
        return Some(WineRun::Never {
            why: "wine runs x86 Windows programs on x86_64 machines only",
        });
    }
    let found = on_path(loader.name).or_else(|| {
        let debian = Path::new(loader.debian);
        exists(debian).then(|| debian.to_path_buf())
    });
    Some(match found {
        Some(path) => WineRun::Under(path),
        None => WineRun::Missing {
            package: loader.package,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_windows_target_names_its_wine_or_the_package() {
        let debian_only = |p: &Path| p == Path::new("/usr/lib/wine/wine64");
        let nothing_on_path = |_: &str| None;
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "x86_64-pc-windows-gnu",
                "x86_64",
                Some("runs under wine (/usr/lib/wine/wine64)"),
            ),
            (
                "x86_64-pc-windows-gnullvm",
                "x86_64",
                Some("runs under wine (/usr/lib/wine/wine64)"),
            ),
            (
                "i686-pc-windows-gnu",
                "x86_64",
                Some("cannot run here: install wine32:i386"),
            ),
            (
                "aarch64-pc-windows-gnullvm",
                "x86_64",
                Some("cannot run here: no wine here runs arm64 Windows programs"),
            ),
            (
                "x86_64-pc-windows-gnu",
                "aarch64",
                Some("cannot run here: wine runs x86 Windows programs on x86_64 machines only"),
            ),
            ("x86_64-unknown-linux-gnu", "x86_64", None),
        ];
        for (triple, host, expected) in cases {
            let target = Target::resolve(triple, None).unwrap();
            let got = plan(&target, host, &nothing_on_path, &debian_only);
            assert_eq!(got.map(|r| r.describe()).as_deref(), *expected, "{triple}");
        }
        let target = Target::resolve("i686-pc-windows-gnu", None).unwrap();
        let on_path = |name: &str| (name == "wine").then(|| PathBuf::from("/usr/bin/wine"));
        assert_eq!(
            plan(&target, "x86_64", &on_path, &|_| false),
            Some(WineRun::Under(PathBuf::from("/usr/bin/wine")))
        );
    }
}
