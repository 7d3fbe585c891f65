//! `ziglink cache key`: a name for the contents of zig's cache that a CI cache can be keyed by.
//! What zig builds for a build is decided by zig's version, the host it runs on, the zig targets
//! (with their floors and CPUs) and the arguments ziglink adds, which can change between
//! ziglink releases. The first two are spelled out, so that a CI cache's prefix match
//! (`restore-keys`) can fall back to any cache of the same zig on the same host; the rest is a
//! digest.

/// The key, e.g. `zig-0.17.1-x86_64-unknown-linux-gnu-1f2e3d4c5b6a`. `targets` are zig's
/// names with what else ziglink puts in front of a line for them; their order does not matter.
pub fn key(zig_version: &str, host: &str, ziglink_version: &str, targets: &[String]) -> String {
    let mut sorted: Vec<&str> = targets.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("ziglink {ziglink_version}\n").as_bytes());
    for target in sorted {
        hasher.update(target.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hasher.digest().to_string();
    format!("zig-{zig_version}-{host}-{}", &digest[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_what_changes_the_cache() {
        let t = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let base = key(
            "0.17.1",
            "x86_64-unknown-linux-gnu",
            "0.1.0",
            &t(&["a", "b"]),
        );
        assert!(
            base.starts_with("zig-0.17.1-x86_64-unknown-linux-gnu-"),
            "{base}"
        );
        assert_eq!(
            base.len(),
            "zig-0.17.1-x86_64-unknown-linux-gnu-".len() + 12
        );
        let same = [
            key(
                "0.17.1",
                "x86_64-unknown-linux-gnu",
                "0.1.0",
                &t(&["b", "a"]),
            ),
            key(
                "0.17.1",
                "x86_64-unknown-linux-gnu",
                "0.1.0",
                &t(&["a", "b", "a"]),
            ),
        ];
        for other in same {
            assert_eq!(other, base);
        }
        let differ = [
            key(
                "0.17.0",
                "x86_64-unknown-linux-gnu",
                "0.1.0",
                &t(&["a", "b"]),
            ),
            key(
                "0.17.1",
                "aarch64-unknown-linux-gnu",
                "0.1.0",
                &t(&["a", "b"]),
            ),
            key(
                "0.17.1",
                "x86_64-unknown-linux-gnu",
                "0.1.1",
                &t(&["a", "b"]),
            ),
            key("0.17.1", "x86_64-unknown-linux-gnu", "0.1.0", &t(&["a"])),
            key("0.17.1", "x86_64-unknown-linux-gnu", "0.1.0", &t(&["ab"])),
        ];
        for other in differ {
            assert_ne!(other, base);
        }
    }
}
