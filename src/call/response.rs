//! `@file` response files: reading rustc's (and GNU-style) ones, and writing one zig reads.
//!
//! rustc switches to `@<tmp>/linker-arguments` when a link line is too long to spawn. Its
//! rules have to see the arguments inside, and when they change something, zig needs a new
//! file in the dialect *it* parses.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::platform::osbytes::{as_bytes, from_bytes};

/// Nesting deeper than this is a loop, not a real link line.
pub const MAX_DEPTH: usize = 8;

/// A link line with every `@file` replaced by its contents.
#[derive(Debug, PartialEq, Eq)]
pub struct Expanded {
    pub args: Vec<OsString>,
    /// The directory of the first response file seen, a private temp dir when rustc wrote it.
    pub first_file_dir: Option<PathBuf>,
}

impl Expanded {
    pub fn had_response_file(&self) -> bool {
        self.first_file_dir.is_some()
    }
}

/// Expands `@file` arguments (recursively) with `read` doing the I/O.
pub fn expand(
    args: &[OsString],
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<Expanded> {
    let mut expanded = Expanded {
        args: Vec::with_capacity(args.len()),
        first_file_dir: None,
    };
    expand_into(args, read, 0, &mut expanded)?;
    Ok(expanded)
}

fn expand_into(
    args: &[OsString],
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
    depth: usize,
    out: &mut Expanded,
) -> Result<()> {
    for arg in args {
        let Some(path) = response_path(arg) else {
            out.args.push(arg.clone());
            continue;
        };
        if depth >= MAX_DEPTH {
            return Err(Error::ResponseFileNesting(MAX_DEPTH));
        }
        let contents = read(&path).map_err(|source| Error::ResponseFile {
            path: path.clone(),
            source,
        })?;
        if out.first_file_dir.is_none() {
            out.first_file_dir = Some(path.parent().map(Path::to_path_buf).unwrap_or_default());
        }
        let inner: Vec<OsString> = if is_rustc_file(&path) {
            parse_rustc(&contents)
        } else {
            parse_gnu(&contents)
        }
        .into_iter()
        .map(from_bytes)
        .collect();
        expand_into(&inner, read, depth + 1, out)?;
    }
    Ok(())
}

fn response_path(arg: &OsString) -> Option<PathBuf> {
    let bytes = as_bytes(arg);
    if bytes.len() > 1 && bytes[0] == b'@' {
        Some(PathBuf::from(from_bytes(bytes[1..].to_vec())))
    } else {
        None
    }
}

fn is_rustc_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "linker-arguments")
}

/// rustc writes one argument per line and escapes `\` and space with a backslash.
pub fn parse_rustc(contents: &[u8]) -> Vec<Vec<u8>> {
    if contents.is_empty() {
        return Vec::new();
    }
    // A final newline ends the last line; it does not start an empty argument.
    let body = contents.strip_suffix(b"\n").unwrap_or(contents);
    body.split(|&b| b == b'\n')
        .map(|line| {
            let mut arg = Vec::with_capacity(line.len());
            let mut bytes = line.iter();
            while let Some(&b) = bytes.next() {
                if b == b'\\' {
                    arg.push(*bytes.next().unwrap_or(&b'\\'));
                } else {
                    arg.push(b);
                }
            }
            arg
        })
        .collect()
}

/// The GNU (libiberty) dialect gcc and ld read: whitespace separates, `'` and `"` group, a
/// backslash takes the next byte literally.
pub fn parse_gnu(contents: &[u8]) -> Vec<Vec<u8>> {
    let mut args = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let (mut single, mut double, mut escaped) = (false, false, false);
    for &b in contents {
        let arg = current.get_or_insert_with(Vec::new);
        if escaped {
            escaped = false;
            arg.push(b);
        } else if b == b'\\' {
            escaped = true;
        } else if single {
            if b == b'\'' {
                single = false;
            } else {
                arg.push(b);
            }
        } else if double {
            if b == b'"' {
                double = false;
            } else {
                arg.push(b);
            }
        } else if b == b'\'' {
            single = true;
        } else if b == b'"' {
            double = true;
        } else if b.is_ascii_whitespace() {
            if let Some(done) = current.take().filter(|a| !a.is_empty()) {
                args.push(done);
            }
        } else {
            arg.push(b);
        }
    }
    if let Some(last) = current.filter(|a| !a.is_empty()) {
        args.push(last);
    }
    args
}

