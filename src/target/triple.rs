//! Rust target triples (with an optional `.MAJOR.MINOR` glibc suffix) and the zig target each
//! one links as. The table is the single place that says which targets ziglink supports.

use crate::error::{Error, Result};
use crate::target::glibc::Glibc;

/// One supported Rust target.
#[derive(Debug, PartialEq, Eq)]
pub struct TargetSpec {
    /// The Rust triple, as rustc and cargo spell it.
    pub rust: &'static str,
    /// zig's `<arch>-<os>-<abi>` for it, without a glibc version.
    pub zig: &'static str,
    /// `-mcpu` for zig when rustc's baseline differs from zig's default for the arch.
    pub cpu: Option<&'static str>,
    /// The lowest glibc zig can link this target against, or `None` for non-glibc targets.
    pub glibc_floor: Option<Glibc>,
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
        glibc_floor: Some(floor),
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
];

const fn musl(rust: &'static str, zig: &'static str, notes: &'static str) -> TargetSpec {
    TargetSpec {
        rust,
        zig,
        cpu: None,
        glibc_floor: None,
        notes,
    }
}

pub fn supported_names() -> Vec<&'static str> {
    TARGETS.iter().map(|t| t.rust).collect()
}

pub fn lookup(rust: &str) -> Option<&'static TargetSpec> {
    TARGETS.iter().find(|t| t.rust == rust)
}

/// A target resolved for one link: the spec and, for glibc targets, the floor to link against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub spec: &'static TargetSpec,
    pub glibc: Option<Glibc>,
}

/// `triple[.MAJOR.MINOR]` split into the triple and the glibc suffix, if there is one.
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
    /// Resolves `triple[.MAJOR.MINOR]`. The suffix wins over `glibc`, which wins over the
    /// default (2.17, raised to the target's floor). An explicit request below the floor is an
    /// error: silently linking against something newer would break the promise the user asked
    /// for.
    pub fn resolve(spec_text: &str, glibc: Option<Glibc>) -> Result<Target> {
        let (triple, suffix) = split_spec(spec_text);
        let spec = lookup(triple).ok_or_else(|| Error::UnsupportedTarget {
            supported: supported_names().join(", "),
            given: spec_text.to_string(),
        })?;
        let suffix = match suffix {
            Some(text) => Some(Glibc::parse_setting(text, "the target suffix")?),
            None => None,
        };
        let Some(floor) = spec.glibc_floor else {
            return match suffix {
                Some(_) => Err(Error::SuffixNotAllowed(spec_text.to_string())),
                None => Ok(Target { spec, glibc: None }),
            };
        };
        let chosen = match suffix.or(glibc) {
            Some(requested) if requested < floor => {
                return Err(Error::GlibcBelowFloor {
                    requested: requested.to_string(),
                    target: spec.rust,
                    floor: floor.to_string(),
                })
            }
            Some(requested) => requested,
            None => Glibc::DEFAULT.max(floor),
        };
        Ok(Target {
            spec,
            glibc: Some(chosen),
        })
    }

    /// zig's name for the architecture: `x86_64`, `x86`, `arm`, `aarch64`, `riscv64`, ...
    pub fn zig_arch(&self) -> &'static str {
        self.spec.zig.split('-').next().unwrap_or_default()
    }

    /// musl targets have no glibc floor: musl is linked statically, and zig supplies it.
    pub fn is_musl(&self) -> bool {
        self.spec.zig.ends_with("-musl")
    }

    /// The value for `zig cc -target`.
    pub fn zig_target(&self) -> String {
        match self.glibc {
            Some(glibc) => format!("{}.{glibc}", self.spec.zig),
            None => self.spec.zig.to_string(),
        }
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
            let is_gnu = spec.zig.contains("-gnu");
            assert_eq!(is_gnu, spec.glibc_floor.is_some(), "{}", spec.rust);
        }
    }
}
