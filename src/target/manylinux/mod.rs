//! The manylinux policies (PEP 600): for each glibc release a wheel's tag can claim, the
//! libraries a wheel may load from the system, the symbols of those it may not use, and, per
//! architecture, the symbol versions it may ask for. auditwheel refuses (or repairs) a wheel
//! that goes beyond its tag's policy; ziglink checks the same right after each link, and picks
//! the tag the maturin backend asks for from the same list.
//!
//! The data is auditwheel's: `policies.json`, made from an installed auditwheel by
//! `python -m tests.harness.manylinux_policy` (`nox -s manylinux-policy`), which names the
//! version in the file. `build.rs` compiles it into the static table here, so a link reads it
//! without parsing anything.

use crate::target::glibc::Glibc;
use crate::target::triple::{Family, TargetSpec};

/// Names with what each stands for, in the data's order: libraries with their forbidden
/// symbols, arches with their version prefixes, prefixes with their versions.
type Keyed<T> = &'static [(&'static str, T)];
type Names = &'static [&'static str];

/// One policy, such as `manylinux_2_17` (alias `manylinux2014`).
#[derive(Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: &'static str,
    pub aliases: Names,
    pub glibc: Glibc,
    libraries: Names,
    /// Per library, the symbols a wheel may not import from it.
    forbidden: Keyed<Names>,
    /// Per architecture, per version prefix (`GLIBCXX`), the versions allowed.
    versions: Keyed<Keyed<Names>>,
}

/// Every policy, lowest glibc first.
static POLICIES: &[Policy] = include!(concat!(env!("OUT_DIR"), "/manylinux_policies.rs"));

impl Policy {
    /// The name maturin and users know it by: the legacy alias where there is one
    /// (`manylinux2014`), else the PEP 600 name (`manylinux_2_28`).
    pub fn tag(&self) -> &'static str {
        self.aliases.first().copied().unwrap_or(self.name)
    }

    /// Whether a wheel under this policy may load `soname` from the system.
    pub fn allows_library(&self, soname: &str) -> bool {
        self.libraries.contains(&soname)
    }

    /// The symbols a wheel may not import from `soname` (none for most libraries).
    pub fn forbidden_symbols(&self, soname: &str) -> Names {
        self.forbidden
            .iter()
            .find(|(lib, _)| *lib == soname)
            .map_or(&[], |(_, symbols)| symbols)
    }

    /// The versions with `prefix` (`GLIBC`, `GLIBCXX`, `CXXABI`, `GCC`, `ZLIB`, `LIBATOMIC`) a
    /// file for `arch` may ask for, or `None` when the policy says nothing of the prefix.
    pub fn versions(&self, arch: &str, prefix: &str) -> Option<Names> {
        let (_, prefixes) = self.versions.iter().find(|(a, _)| *a == arch)?;
        let (_, versions) = prefixes.iter().find(|(p, _)| *p == prefix)?;
        Some(versions)
    }

    /// Whether the policy is defined for `arch` at all.
    pub fn covers(&self, arch: &str) -> bool {
        self.versions.iter().any(|(a, _)| *a == arch)
    }
}

/// Every policy, lowest glibc first.
pub fn all() -> &'static [Policy] {
    POLICIES
}

/// auditwheel's name for the architecture of a glibc target (`i686`, `armv7l`, `ppc64le`), or
/// `None` for targets that are not Linux with glibc.
pub fn arch_of(spec: &TargetSpec) -> Option<&'static str> {
    if !matches!(spec.family, Family::Gnu { .. }) {
        return None;
    }
    Some(match spec.zig.split('-').next().unwrap_or_default() {
        "x86" => "i686",
        "arm" => "armv7l",
        "powerpc64le" => "ppc64le",
        other => other,
    })
}

/// The policy a file linked for `floor` on `arch` is held to: the lowest defined for the arch
/// whose glibc is at least the floor, as that is the tag such a wheel gets (there is no
/// `manylinux_2_32`, so ppc64le's 2.32 floor is held to `manylinux_2_34`). `None` above the
/// newest policy.
pub fn for_floor(floor: Glibc, arch: &str) -> Option<&'static Policy> {
    all().iter().find(|p| p.glibc >= floor && p.covers(arch))
}

/// The policy a tag names, by PEP 600 name or legacy alias (`manylinux2014`).
pub fn named(tag: &str) -> Option<&'static Policy> {
    all()
        .iter()
        .find(|p| p.name == tag || p.aliases.contains(&tag))
}