/// Serialises arguments for zig's response-file reader, which follows Windows command-line
/// rules: whitespace separates, `"` groups, backslashes are literal unless they precede a
/// quote, `#` at the start of an argument begins a comment, and `'` also toggles quoting (so
/// an argument containing it cannot be written at all).
pub fn write_for_zig(args: &[OsString]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for arg in args {
        let bytes = as_bytes(arg);
        if bytes.contains(&b'\'') {
            return Err(Error::UnquotableArgument(
                String::from_utf8_lossy(bytes).into_owned(),
            ));
        }
        let needs_quotes = bytes.is_empty()
            || bytes[0] == b'#'
            || bytes
                .iter()
                .any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"'));
        if !needs_quotes {
            out.extend_from_slice(bytes);
        } else {
            out.push(b'"');
            let mut backslashes = 0;
            for &b in bytes {
                match b {
                    b'\\' => backslashes += 1,
                    b'"' => {
                        // 2n+1 backslashes before a quote yield n backslashes and the quote.
                        out.extend(std::iter::repeat_n(b'\\', backslashes * 2 + 1));
                        backslashes = 0;
                    }
                    _ => {
                        out.extend(std::iter::repeat_n(b'\\', backslashes));
                        backslashes = 0;
                    }
                }
                if b != b'\\' {
                    out.push(b);
                }
            }
            // Backslashes before the closing quote are doubled so they stay literal.
            out.extend(std::iter::repeat_n(b'\\', backslashes * 2));
            out.push(b'"');
        }
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn strings(args: Vec<Vec<u8>>) -> Vec<String> {
        args.into_iter()
            .map(|a| String::from_utf8(a).unwrap())
            .collect()
    }

    #[test]
    fn parses_rustc_files() {
        let cases: &[(&str, &[&str])] = &[
            ("-m64\n/a.o\n", &["-m64", "/a.o"]),
            ("-m64\n/a.o", &["-m64", "/a.o"]),
            ("/my\\ dir/a.o\n", &["/my dir/a.o"]),
            ("C:\\\\x\n", &["C:\\x"]),
            ("it's\n\"q\"\n", &["it's", "\"q\""]),
            ("a\n\nb\n", &["a", "", "b"]),
            ("trailing\\", &["trailing\\"]),
            ("", &[]),
        ];
        for (contents, expected) in cases {
            assert_eq!(
                strings(parse_rustc(contents.as_bytes())),
                *expected,
                "{contents:?}"
            );
        }
    }

    #[test]
    fn parses_gnu_files() {
        let cases: &[(&str, &[&str])] = &[
            ("-a -b\n-c", &["-a", "-b", "-c"]),
            ("'a b' \"c d\"", &["a b", "c d"]),
            ("a\\ b", &["a b"]),
            ("\"it's\"", &["it's"]),
            ("  \n\t ", &[]),
            ("x'y z'w", &["xy zw"]),
        ];
        for (contents, expected) in cases {
            assert_eq!(
                strings(parse_gnu(contents.as_bytes())),
                *expected,
                "{contents:?}"
            );
        }
    }

    /// zig's reader, transcribed from its rules, to check `write_for_zig` round-trips.
    fn zig_read(contents: &[u8]) -> Vec<Vec<u8>> {
        let mut args = Vec::new();
        let mut i = 0;
        while i < contents.len() {
            while i < contents.len() && contents[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < contents.len() && contents[i] == b'#' {
                while i < contents.len() && contents[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            if i >= contents.len() {
                break;
            }
            let (mut arg, mut quoted, mut backslashes) = (Vec::new(), false, 0usize);
            while i < contents.len() {
                let b = contents[i];
                match b {
                    b'\\' => backslashes += 1,
                    b'"' | b'\'' => {
                        arg.extend(std::iter::repeat_n(b'\\', backslashes / 2));
                        if backslashes % 2 == 0 {
                            quoted = !quoted;
                        } else {
                            arg.push(b'"');
                        }
                        backslashes = 0;
                    }
                    b' ' | b'\t' | b'\r' | b'\n' if !quoted => break,
                    _ => {
                        arg.extend(std::iter::repeat_n(b'\\', backslashes));
                        backslashes = 0;
                        arg.push(b);
                    }
                }
                i += 1;
            }
            arg.extend(std::iter::repeat_n(b'\\', backslashes));
            args.push(arg);
        }
        args
    }

    #[test]
    fn zig_files_round_trip() {
        let cases: &[&str] = &[
            "-m64",
            "/plain/path.o",
            "/with space/a.o",
            "tab\there",
            "#not-a-comment",
            "quote\"inside",
            "back\\slash",
            "ends\\",
            "ends with space and \\",
            "\\\"",
            "",
            "new\nline",
        ];
        let args: Vec<OsString> = cases.iter().map(OsString::from).collect();
        let written = write_for_zig(&args).unwrap();
        assert_eq!(strings(zig_read(&written)), *cases);
    }

    #[test]
    fn zig_files_refuse_single_quotes() {
        let error = write_for_zig(&[OsString::from("it's")]).unwrap_err();
        assert!(error.to_string().contains("single quote"));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_bytes_survive_expansion_and_writing() {
        let raw = b"/tmp/\xff\xfe.o".to_vec();
        let mut files = HashMap::new();
        let mut contents = raw.clone();
        contents.push(b'\n');
        files.insert(PathBuf::from("/r/linker-arguments"), contents);
        let read = |p: &Path| {
            files
                .get(p)
                .cloned()
                .ok_or(std::io::ErrorKind::NotFound.into())
        };
        let expanded = expand(&[OsString::from("@/r/linker-arguments")], &read).unwrap();
        assert_eq!(expanded.args, vec![from_bytes(raw.clone())]);
        let mut written = write_for_zig(&expanded.args).unwrap();
        assert_eq!(written.pop(), Some(b'\n'));
        assert_eq!(written, raw);
    }

    #[test]
    fn expands_nested_files_in_place() {
        let files: HashMap<PathBuf, Vec<u8>> = [
            ("/t/linker-arguments", "-m64\n@/t/inner\n-lc\n"),
            ("/t/inner", "-la 'b c'"),
        ]
        .into_iter()
        .map(|(p, c)| (PathBuf::from(p), c.as_bytes().to_vec()))
        .collect();
        let read = |p: &Path| {
            files
                .get(p)
                .cloned()
                .ok_or(std::io::ErrorKind::NotFound.into())
        };
        let args = [
            OsString::from("first"),
            OsString::from("@/t/linker-arguments"),
            OsString::from("@"),
        ];
        let expanded = expand(&args, &read).unwrap();
        let got: Vec<_> = expanded.args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(got, ["first", "-m64", "-la", "b c", "-lc", "@"]);
        assert_eq!(expanded.first_file_dir, Some(PathBuf::from("/t")));
    }

    #[test]
    fn reports_unreadable_and_looping_files() {
        let read = |_: &Path| Err(std::io::ErrorKind::PermissionDenied.into());
        let error = expand(&[OsString::from("@/x/args")], &read).unwrap_err();
        assert!(error
            .to_string()
            .contains("cannot read response file `/x/args`"));

        let read = |_: &Path| Ok(b"@/loop".to_vec());
        let error = expand(&[OsString::from("@/loop")], &read).unwrap_err();
        assert!(matches!(error, Error::ResponseFileNesting(_)));
    }
}
