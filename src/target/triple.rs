//! Rust target triples (with an optional `.MAJOR.MINOR` floor suffix: a glibc release, or a
//! macOS deployment target) and the zig target each one links as. The table is the single
//! place that says which targets ziglink supports.

use crate::error::{Error, Result};
use crate::target::floor::{Asked, Floor};
use crate::target::glibc::Glibc;
use crate::target::macos::MacOs;

/// The kind of system a target runs on, which decides what its floor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Linux with glibc: the lowest glibc zig can link the target against.
    Gnu { floor: Glibc },
    /// Linux with musl, linked statically: no floor.
    Musl,
    /// macOS: the lowest deployment target both rustc and zig support for the arch.
    Darwin { floor: MacOs },
    /// Windows with MinGW-w64 (`-gnu`: GCC's runtime; `-gnullvm`: LLVM's). zig links both
    /// against its own MinGW-w64 and the Universal CRT; rustc has no setting for a Windows
    /// release to ask for, so there is no floor.
    Windows,
}

/// One supported Rust target.
#[derive(Debug, PartialEq, Eq)]
pub struct TargetSpec {
    /// The Rust triple, as rustc and cargo spell it.
    pub rust: &'static str,
    /// zig's `<arch>-<os>-<abi>` for it, without a glibc version.
    pub zig: &'static str,
    /// `-mcpu` for zig when rustc's baseline differs from zig's default for the arch.
    pub cpu: Option<&'static str>,
    pub family: Family,
    /// What a user should know about the target; shown by `ziglink targets`.
    pub notes: &'static str,
}

const fn gnu(
    rust: &'static str,
    zig: &'static str,
    cpu: Option<&'static str>,
    floor: Glibc,
    notes: &'static str,
) -> TargetSpec {
    TargetSpec {
        rust,
        zig,
        cpu,
        family: Family::Gnu { floor },
        notes,
    }
}

/// Floors: Rust's own minimum is 2.17; zig's bundled glibc starts later on some arches, and
/// on powerpc64le zig's libunwind needs the IEEE-128 printf symbols that appeared in 2.32.
pub static TARGETS: &[TargetSpec] = &[
    gnu(
        "x86_64-unknown-linux-gnu",
        "x86_64-linux-gnu",
        None,
        Glibc::new(2, 17),
        "manylinux2014 by default",
    ),
    gnu(
        "aarch64-unknown-linux-gnu",
        "aarch64-linux-gnu",
        None,
        Glibc::new(2, 17),
        "",
    ),
    gnu(
        "i686-unknown-linux-gnu",
        "x86-linux-gnu",
        Some("pentium4"),
        Glibc::new(2, 17),
        "",
    ),
    gnu(
        "armv7-unknown-linux-gnueabihf",
        "arm-linux-gnueabihf",
        Some("generic+v7a+vfp3-d32+thumb2-neon"),
        Glibc::new(2, 17),
        "zig has no armv7 arch; -mcpu selects ARMv7-A with VFPv3-D16 and no NEON, as rustc does",
    ),
    gnu(
        "powerpc64le-unknown-linux-gnu",
        "powerpc64le-linux-gnu",
        None,
        Glibc::new(2, 32),
        "glibc >= 2.32: zig's libunwind needs the IEEE-128 printf symbols",
    ),
    gnu(
        "s390x-unknown-linux-gnu",
        "s390x-linux-gnu",
        Some("z10-vector"),
        Glibc::new(2, 17),
        "",
    ),
    gnu(
        "riscv64gc-unknown-linux-gnu",
        "riscv64-linux-gnu",
        Some("generic_rv64+m+a+f+d+c"),
        Glibc::new(2, 27),
        "glibc >= 2.27, the first with riscv64",
    ),
    musl(
        "x86_64-unknown-linux-musl",
        "x86_64-linux-musl",
        "static by default, as Rust links musl; zig supplies musl and its CRT",
    ),
    musl(
        "aarch64-unknown-linux-musl",
        "aarch64-linux-musl",
        "static by default, as Rust links musl; zig supplies musl and its CRT",
    ),
    darwin(
        "x86_64-apple-darwin",
        "x86_64-macos-none",
        MacOs::new(10, 12),
        "macOS 10.12 by default (MACOSX_DEPLOYMENT_TARGET); frameworks need an SDK (SDKROOT)",
    ),
    darwin(
        "aarch64-apple-darwin",
        "aarch64-macos-none",
        MacOs::new(11, 0),
        "macOS 11.0 by default (MACOSX_DEPLOYMENT_TARGET); frameworks need an SDK (SDKROOT)",
    ),
    windows(
        "x86_64-pc-windows-gnu",
        "x86_64-windows-gnu",
        None,
        "links the Universal CRT; raw-dylib imports through ziglink's dlltool",
    ),
    windows(
        "i686-pc-windows-gnu",
        "x86-windows-gnu",
        Some("pentium4"),
        "links the Universal CRT; panics unwind through zig's libunwind",
    ),
    windows(
        "x86_64-pc-windows-gnullvm",
        "x86_64-windows-gnu",
        None,
        "links the Universal CRT",
    ),
    windows(
        "aarch64-pc-windows-gnullvm",
        "aarch64-windows-gnu",
        None,
        "links the Universal CRT",
    ),
];

