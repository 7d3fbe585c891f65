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

use crate::target::cpu;
use crate::target::triple::Target;

pub const BUSTER: &str = "SCCACHE_C_CUSTOM_CACHE_BUSTER";

/// The buster's value: `user`'s own, then one word per setting, e.g.
/// `ziglink:aarch64-unknown-linux-gnu.2.17 ziglink:cpu=neoverse-n1 ziglink:reproducible`.
/// `var` reads the environment cargo is started with (for the rustflags).
pub fn value(
    user: Option<&str>,
    targets: &[Target],
    reproducible: bool,
    var: impl Fn(&str) -> Option<String>,
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
        let flags = cpu::rustflags_from_env(triple, &var);
        if let Some(name) = cpu::rustc_target_cpu(&flags) {
            words.push(format!("ziglink:{triple}:cpu={name}"));
        }
    }
    if reproducible {
        words.push("ziglink:reproducible".to_string());
    }
    words.join(" ")
}

/// `value` for this process: the user's buster and rustflags from its environment.
pub fn value_here(targets: &[Target], reproducible: bool) -> String {
    let user = std::env::var(BUSTER).ok();
    value(user.as_deref(), targets, reproducible, |name| {
        std::env::var(name).ok()
    })
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
        let v3 = |name: &str| (name == "RUSTFLAGS").then(|| "-C target-cpu=x86-64-v3".to_string());
        let aarch64 = [target("aarch64-unknown-linux-gnu.2.17")];
        assert_eq!(
            value(None, &aarch64, false, none),
            "ziglink:aarch64-unknown-linux-gnu.2.17"
        );
        let two = [
            target("x86_64-unknown-linux-gnu.2.28"),
            target("x86_64-unknown-linux-musl"),
        ];
        assert_eq!(
            value(Some("team-a "), &two, true, none),
            "team-a ziglink:x86_64-unknown-linux-gnu.2.28 ziglink:x86_64-unknown-linux-musl \
             ziglink:reproducible"
        );
        let host = [target("x86_64-unknown-linux-gnu")];
        assert_eq!(
            value(Some(""), &host, false, v3),
            "ziglink:x86_64-unknown-linux-gnu.2.17 ziglink:x86_64-unknown-linux-gnu:cpu=x86-64-v3"
        );
    }
}
