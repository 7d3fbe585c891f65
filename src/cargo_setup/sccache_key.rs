//! What `ziglink cargo` tells sccache about the settings ziglink-cc reads from the environment.
//! sccache keys a C compile by its command line, the compiler's identity, the source and its
//! headers, and a handful of variables; in its direct mode (the default with a local cache) it
//! does not even preprocess. The glibc floor, rustc's `-C target-cpu` and the reproducible switch
//! reach ziglink-cc as variables, so a cache shared by builds that differ in them serves one
//! build's objects to the other: an aarch64 object compiled for the baseline CPU was served to a
//! `-C target-cpu=neoverse-v1` build (measured), and zig's headers declare different things for
//! different floors. `SCCACHE_C_CUSTOM_CACHE_BUSTER` is the variable sccache adds to every C key
//! for this purpose; `ziglink cargo` appends these settings to it. They are names and versions,
//! so the value is the same in every environment.

use crate::project::config_rustflags;
use crate::target::cpu;
use crate::target::triple::Target;

pub const BUSTER: &str = "SCCACHE_C_CUSTOM_CACHE_BUSTER";

/// The buster's value: `user`'s own, then one word per setting, e.g.
/// `ziglink:aarch64-unknown-linux-gnu.2.17 ziglink:cpu=neoverse-n1 ziglink:reproducible`.
/// `var` reads the environment cargo is started with (for the rustflags); `configured` gives
/// the rustflags cargo's config files set for a target, which cargo uses when no variable does.
pub fn value(
    user: Option<&str>,
    targets: &[Target],
    reproducible: bool,
    var: impl Fn(&str) -> Option<String>,
    configured: impl Fn(&str) -> Option<Vec<String>>,
) -> String {
    let mut words: Vec<String> = user
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .into_iter()
        .collect();
    for target in targets {
        let triple = target.spec.rust;
        words.push(match target.floor {
            Some(floor) => format!("ziglink:{triple}.{}", floor.version()),
            None => format!("ziglink:{triple}"),
        });
        let mut flags = cpu::rustflags_from_env(triple, &var);
        if flags.is_empty() && !sets_rustflags(triple, &var) {
            flags = configured(triple).unwrap_or_default();
        }
        if let Some(name) = cpu::rustc_target_cpu(&flags) {
            words.push(format!("ziglink:{triple}:cpu={name}"));
        }
    }
    if reproducible {
        words.push("ziglink:reproducible".to_string());
    }
    words.join(" ")
}

/// `value` with no variables: for settings written into a config file, which hold wherever the
/// build runs; the rustflags are those of the config files of the project in the current folder.
pub fn value_configured(targets: &[Target]) -> String {
    let dir = std::env::current_dir().unwrap_or_default();
    let os_var = |name: &str| std::env::var_os(name);
    value(
        None,
        targets,
        false,
        |_| None,
        |triple| config_rustflags::configured(&dir, triple, &os_var),
    )
}

/// Whether a variable gives cargo the rustflags for `triple` (then the config files do not).
fn sets_rustflags(triple: &str, var: &impl Fn(&str) -> Option<String>) -> bool {
    let target_var = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        triple.to_uppercase().replace(['-', '.'], "_")
    );
    [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        &target_var,
        "CARGO_BUILD_RUSTFLAGS",
    ]
    .iter()
    .any(|name| var(name).is_some())
}

/// `value` for this process: the user's buster, and rustflags from its environment or from the
/// config files of the project in the current folder.
pub fn value_here(targets: &[Target], reproducible: bool) -> String {
    let user = std::env::var(BUSTER).ok();
    let dir = std::env::current_dir().unwrap_or_default();
    let os_var = |name: &str| std::env::var_os(name);
    value(
        user.as_deref(),
        targets,
        reproducible,
        |name| std::env::var(name).ok(),
        |triple| config_rustflags::configured(&dir, triple, &os_var),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(spec: &str) -> Target {
        Target::resolve(spec, None).unwrap()
    }

    #[test]
    fn names_each_setting_ziglink_cc_takes_from_the_environment() {
        let none = |_: &str| None;
        let no_config = |_: &str| None;
        let v3 = |name: &str| (name == "RUSTFLAGS").then(|| "-C target-cpu=x86-64-v3".to_string());
        let aarch64 = [target("aarch64-unknown-linux-gnu.2.17")];
        assert_eq!(
            value(None, &aarch64, false, none, no_config),
            "ziglink:aarch64-unknown-linux-gnu.2.17"
        );
        let two = [
            target("x86_64-unknown-linux-gnu.2.28"),
            target("x86_64-unknown-linux-musl"),
        ];
        assert_eq!(
            value(Some("team-a "), &two, true, none, no_config),
            "team-a ziglink:x86_64-unknown-linux-gnu.2.28 ziglink:x86_64-unknown-linux-musl \
             ziglink:reproducible"
        );
        let host = [target("x86_64-unknown-linux-gnu")];
        assert_eq!(
            value(Some(""), &host, false, v3, no_config),
            "ziglink:x86_64-unknown-linux-gnu.2.17 ziglink:x86_64-unknown-linux-gnu:cpu=x86-64-v3"
        );
    }

    /// `[build] rustflags = ["-C", "target-cpu=..."]` in `.cargo/config.toml` changes the C
    /// objects (cargo passes it to build scripts), so it changes the key; a variable that sets
    /// rustflags, even to nothing, replaces the config files' as cargo does.
    #[test]
    fn the_cpu_of_cargos_config_files_is_in_the_key() {
        let top = tempfile::tempdir().unwrap();
        std::fs::create_dir(top.path().join(".cargo")).unwrap();
        std::fs::write(
            top.path().join(".cargo/config.toml"),
            "[build]\nrustflags = [\"-C\", \"target-cpu=neoverse-v1\"]\n",
        )
        .unwrap();
        let none = |_: &str| None;
        let configured =
            |triple: &str| config_rustflags::configured(top.path(), triple, &|_: &str| None);
        let aarch64 = [target("aarch64-unknown-linux-gnu.2.17")];
        assert_eq!(
            value(None, &aarch64, false, none, configured),
            "ziglink:aarch64-unknown-linux-gnu.2.17 ziglink:aarch64-unknown-linux-gnu:cpu=neoverse-v1"
        );
        let emptied = |name: &str| (name == "RUSTFLAGS").then(String::new);
        assert_eq!(
            value(None, &aarch64, false, emptied, configured),
            "ziglink:aarch64-unknown-linux-gnu.2.17"
        );
    }
}