const fn windows(
    rust: &'static str,
    zig: &'static str,
    cpu: Option<&'static str>,
    notes: &'static str,
) -> TargetSpec {
    TargetSpec {
        rust,
        zig,
        cpu,
        family: Family::Windows,
        notes,
    }
}

/// rustc's default deployment targets are its minimums (10.12, 11.0), and the floors: zig links
/// older x86_64 releases, but Rust's std does not support them, and Apple silicon starts at 11.
const fn darwin(
    rust: &'static str,
    zig: &'static str,
    floor: MacOs,
    notes: &'static str,
) -> TargetSpec {
    TargetSpec {
        rust,
        zig,
        cpu: None,
        family: Family::Darwin { floor },
        notes,
    }
}

const fn musl(rust: &'static str, zig: &'static str, notes: &'static str) -> TargetSpec {
    TargetSpec {
        rust,
        zig,
        cpu: None,
        family: Family::Musl,
        notes,
    }
}

pub fn supported_names() -> Vec<&'static str> {
    TARGETS.iter().map(|t| t.rust).collect()
}

pub fn lookup(rust: &str) -> Option<&'static TargetSpec> {
    TARGETS.iter().find(|t| t.rust == rust)
}

impl TargetSpec {
    /// The lowest glibc zig can link this target against, or `None` for non-glibc targets.
    pub fn glibc_floor(&self) -> Option<Glibc> {
        match self.family {
            Family::Gnu { floor } => Some(floor),
            _ => None,
        }
    }

    /// Whether the target links Mach-O files.
    pub fn is_apple(&self) -> bool {
        matches!(self.family, Family::Darwin { .. })
    }

    /// Whether the target links PE files (Windows).
    pub fn is_windows(&self) -> bool {
        matches!(self.family, Family::Windows)
    }

    /// The lowest floor the target can be linked for, whichever kind it is.
    pub fn lowest_floor(&self) -> Option<Floor> {
        match self.family {
            Family::Gnu { floor } => Some(Floor::Glibc(floor)),
            Family::Musl | Family::Windows => None,
            Family::Darwin { floor } => Some(Floor::MacOs(floor)),
        }
    }
}

/// A target resolved for one link: the spec and, for glibc and apple targets, the floor to link
/// against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub spec: &'static TargetSpec,
    pub floor: Option<Floor>,
}

/// `triple[.MAJOR.MINOR]` split into the triple and the floor suffix, if there is one.
pub fn split_spec(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once('.') {
        Some((triple, suffix)) => (triple, Some(suffix)),
        None => (spec, None),
    }
}

/// `aarch64-unknown-linux-gnu` as cargo spells it in upper-case variable names
/// (`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER`), and as ziglink's own variables do.
pub fn env_upper(triple: &str) -> String {
    triple.to_ascii_uppercase().replace(['-', '.'], "_")
}

/// `aarch64-unknown-linux-gnu` as cc-rs and the cmake crate spell it in variable names
/// (`CC_aarch64_unknown_linux_gnu`).
pub fn env_lower(triple: &str) -> String {
    triple.replace('-', "_")
}