/// The glibc a manylinux tag claims, from its name: `manylinux_2_28` is 2.28, and the legacy
/// aliases are looked up. `None` for anything that is not a manylinux tag.
pub fn glibc_of_tag(tag: &str) -> Option<Glibc> {
    if let Some(policy) = named(tag) {
        return Some(policy.glibc);
    }
    let rest = tag.strip_prefix("manylinux_")?;
    let (major, minor) = rest.split_once('_')?;
    Glibc::parse(&format!("{major}.{minor}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_data_holds_every_policy_in_order() {
        let names: Vec<&str> = all().iter().map(|p| p.name).collect();
        assert_eq!(names.first(), Some(&"manylinux_2_5"));
        for wanted in ["manylinux_2_17", "manylinux_2_28", "manylinux_2_34"] {
            assert!(names.contains(&wanted), "{names:?}");
        }
        assert!(all().windows(2).all(|w| w[0].glibc < w[1].glibc));
        for policy in all() {
            assert_eq!(
                glibc_of_tag(policy.name),
                Some(policy.glibc),
                "{}",
                policy.name
            );
            assert!(policy.allows_library("libc.so.6"), "{}", policy.name);
        }
    }

    #[test]
    fn manylinux2014_is_what_auditwheel_says() {
        let policy = named("manylinux2014").unwrap();
        assert_eq!(policy.name, "manylinux_2_17");
        assert_eq!(policy.tag(), "manylinux2014");
        assert_eq!(policy.glibc, Glibc::new(2, 17));
        for allowed in ["libc.so.6", "libm.so.6", "libz.so.1", "libstdc++.so.6"] {
            assert!(policy.allows_library(allowed), "{allowed}");
        }
        for refused in ["libssl.so.3", "liblzma.so.5", "libpython3.11.so.1.0"] {
            assert!(!policy.allows_library(refused), "{refused}");
        }
        let glibcxx = policy.versions("x86_64", "GLIBCXX").unwrap();
        assert_eq!(glibcxx.last(), Some(&"3.4.19"));
        assert!(policy.versions("x86_64", "OPENSSL").is_none());
        assert!(policy.versions("riscv64", "GLIBC").is_none());
        assert!(policy
            .forbidden_symbols("libc.so.6")
            .contains(&"__cxa_thread_atexit_impl"));
        assert!(policy.forbidden_symbols("libssl.so.3").is_empty());
        assert_eq!(named("manylinux_2_28").unwrap().tag(), "manylinux_2_28");
        assert_eq!(named("musllinux_1_2"), None);
    }

    #[test]
    fn a_floor_is_held_to_the_lowest_policy_at_or_above_it() {
        let cases: &[(Glibc, &str, Option<&str>)] = &[
            (Glibc::new(2, 17), "x86_64", Some("manylinux_2_17")),
            (Glibc::new(2, 17), "aarch64", Some("manylinux_2_17")),
            (Glibc::new(2, 18), "x86_64", Some("manylinux_2_24")),
            (Glibc::new(2, 28), "armv7l", Some("manylinux_2_28")),
            (Glibc::new(2, 32), "ppc64le", Some("manylinux_2_34")),
            // No policy below 2.31 covers riscv64.
            (Glibc::new(2, 27), "riscv64", Some("manylinux_2_31")),
            (Glibc::new(2, 17), "sparc64", None),
            (Glibc::new(2, 99), "x86_64", None),
        ];
        for (floor, arch, expected) in cases {
            let got = for_floor(*floor, arch).map(|p| p.name);
            assert_eq!(got, *expected, "{floor} on {arch}");
        }
    }

    #[test]
    fn reads_the_glibc_of_manylinux_tags() {
        let cases: &[(&str, Option<(u16, u16)>)] = &[
            ("manylinux2014", Some((2, 17))),
            ("manylinux2010", Some((2, 12))),
            ("manylinux1", Some((2, 5))),
            ("manylinux_2_28", Some((2, 28))),
            ("manylinux_2_32", Some((2, 32))),
            ("manylinux_2_x", None),
            ("musllinux_1_2", None),
            ("linux", None),
            ("off", None),
            ("pypi", None),
        ];
        for (tag, expected) in cases {
            let got = glibc_of_tag(tag).map(|g| (g.major, g.minor));
            assert_eq!(got, *expected, "{tag}");
        }
    }

    #[test]
    fn names_the_architecture_as_auditwheel_does() {
        let cases = [
            ("x86_64-unknown-linux-gnu", Some("x86_64")),
            ("i686-unknown-linux-gnu", Some("i686")),
            ("armv7-unknown-linux-gnueabihf", Some("armv7l")),
            ("powerpc64le-unknown-linux-gnu", Some("ppc64le")),
            ("riscv64gc-unknown-linux-gnu", Some("riscv64")),
            ("s390x-unknown-linux-gnu", Some("s390x")),
            ("x86_64-unknown-linux-musl", None),
            ("aarch64-apple-darwin", None),
        ];
        for (triple, expected) in cases {
            let spec = crate::target::triple::lookup(triple).unwrap();
            assert_eq!(arch_of(spec), expected, "{triple}");
        }
    }
}
