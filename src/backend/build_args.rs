//! maturin's build arguments, as its PEP 517 hooks get them (the `build-args` config setting or
//! MATURIN_PEP517_ARGS): what they say about the target and the compatibility tag, and the
//! same arguments with a tag put in front.

/// What the backend needs to know of maturin's arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildArgs {
    /// The arguments, with `--compatibility=TAG` spelt as two words: maturin's hooks look for
    /// the word `--compatibility` to decide whether to add `--compatibility off` themselves.
    pub args: Vec<String>,
    /// The last `--target`.
    pub target: Option<String>,
    /// The tags of every `--compatibility` (or `--manylinux`), `None` when there is none.
    pub compatibility: Option<Vec<String>>,
    /// `--zig`, which would hand linking to maturin's own zig wrappers.
    pub zig: bool,
}

const COMPATIBILITY: [&str; 2] = ["--compatibility", "--manylinux"];

/// Reads maturin's arguments. Everything after `--` is for rustc and left alone.
pub fn read(args: &[String]) -> BuildArgs {
    let mut out = BuildArgs::default();
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            out.args.push(arg.clone());
            out.args.extend(iter.by_ref().cloned());
            break;
        }
        if arg == "--zig" {
            out.zig = true;
        }
        if let Some((flag, value)) = arg.split_once('=') {
            if COMPATIBILITY.contains(&flag) {
                out.compatibility
                    .get_or_insert_with(Vec::new)
                    .push(value.to_string());
                // As two words, the flag would take the bare words after it too, and a value
                // that looks like an option would not be its value: then it stays as it is.
                let alone = iter.peek().is_none_or(|next| next.starts_with('-'));
                if alone && !value.starts_with('-') {
                    out.args
                        .extend(["--compatibility".to_string(), value.to_string()]);
                } else {
                    out.args.push(arg.clone());
                }
                continue;
            }
            if flag == "--target" {
                out.target = Some(value.to_string());
            }
            out.args.push(arg.clone());
            continue;
        }
        out.args.push(arg.clone());
        if arg == "--target" {
            if let Some(value) = iter.next_if(|v| !v.starts_with('-')) {
                out.target = Some(value.clone());
                out.args.push(value.clone());
            }
        } else if COMPATIBILITY.contains(&arg.as_str()) {
            // maturin takes any number of tags after the flag, up to the next option.
            let tags = out.compatibility.get_or_insert_with(Vec::new);
            while let Some(value) = iter.next_if(|v| !v.starts_with('-')) {
                tags.push(value.clone());
                out.args.push(value.clone());
            }
        }
    }
    out
}

/// `args` with `--compatibility <tags>` in front, where maturin's hooks look for it (and where
/// they would have put `--compatibility off`).
pub fn with_compatibility(args: &[String], tags: &[String]) -> Vec<String> {
    let mut out = vec!["--compatibility".to_string()];
    out.extend(tags.iter().cloned());
    out.extend(args.iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn reads_target_compatibility_and_zig() {
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a [&'a str]>, bool);
        let cases: &[Case] = &[
            ("", None, None, false),
            ("--release", None, None, false),
            (
                "--target aarch64-unknown-linux-gnu",
                Some("aarch64-unknown-linux-gnu"),
                None,
                false,
            ),
            (
                "--target=x86_64-unknown-linux-musl -i python3.11",
                Some("x86_64-unknown-linux-musl"),
                None,
                false,
            ),
            ("--target a --target b", Some("b"), None, false),
            (
                "--compatibility manylinux2014",
                None,
                Some(&["manylinux2014"]),
                false,
            ),
            (
                "--manylinux manylinux_2_28 --release",
                None,
                Some(&["manylinux_2_28"]),
                false,
            ),
            (
                "--compatibility manylinux2014 musllinux_1_2 --zig",
                None,
                Some(&["manylinux2014", "musllinux_1_2"]),
                true,
            ),
            ("--compatibility --release", None, Some(&[]), false),
            ("--compatibility=linux", None, Some(&["linux"]), false),
            // After `--`, the words are rustc's.
            (
                "--release -- --target x --compatibility y --zig",
                None,
                None,
                false,
            ),
        ];
        for (line, target, compatibility, zig) in cases {
            let got = read(&words(line));
            assert_eq!(got.target.as_deref(), *target, "{line}");
            let tags = compatibility.map(|t| t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got.compatibility, tags, "{line}");
            assert_eq!(got.zig, *zig, "{line}");
        }
    }

    #[test]
    fn keeps_the_arguments_spelling_compatibility_as_maturins_hooks_look_for_it() {
        let cases = [
            ("--release -i python3.11", "--release -i python3.11"),
            (
                "--compatibility=manylinux_2_28 --release",
                "--compatibility manylinux_2_28 --release",
            ),
            ("--manylinux=manylinux2014", "--compatibility manylinux2014"),
            ("--compatibility=linux bare", "--compatibility=linux bare"),
            (
                "--target=aarch64-unknown-linux-gnu",
                "--target=aarch64-unknown-linux-gnu",
            ),
            ("-- --compatibility=x", "-- --compatibility=x"),
        ];
        for (line, expected) in cases {
            assert_eq!(read(&words(line)).args, words(expected), "{line}");
        }
        assert_eq!(
            with_compatibility(&words("--release"), &words("manylinux2014 musllinux_1_2")),
            words("--compatibility manylinux2014 musllinux_1_2 --release")
        );
    }
}