impl Target {
    /// Resolves `triple[.MAJOR.MINOR]` with the floor `glibc` asks for; see [`Target::resolve_asked`].
    pub fn resolve(spec_text: &str, glibc: Option<Glibc>) -> Result<Target> {
        Target::resolve_asked(
            spec_text,
            Asked {
                glibc,
                ..Asked::default()
            },
        )
    }

    /// Resolves `triple[.MAJOR.MINOR]`. The suffix wins over what the environment asks for,
    /// which wins over the default. A glibc asked below the floor is an error: silently linking
    /// against something newer would break the promise the user asked for. A macOS deployment
    /// target from the environment is raised to the arch's floor instead, as rustc does, because
    /// one `MACOSX_DEPLOYMENT_TARGET=10.12` serves both halves of a universal2 build.
    pub fn resolve_asked(spec_text: &str, asked: Asked) -> Result<Target> {
        let (triple, suffix) = split_spec(spec_text);
        if triple.ends_with("-windows-msvc") {
            return Err(Error::MsvcTarget {
                given: triple.to_string(),
                instead: mingw_instead_of(triple),
            });
        }
        let spec = lookup(triple).ok_or_else(|| Error::UnsupportedTarget {
            supported: supported_names().join(", "),
            given: spec_text.to_string(),
        })?;
        let floor = match spec.family {
            Family::Musl | Family::Windows if suffix.is_some() => {
                return Err(Error::SuffixNotAllowed(spec_text.to_string()))
            }
            Family::Musl | Family::Windows => None,
            Family::Gnu { floor } => Some(Floor::Glibc(glibc_floor(spec, suffix, asked, floor)?)),
            Family::Darwin { floor } => {
                Some(Floor::MacOs(macos_floor(spec, suffix, asked, floor)?))
            }
        };
        Ok(Target { spec, floor })
    }

    /// The glibc to link against, for glibc targets.
    pub fn glibc(&self) -> Option<Glibc> {
        self.floor.and_then(Floor::glibc)
    }

    /// The deployment target, for apple targets.
    pub fn macos(&self) -> Option<MacOs> {
        self.floor.and_then(Floor::macos)
    }

    /// Whether the target links Mach-O files.
    pub fn is_apple(&self) -> bool {
        self.spec.is_apple()
    }

    /// Whether the target links PE files (Windows).
    pub fn is_windows(&self) -> bool {
        self.spec.is_windows()
    }

    /// Whether the target is MinGW with GCC's runtime (`*-windows-gnu`), whose link lines name
    /// GCC's libraries and whose import libraries rustc makes with a dlltool; `-gnullvm` does
    /// neither.
    pub fn is_windows_gnu(&self) -> bool {
        self.is_windows() && self.spec.rust.ends_with("-windows-gnu")
    }

    /// zig's name for the architecture: `x86_64`, `x86`, `arm`, `aarch64`, `riscv64`, ...
    pub fn zig_arch(&self) -> &'static str {
        self.spec.zig.split('-').next().unwrap_or_default()
    }

    /// musl targets have no glibc floor: musl is linked statically, and zig supplies it.
    pub fn is_musl(&self) -> bool {
        self.spec.zig.ends_with("-musl")
    }

    /// The value for `zig cc -target`: glibc's release goes after the ABI
    /// (`x86_64-linux-gnu.2.17`), macOS's after the OS (`aarch64-macos.11.0-none`).
    pub fn zig_target(&self) -> String {
        match self.floor {
            Some(Floor::Glibc(glibc)) => format!("{}.{glibc}", self.spec.zig),
            Some(Floor::MacOs(macos)) => match self.spec.zig.rsplit_once('-') {
                Some((arch_os, abi)) => format!("{arch_os}.{macos}-{abi}"),
                None => format!("{}.{macos}", self.spec.zig),
            },
            None => self.spec.zig.to_string(),
        }
    }
}

/// The MinGW target for the arch of `msvc_triple` (aarch64 has only gnullvm), for the error
/// that refuses the msvc one.
fn mingw_instead_of(msvc_triple: &str) -> &'static str {
    let arch = msvc_triple.split('-').next();
    TARGETS
        .iter()
        .filter(|t| t.is_windows())
        .find(|t| t.rust.split('-').next() == arch)
        .map_or("x86_64-pc-windows-gnu", |t| t.rust)
}

