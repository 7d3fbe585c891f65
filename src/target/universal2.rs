//! `universal2-apple-darwin`, which is not a rustc target but a pair of them: the spec
//! `ziglink cargo`, `env` and `config` take, and the two apple targets it stands for.

use crate::target::macos::MacOs;
use crate::target::triple;

pub const TRIPLE: &str = "universal2-apple-darwin";
/// The two targets it stands for, in the order their slices go in a fat file.
pub const X86_64: &str = "x86_64-apple-darwin";
pub const AARCH64: &str = "aarch64-apple-darwin";

/// The two targets a `universal2-apple-darwin[.MAJOR.MINOR]` spec stands for, or `None` for any
/// other spec. A deployment target in the suffix is raised to 11.0 for arm64, which starts
/// there, as rustc raises `MACOSX_DEPLOYMENT_TARGET`: `universal2-apple-darwin.10.12` is the
/// usual way to ask for both.
pub fn halves(spec: &str) -> Option<[String; 2]> {
    let (name, suffix) = triple::split_spec(spec);
    if name != TRIPLE {
        return None;
    }
    let Some(suffix) = suffix else {
        return Some([X86_64.to_string(), AARCH64.to_string()]);
    };
    let arm_floor = triple::lookup(AARCH64)
        .and_then(|spec| spec.lowest_floor()?.macos())
        .unwrap_or(MacOs::new(11, 0));
    // A malformed suffix is kept as given, for the resolver to refuse in its words.
    let arm =
        MacOs::parse(suffix).map_or_else(|| suffix.to_string(), |v| v.max(arm_floor).to_string());
    Some([format!("{X86_64}.{suffix}"), format!("{AARCH64}.{arm}")])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stands_for_both_arches_with_the_floor_raised_for_arm64() {
        let cases: &[(&str, Option<[&str; 2]>)] = &[
            (
                "universal2-apple-darwin",
                Some(["x86_64-apple-darwin", "aarch64-apple-darwin"]),
            ),
            (
                "universal2-apple-darwin.10.12",
                Some(["x86_64-apple-darwin.10.12", "aarch64-apple-darwin.11.0"]),
            ),
            (
                "universal2-apple-darwin.13.0",
                Some(["x86_64-apple-darwin.13.0", "aarch64-apple-darwin.13.0"]),
            ),
            (
                "universal2-apple-darwin.x",
                Some(["x86_64-apple-darwin.x", "aarch64-apple-darwin.x"]),
            ),
            ("aarch64-apple-darwin", None),
            ("universal2-apple-darwinx", None),
        ];
        for (spec, expected) in cases {
            let got = halves(spec);
            let expected = expected.map(|pair| pair.map(String::from));
            assert_eq!(got, expected, "{spec}");
        }
    }
}
