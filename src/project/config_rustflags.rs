//! The rustflags cargo takes from its config files for a target, when no variable sets them:
//! `target.<triple>.rustflags` of the nearest file that has it, else `build.rustflags`. The
//! C objects a build script compiles follow them (cargo hands them to the script as
//! `CARGO_ENCODED_RUSTFLAGS`, and ziglink-cc adds `-mcpu` from there), so whatever keys those
//! objects in a shared cache must read them too.

use std::ffi::OsString;
use std::path::Path;

use super::files;

type Doc = toml_edit::DocumentMut;

/// The rustflags of one config file's text for `triple`: the target's own, else the build's.
pub fn of_config(config: &str, triple: &str) -> Option<Vec<String>> {
    let doc = config.parse::<Doc>().ok()?;
    target_flags(&doc, triple).or_else(|| build_flags(&doc))
}

/// `target.<triple>.rustflags` of the nearest config file (for a build started in `dir`) that
/// sets it, else the nearest `build.rustflags`; `None` when none does.
pub fn configured(
    dir: &Path,
    triple: &str,
    var: &dyn Fn(&str) -> Option<OsString>,
) -> Option<Vec<String>> {
    let docs: Vec<Doc> = files::cargo_configs(dir, files::cargo_home(var).as_deref())
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok()?.parse::<Doc>().ok())
        .collect();
    let target = docs.iter().find_map(|doc| target_flags(doc, triple));
    target.or_else(|| docs.iter().find_map(build_flags))
}

fn target_flags(doc: &Doc, triple: &str) -> Option<Vec<String>> {
    flags(doc.get("target")?.get(triple)?.get("rustflags")?)
}

fn build_flags(doc: &Doc) -> Option<Vec<String>> {
    flags(doc.get("build")?.get("rustflags")?)
}

/// A string of space-separated flags, or an array of them, as cargo reads both.
fn flags(item: &toml_edit::Item) -> Option<Vec<String>> {
    if let Some(text) = item.as_str() {
        return Some(text.split_whitespace().map(str::to_string).collect());
    }
    let list = item.as_array()?;
    Some(
        list.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_targets_flags_come_before_the_builds() {
        let t = "aarch64-unknown-linux-gnu";
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("[build]\nrustflags = [\"-C\", \"target-cpu=neoverse-v1\"]\n", Some(&["-C", "target-cpu=neoverse-v1"])),
            ("[build]\nrustflags = \"-C target-cpu=x  -g\"\n", Some(&["-C", "target-cpu=x", "-g"])),
            (
                "[build]\nrustflags = [\"-b\"]\n[target.aarch64-unknown-linux-gnu]\nrustflags = [\"-t\"]\n",
                Some(&["-t"]),
            ),
            ("[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-t\"]\n", None),
            ("[build]\njobs = 2\n", None),
            ("not toml [", None),
        ];
        for (config, expected) in cases {
            let expected = expected.map(|e| e.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(of_config(config, t), expected, "{config}");
        }
    }

    #[test]
    fn the_nearest_file_that_sets_them_wins() {
        let top = tempfile::tempdir().unwrap();
        let crate_dir = top.path().join("ws").join("member");
        std::fs::create_dir_all(crate_dir.join(".cargo")).unwrap();
        std::fs::create_dir_all(top.path().join("ws/.cargo")).unwrap();
        let t = "aarch64-unknown-linux-gnu";
        std::fs::write(
            top.path().join("ws/.cargo/config.toml"),
            "[target.aarch64-unknown-linux-gnu]\nrustflags = [\"-C\", \"target-cpu=far\"]\n",
        )
        .unwrap();
        std::fs::write(
            crate_dir.join(".cargo/config.toml"),
            "[build]\nrustflags = [\"-near\"]\n",
        )
        .unwrap();
        let none = |_: &str| None;
        let found = configured(&crate_dir, t, &none);
        assert_eq!(
            found,
            Some(vec!["-C".to_string(), "target-cpu=far".to_string()])
        );
        let other = configured(&crate_dir, "x86_64-unknown-linux-gnu", &none);
        assert_eq!(other, Some(vec!["-near".to_string()]));
    }
}
