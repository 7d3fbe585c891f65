//! How long a command line is where it has a limit. Windows passes a program one string, which
//! the standard library builds by quoting each argument the way the C runtime splits them, and
//! CreateProcess refuses one over 32,767 UTF-16 units; Unix passes an array, and rustc already
//! moves long link lines into a response file there. A line that would not fit goes to zig in a
//! response file, which zig reads the same way on every platform.

use std::ffi::OsStr;

use super::layout::Layout;

/// CreateProcess's limit, in UTF-16 units, with the terminating NUL.
pub const WINDOWS_LIMIT: usize = 32_767;

/// Whether `program` with `args` can be started directly on `layout`.
pub fn fits(layout: Layout, program: &OsStr, args: &[impl AsRef<OsStr>]) -> bool {
    match layout {
        Layout::Posix => true,
        Layout::Windows => windows_length(program, args) < WINDOWS_LIMIT,
    }
}

/// The length in UTF-16 units of the line Windows gets: the arguments quoted as the standard
/// library quotes them, joined by spaces.
pub fn windows_length(program: &OsStr, args: &[impl AsRef<OsStr>]) -> usize {
    let words = std::iter::once(program).chain(args.iter().map(AsRef::as_ref));
    words
        .map(|word| quoted_length(&word.to_string_lossy()))
        .sum::<usize>()
        + args.len()
}

/// The UTF-16 length of `arg` quoted for the C runtime's splitter: in quotes when it is empty or
/// holds a space or tab; inside quotes, `"` becomes `\"` and the backslashes before a quote
/// (or before the closing one) are doubled.
fn quoted_length(arg: &str) -> usize {
    let units = arg.encode_utf16().count();
    if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
        return units;
    }
    let mut extra = 2;
    let mut backslashes = 0;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                extra += backslashes + 1;
                backslashes = 0;
            }
            _ => backslashes = 0,
        }
    }
    units + extra + backslashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_lengths_follow_the_c_runtime_rules() {
        let cases: &[(&str, &str)] = &[
            ("plain.o", "plain.o"),
            (r"C:\t\a.o", r"C:\t\a.o"),
            ("", r#""""#),
            ("a b", r#""a b""#),
            (r#"say "hi""#, r#""say \"hi\"""#),
            (r"C:\dir with space\", r#""C:\dir with space\\""#),
            (r#"a\"b"#, r#""a\\\"b""#),
            ("é x", "\"é x\""),
        ];
        for (arg, line) in cases {
            assert_eq!(quoted_length(arg), line.encode_utf16().count(), "{arg}");
        }
    }

    #[test]
    fn long_lines_do_not_fit_on_windows_only() {
        let zig = OsStr::new(r"C:\env\Lib\site-packages\ziglang\zig.exe");
        let short = ["cc", "-o", "a.exe"];
        assert!(fits(Layout::Windows, zig, &short));
        let long: Vec<String> = (0..2000)
            .map(|i| format!(r"C:\t\deps\obj{i:05}.o"))
            .collect();
        assert!(windows_length(zig, &long) > WINDOWS_LIMIT);
        assert!(!fits(Layout::Windows, zig, &long));
        assert!(fits(Layout::Posix, zig, &long));
        assert_eq!(
            windows_length(OsStr::new("zig"), &["a b", "c"]),
            3 + 1 + 5 + 1 + 1
        );
    }
}
