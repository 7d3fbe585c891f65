//! Quoting for POSIX shells, for the command lines ziglink prints and the variables (bindgen's
//! clang arguments) that their readers split with shell rules.

use std::borrow::Cow;

/// `word` as one shell word: unchanged when that is safe, otherwise in single quotes.
pub fn quote(word: &str) -> Cow<'_, str> {
    shell_escape::unix::escape(Cow::Borrowed(word))
}

/// The words joined into one line a shell splits back into the same words.
pub fn join<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words.into_iter().map(quote).collect::<Vec<_>>().join(" ")
}

/// [`join`] for arguments as the OS gives them; bytes that are not UTF-8 show as U+FFFD.
pub fn join_os<'a>(words: impl IntoIterator<Item = &'a std::ffi::OsStr>) -> String {
    let words: Vec<Cow<'_, str>> = words.into_iter().map(|w| w.to_string_lossy()).collect();
    join(words.iter().map(|w| w.as_ref()))
}

/// `program` and its `args` as one shell line, for `ZIGLINK_LOG` and explanations.
pub fn command_line(program: &std::path::Path, args: &[std::ffi::OsString]) -> String {
    join_os(std::iter::once(program.as_os_str()).chain(args.iter().map(|a| a.as_os_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        let cases = [
            ("x86_64-linux-gnu.2.17", "x86_64-linux-gnu.2.17"),
            ("/a b/c.o", "'/a b/c.o'"),
            ("it's", r"'it'\''s'"),
            ("", "''"),
            ("$HOME", "'$HOME'"),
        ];
        for (word, quoted) in cases {
            assert_eq!(quote(word), quoted, "{word:?}");
        }
        assert_eq!(join(["-isystem", "/my zig"]), "-isystem '/my zig'");
    }

    #[test]
    fn shell_line_quotes_only_what_needs_it() {
        let args = [
            "cc",
            "-target",
            "x86_64-linux-gnu.2.17",
            "/a b/c.o",
            "it's",
            "",
        ];
        let args: Vec<std::ffi::OsString> = args.iter().map(std::ffi::OsString::from).collect();
        assert_eq!(
            command_line(std::path::Path::new("/z/zig"), &args),
            r"/z/zig cc -target x86_64-linux-gnu.2.17 '/a b/c.o' 'it'\''s' ''"
        );
    }
}