fn glibc_floor(
    spec: &TargetSpec,
    suffix: Option<&str>,
    asked: Asked,
    floor: Glibc,
) -> Result<Glibc> {
    let suffix = match suffix {
        Some(text) => Some(Glibc::parse_setting(text, "the target suffix")?),
        None => None,
    };
    match suffix.or(asked.glibc) {
        Some(requested) if requested < floor => Err(Error::GlibcBelowFloor {
            requested: requested.to_string(),
            target: spec.rust,
            floor: floor.to_string(),
        }),
        Some(requested) => Ok(requested),
        None => Ok(Glibc::DEFAULT.max(floor)),
    }
}

fn macos_floor(
    spec: &TargetSpec,
    suffix: Option<&str>,
    asked: Asked,
    floor: MacOs,
) -> Result<MacOs> {
    match suffix {
        Some(text) => {
            let requested = MacOs::parse_setting(text, "the target suffix")?;
            if requested < floor {
                return Err(Error::MacOsBelowFloor {
                    requested: requested.to_string(),
                    target: spec.rust,
                    floor: floor.to_string(),
                });
            }
            Ok(requested)
        }
        None => Ok(asked.macos.map_or(floor, |asked| asked.max(floor))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_triple_is_supported() {
        assert!(lookup(crate::target::host::triple()).is_some());
    }

    #[test]
    fn resolves_zig_targets() {
        let g = |major, minor| Some(Glibc::new(major, minor));
        let cases: &[(&str, Option<Glibc>, &str)] = &[
            ("x86_64-unknown-linux-gnu", None, "x86_64-linux-gnu.2.17"),
            (
                "x86_64-unknown-linux-gnu",
                g(2, 28),
                "x86_64-linux-gnu.2.28",
            ),
            (
                "x86_64-unknown-linux-gnu.2.31",
                g(2, 28),
                "x86_64-linux-gnu.2.31",
            ),
            (
                "aarch64-unknown-linux-gnu.2.17",
                None,
                "aarch64-linux-gnu.2.17",
            ),
            ("i686-unknown-linux-gnu", None, "x86-linux-gnu.2.17"),
            (
                "armv7-unknown-linux-gnueabihf",
                None,
                "arm-linux-gnueabihf.2.17",
            ),
            (
                "powerpc64le-unknown-linux-gnu",
                None,
                "powerpc64le-linux-gnu.2.32",
            ),
            ("s390x-unknown-linux-gnu", None, "s390x-linux-gnu.2.17"),
            (
                "riscv64gc-unknown-linux-gnu",
                None,
                "riscv64-linux-gnu.2.27",
            ),
        ];
        for (text, glibc, zig) in cases {
            let target = Target::resolve(text, *glibc).unwrap();
            assert_eq!(target.zig_target(), *zig, "resolving {text} with {glibc:?}");
        }
    }

    #[test]
    fn resolves_windows_targets_without_a_floor() {
        let cases: &[(&str, &str, bool)] = &[
            ("x86_64-pc-windows-gnu", "x86_64-windows-gnu", true),
            ("i686-pc-windows-gnu", "x86-windows-gnu", true),
            ("x86_64-pc-windows-gnullvm", "x86_64-windows-gnu", false),
            ("aarch64-pc-windows-gnullvm", "aarch64-windows-gnu", false),
        ];
        for (text, zig, gnu) in cases {
            // A glibc asked for by the environment is a Linux floor, not a Windows one.
            let target = Target::resolve(text, Some(Glibc::new(2, 28))).unwrap();
            assert_eq!(target.zig_target(), *zig, "{text}");
            assert_eq!(target.floor, None, "{text}");
            assert!(target.is_windows() && !target.is_apple(), "{text}");
            assert_eq!(target.is_windows_gnu(), *gnu, "{text}");
        }
    }

    #[test]
    fn resolves_deployment_targets() {
        let m = |major, minor| Some(MacOs::new(major, minor));
        let cases: &[(&str, Option<MacOs>, &str)] = &[
            ("aarch64-apple-darwin", None, "aarch64-macos.11.0-none"),
            ("x86_64-apple-darwin", None, "x86_64-macos.10.12-none"),
            ("aarch64-apple-darwin", m(13, 0), "aarch64-macos.13.0-none"),
            // one MACOSX_DEPLOYMENT_TARGET for both halves of universal2: raised, as rustc does
            ("aarch64-apple-darwin", m(10, 12), "aarch64-macos.11.0-none"),
            ("x86_64-apple-darwin", m(10, 9), "x86_64-macos.10.12-none"),
            (
                "x86_64-apple-darwin.10.15",
                m(13, 0),
                "x86_64-macos.10.15-none",
            ),
            ("aarch64-apple-darwin.14", None, "aarch64-macos.14.0-none"),
            (
                "aarch64-apple-darwin.13.3.1",
                None,
                "aarch64-macos.13.3.1-none",
            ),
        ];
        for (text, macos, zig) in cases {
            let asked = Asked {
                macos: *macos,
                ..Asked::default()
            };
            let target = Target::resolve_asked(text, asked).unwrap();
            assert_eq!(target.zig_target(), *zig, "resolving {text} with {macos:?}");
            assert!(target.is_apple() && target.glibc().is_none(), "{text}");
        }
        let linux = Asked {
            macos: m(13, 0),
            ..Asked::default()
        };
        let gnu = Target::resolve_asked("x86_64-unknown-linux-gnu", linux).unwrap();
        assert_eq!(
            gnu.macos(),
            None,
            "a deployment target is not a Linux floor"
        );
    }

    #[test]
    fn refuses_bad_specs() {
        let cases: &[(&str, Option<Glibc>, &str)] = &[
            ("x86_64-unknown-redox", None, "unsupported target"),
            ("x86_64-unknown-linux-gnux", None, "unsupported target"),
            ("", None, "unsupported target"),
            ("x86_64-unknown-linux-gnu.2", None, "malformed glibc"),
            ("x86_64-unknown-linux-gnu.2.x", None, "malformed glibc"),
            (
                "powerpc64le-unknown-linux-gnu.2.17",
                None,
                "below the lowest glibc",
            ),
            (
                "riscv64gc-unknown-linux-gnu",
                Some(Glibc::new(2, 17)),
                "below the lowest glibc",
            ),
            (
                "x86_64-unknown-linux-musl.2.17",
                None,
                "takes no glibc version suffix",
            ),
            (
                "aarch64-apple-darwin.10.15",
                None,
                "below the lowest deployment target",
            ),
            (
                "x86_64-apple-darwin.10.9",
                None,
                "below the lowest deployment target",
            ),
            (
                "aarch64-apple-darwin.eleven",
                None,
                "malformed macOS version",
            ),
            (
                "aarch64-apple-darwin.11.0.0.0",
                None,
                "malformed macOS version",
            ),
            (
                "x86_64-pc-windows-msvc",
                None,
                "Microsoft's C runtime and Windows SDK, which zig does not ship; build it with \
                 cargo-xwin (maturin uses it for msvc targets), or target `x86_64-pc-windows-gnu`",
            ),
            (
                "aarch64-pc-windows-msvc.10",
                None,
                "target `aarch64-pc-windows-gnullvm`",
            ),
            ("i686-pc-windows-msvc", None, "target `i686-pc-windows-gnu`"),
            (
                "x86_64-pc-windows-gnu.10.0",
                None,
                "takes no glibc version suffix",
            ),
        ];
        for (text, glibc, message) in cases {
            let error = Target::resolve(text, *glibc).unwrap_err().to_string();
            assert!(error.contains(message), "{text}: {error}");
        }
    }

    #[test]
    fn unsupported_target_error_names_the_supported_ones() {
        let error = Target::resolve("wasm32-unknown-unknown", None)
            .unwrap_err()
            .to_string();
        for name in supported_names() {
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn table_has_no_duplicates_and_every_glibc_target_is_gnu() {
        for (i, spec) in TARGETS.iter().enumerate() {
            assert!(
                TARGETS[i + 1..].iter().all(|other| other.rust != spec.rust),
                "{} listed twice",
                spec.rust
            );
            let is_gnu = spec.zig.contains("-linux-gnu");
            assert_eq!(is_gnu, spec.glibc_floor().is_some(), "{}", spec.rust);
            let is_apple = spec.rust.contains("-apple-");
            assert_eq!(
                is_apple,
                matches!(spec.family, Family::Darwin { .. }),
                "{}",
                spec.rust
            );
            assert_eq!(
                spec.rust.contains("-windows-"),
                spec.is_windows(),
                "{}",
                spec.rust
            );
        }
    }
}
