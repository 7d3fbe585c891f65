//! What a CMake build folder records about its tools, and what a configure run is asked: pure,
//! so the decisions are table-tested. CMake stores the absolute path of each compiler, of `ar`
//! and of `ranlib` in `CMakeCache.txt` and in `CMakeFiles/<version>/CMake<LANG>Compiler.cmake`,
//! and on the next configure uses them without looking again. When they lay in a build
//! environment that has since been deleted, the next configure stops with "is not a full path
//! to an existing compiler tool"; CMake reacts to a compiler that changed by starting afresh,
//! but only when the old one still exists.

use std::ffi::OsString;
use std::path::PathBuf;

/// Cache entries that name a tool.
const TOOL_ENTRIES: &[&str] = &[
    "CMAKE_C_COMPILER",
    "CMAKE_CXX_COMPILER",
    "CMAKE_ASM_COMPILER",
    "CMAKE_AR",
    "CMAKE_RANLIB",
    "CMAKE_C_COMPILER_AR",
    "CMAKE_C_COMPILER_RANLIB",
    "CMAKE_CXX_COMPILER_AR",
    "CMAKE_CXX_COMPILER_RANLIB",
    "CMAKE_LINKER",
];

/// The tool paths recorded in a `CMakeCache.txt` (`NAME:TYPE=value` lines) or in a
/// `CMake<LANG>Compiler.cmake` (`set(NAME "value")` lines): absolute paths only, as relative
/// ones are searched again.
pub fn tool_paths(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter_map(|line| cache_entry(line).or_else(|| set_command(line)))
        .filter(|(name, _)| TOOL_ENTRIES.contains(name))
        .map(|(_, value)| value.trim())
        .filter(|value| value.starts_with('/'))
        .map(PathBuf::from)
        .collect()
}

/// `CMAKE_AR:FILEPATH=/usr/bin/ar` as `("CMAKE_AR", "/usr/bin/ar")`.
fn cache_entry(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once('=')?;
    let name = key.split(':').next()?;
    (!line.starts_with("//") && !line.starts_with('#')).then_some((name, value))
}

/// `set(CMAKE_C_COMPILER "/x/ziglink-cc")` as `("CMAKE_C_COMPILER", "/x/ziglink-cc")`.
fn set_command(line: &str) -> Option<(&str, &str)> {
    let inner = line.trim().strip_prefix("set(")?.strip_suffix(')')?;
    let (name, value) = inner.split_once(' ')?;
    Some((name, value.trim().trim_matches('"')))
}

/// What the arguments of one `cmake` run say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// A configure run (not `--build`, `--install`, `-E`, `-P`, `--version`, ...).
    pub configures: bool,
    /// `-B <dir>`, when given; else cmake configures the current folder.
    pub build_dir: Option<PathBuf>,
    /// The `-D` names given, such as `CMAKE_AR`.
    pub defined: Vec<String>,
}

pub fn invocation(args: &[OsString]) -> Invocation {
    let text: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let first = text.first().map(String::as_str).unwrap_or("");
    let configures = !matches!(
        first,
        "--build" | "--install" | "--open" | "-E" | "-P" | "--find-package" | "--workflow"
    ) && !text
        .iter()
        .any(|a| a.starts_with("--version") || a.starts_with("--help") || a == "-h");
    let mut build_dir = None;
    let mut defined = Vec::new();
    let mut at = 0;
    while let Some(arg) = text.get(at) {
        if arg == "-B" {
            build_dir = args.get(at + 1).map(PathBuf::from);
            at += 1;
        } else if let Some(dir) = arg.strip_prefix("-B") {
            build_dir = Some(PathBuf::from(dir));
        } else if let Some(define) = arg.strip_prefix("-D") {
            let name = define.split(['=', ':']).next().unwrap_or("");
            defined.push(name.to_string());
        }
        at += 1;
    }
    Invocation {
        configures,
        build_dir,
        defined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tool_paths_a_build_folder_recorded() {
        let cache = "\
# This is the CMakeCache file.
//C compiler
CMAKE_C_COMPILER:STRING=/tmp/envA/bin/ziglink-cc
CMAKE_CXX_COMPILER:UNINITIALIZED=/tmp/envA/bin/ziglink-cxx
CMAKE_AR:FILEPATH=/usr/bin/llvm-ar
CMAKE_RANLIB:FILEPATH=
CMAKE_LINKER:FILEPATH=ld
CMAKE_HOME_DIRECTORY:INTERNAL=/src/cmake
CMAKE_C_FLAGS:STRING=-fPIC
";
        let compiler_file = "\
set(CMAKE_C_COMPILER \"/tmp/envA/bin/ziglink-cc\")
set(CMAKE_C_COMPILER_ARG1 \"\")
set(CMAKE_C_COMPILER_AR \"/usr/bin/llvm-ar-14\")
set(CMAKE_C_COMPILER_VERSION \"22.1.8\")
";
        let paths = |t| -> Vec<String> {
            tool_paths(t)
                .iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        assert_eq!(
            paths(cache),
            [
                "/tmp/envA/bin/ziglink-cc",
                "/tmp/envA/bin/ziglink-cxx",
                "/usr/bin/llvm-ar"
            ]
        );
        assert_eq!(
            paths(compiler_file),
            ["/tmp/envA/bin/ziglink-cc", "/usr/bin/llvm-ar-14"]
        );
        assert!(paths("not a cmake file\n=\n").is_empty());
    }

    #[test]
    fn tells_configure_runs_and_their_build_folder() {
        let os = |args: &[&str]| args.iter().map(OsString::from).collect::<Vec<_>>();
        // (arguments, configures, build folder, names defined)
        type Case<'a> = (&'a [&'a str], bool, Option<&'a str>, &'a [&'a str]);
        let cases: &[Case] = &[
            (
                &[
                    "/src",
                    "-B",
                    "/b",
                    "-DCMAKE_AR=/x",
                    "-DCMAKE_BUILD_TYPE:STRING=Debug",
                ],
                true,
                Some("/b"),
                &["CMAKE_AR", "CMAKE_BUILD_TYPE"],
            ),
            (&["-S", "/src", "-B/b"], true, Some("/b"), &[]),
            (&["/src"], true, None, &[]),
            (&["--build", "/b", "--target", "x"], false, None, &[]),
            (&["-E", "copy", "a", "b"], false, None, &[]),
            (&["--version"], false, None, &[]),
        ];
        for (args, configures, dir, defined) in cases {
            let got = invocation(&os(args));
            assert_eq!(got.configures, *configures, "{args:?}");
            assert_eq!(got.build_dir, dir.map(PathBuf::from), "{args:?}");
            assert_eq!(got.defined, *defined, "{args:?}");
        }
    }
}
