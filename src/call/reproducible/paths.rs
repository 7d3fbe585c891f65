//! Which absolute paths a compile may record, and the stable name each is recorded as.
//!
//! clang writes the compile's directory and the paths of sources and headers into debug info,
//! and `__FILE__` into the code. cc-rs and cmake name files by absolute paths (the package, its
//! OUT_DIR, include dirs of other packages), and zig's own headers sit inside the environment
//! zig is installed in. Each of those folders gets a name that does not depend on where it is.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::project::files::cargo_home;

/// Where zig's headers and runtime sources are recorded as.
pub const ZIG_LIB: &str = "zig/lib";
/// Where files under `CARGO_HOME` (registry sources, git checkouts) are recorded as.
pub const CARGO_HOME: &str = "cargo-home";
/// What a compile's own folder is recorded as when no other name covers it.
pub const CWD: &str = ".";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixMap {
    pub from: PathBuf,
    pub to: PathBuf,
}

impl PrefixMap {
    /// `-ffile-prefix-map=FROM=TO` (debug info and `__FILE__`); `None` when FROM holds an `=`,
    /// which clang would split at.
    pub fn clang_arg(&self) -> Option<OsString> {
        if self.from.as_os_str().as_encoded_bytes().contains(&b'=') {
            return None;
        }
        Some(join("-ffile-prefix-map=", &self.from, &self.to))
    }

    /// `--remap-path-prefix=FROM=TO`; rustc splits at the last `=`, so any FROM works.
    pub fn rustc_arg(&self) -> OsString {
        join("--remap-path-prefix=", &self.from, &self.to)
    }
}

fn join(option: &str, from: &Path, to: &Path) -> OsString {
    let mut arg = OsString::from(option);
    arg.push(from);
    arg.push("=");
    arg.push(to);
    arg
}

/// The maps for one C/C++ compile run by a build script (or by what it runs, such as cmake).
///
/// `var` looks up the environment cargo gives build scripts; `cwd` is the compile's folder;
/// `zig_lib_dirs` are where zig may keep its lib folder.
pub fn compile_maps(
    var: &dyn Fn(&str) -> Option<OsString>,
    cwd: Option<&Path>,
    zig_lib_dirs: &[PathBuf],
) -> Vec<PrefixMap> {
    let path = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let package = package_name(var);
    let mut maps = Vec::new();
    for dir in zig_lib_dirs {
        add(&mut maps, dir.clone(), ZIG_LIB);
    }
    if let Some(home) = cargo_home(var) {
        add(&mut maps, home, CARGO_HOME);
    }
    if let Some(dir) = path("CARGO_MANIFEST_DIR") {
        add(&mut maps, dir, &package);
    }
    if let Some(dir) = path("OUT_DIR") {
        // Inside the package's name, so that every package's generated files stay apart.
        add(&mut maps, dir, &format!("{package}/OUT_DIR"));
    }
    if let Some(cwd) = cwd {
        // cmake compiles in OUT_DIR/build and cc-rs in the package: already named. A folder
        // nothing names (a build system's own temp dir) still must not be recorded as is.
        let named = maps.iter().any(|m| cwd.starts_with(&m.from));
        if !named {
            add(&mut maps, cwd.to_path_buf(), CWD);
        }
    }
    in_clang_order(maps)
}

/// The maps `ziglink cargo` gives rustc: the workspace (rustc runs there, so it is the
/// recorded compile folder), `CARGO_HOME` (registry and git dependencies) and a target folder
/// set outside the workspace.
pub fn rustc_maps(
    var: &dyn Fn(&str) -> Option<OsString>,
    workspace: Option<&Path>,
) -> Vec<PrefixMap> {
    let mut maps = Vec::new();
    if let Some(home) = cargo_home(var) {
        add(&mut maps, home, CARGO_HOME);
    }
    let target_dir = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()));
    if let Some(dir) = target_dir {
        add(&mut maps, PathBuf::from(dir), "target");
    }
    if let Some(root) = workspace {
        add(&mut maps, root.to_path_buf(), CWD);
    }
    in_clang_order(maps)
}

/// `<name>-<version>`, as cargo names a package's folder in the registry.
fn package_name(var: &dyn Fn(&str) -> Option<OsString>) -> String {
    let text = |name: &str| {
        var(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.to_string_lossy().into_owned())
    };
    match (text("CARGO_PKG_NAME"), text("CARGO_PKG_VERSION")) {
        (Some(name), Some(version)) => format!("{name}-{version}"),
        (Some(name), None) => name,
        _ => "package".to_string(),
    }
}

/// Adds a map for an absolute folder other than `/` (which would rename every path); the
/// folder is normalised, since compilers compare prefixes as strings.
fn add(maps: &mut Vec<PrefixMap>, from: PathBuf, to: &str) {
    let from: PathBuf = from.components().collect();
    if !from.is_absolute() || from.parent().is_none() {
        return;
    }
    maps.retain(|m| m.from != from);
    maps.push(PrefixMap {
        from,
        to: PathBuf::from(to),
    });
}

/// Shorter prefixes first. clang (22) applies the last matching debug-info map but the
/// longest matching `__FILE__` map, and rustc the last matching one; with a folder's map
/// after the maps of the folders around it, the most specific name wins for all of them.
fn in_clang_order(mut maps: Vec<PrefixMap>) -> Vec<PrefixMap> {
    maps.sort_by_key(|m| m.from.as_os_str().len());
    maps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    /// The environment, the folder (the compile's or the workspace), the maps expected.
    type MapCase<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>, &'a [&'a str]);

    fn shown(maps: &[PrefixMap]) -> Vec<String> {
        maps.iter()
            .map(|m| format!("{}={}", m.from.display(), m.to.display()))
            .collect()
    }

    const BUILD_SCRIPT: &[(&str, &str)] = &[
        ("CARGO_MANIFEST_DIR", "/src/a/hello-c"),
        ("CARGO_PKG_NAME", "hello-c"),
        ("CARGO_PKG_VERSION", "0.1.0"),
        (
            "OUT_DIR",
            "/src/a/hello-c/target/release/build/hello-c-1234/out",
        ),
        ("CARGO_HOME", "/home/u/.cargo/"),
        ("HOME", "/home/u"),
    ];

    #[test]
    fn compile_maps_name_each_folder_a_build_script_compile_can_record() {
        let zig_lib = [PathBuf::from(
            "/venv/lib/python3.11/site-packages/ziglang/lib",
        )];
        let out_dir = "/src/a/hello-c/target/release/build/hello-c-1234/out";
        let cases: &[MapCase] = &[
            // cc-rs: the compile runs in the package
            (
                BUILD_SCRIPT,
                Some("/src/a/hello-c"),
                &[
                    "/home/u/.cargo=cargo-home",
                    "/src/a/hello-c=hello-c-0.1.0",
                    "/venv/lib/python3.11/site-packages/ziglang/lib=zig/lib",
                    &format!("{out_dir}=hello-c-0.1.0/OUT_DIR"),
                ],
            ),
            // cmake: in OUT_DIR/build, named already
            (
                BUILD_SCRIPT,
                Some(&format!("{out_dir}/build")),
                &[
                    "/home/u/.cargo=cargo-home",
                    "/src/a/hello-c=hello-c-0.1.0",
                    "/venv/lib/python3.11/site-packages/ziglang/lib=zig/lib",
                    &format!("{out_dir}=hello-c-0.1.0/OUT_DIR"),
                ],
            ),
            // outside cargo, in a folder nothing else names; ~/.cargo by default
            (
                &[("HOME", "/home/u")],
                Some("/tmp/build-xyz"),
                &[
                    "/home/u/.cargo=cargo-home",
                    "/tmp/build-xyz=.",
                    "/venv/lib/python3.11/site-packages/ziglang/lib=zig/lib",
                ],
            ),
            // the root and relative folders would rename too much, or nothing reliably
            (
                &[("CARGO_MANIFEST_DIR", "relative/dir"), ("CARGO_HOME", "")],
                Some("/"),
                &["/venv/lib/python3.11/site-packages/ziglang/lib=zig/lib"],
            ),
            // a registry package: its own name wins over CARGO_HOME's
            (
                &[
                    (
                        "CARGO_MANIFEST_DIR",
                        "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/zstd-sys-2.0.1",
                    ),
                    ("CARGO_PKG_NAME", "zstd-sys"),
                    ("CARGO_PKG_VERSION", "2.0.1"),
                    ("CARGO_HOME", "/home/u/.cargo"),
                ],
                None,
                &[
                    "/home/u/.cargo=cargo-home",
                    "/venv/lib/python3.11/site-packages/ziglang/lib=zig/lib",
                    "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/zstd-sys-2.0.1=zstd-sys-2.0.1",
                ],
            ),
        ];
        for (vars, cwd, expected) in cases {
            let maps = compile_maps(&lookup(vars), cwd.map(Path::new), &zig_lib);
            assert_eq!(shown(&maps), *expected, "{vars:?} in {cwd:?}");
        }
    }

    #[test]
    fn a_folders_map_comes_after_the_maps_of_the_folders_around_it() {
        let maps = compile_maps(&lookup(BUILD_SCRIPT), None, &[]);
        assert_eq!(maps.len(), 3);
        for (i, earlier) in maps.iter().enumerate() {
            for later in &maps[i + 1..] {
                assert!(!earlier.from.starts_with(&later.from), "{maps:?}");
            }
        }
    }

    #[test]
    fn rustc_maps_name_the_workspace_cargo_home_and_an_outside_target_folder() {
        let cases: &[MapCase] = &[
            (
                &[("HOME", "/home/u")],
                Some("/src/ws"),
                &["/src/ws=.", "/home/u/.cargo=cargo-home"],
            ),
            (
                &[
                    ("CARGO_HOME", "/opt/cargo"),
                    ("CARGO_TARGET_DIR", "/scratch/t"),
                ],
                Some("/home/someone/projects/ws"),
                &[
                    "/opt/cargo=cargo-home",
                    "/scratch/t=target",
                    "/home/someone/projects/ws=.",
                ],
            ),
            (&[("CARGO_BUILD_TARGET_DIR", "/t")], None, &["/t=target"]),
        ];
        for (vars, workspace, expected) in cases {
            let maps = rustc_maps(&lookup(vars), workspace.map(Path::new));
            assert_eq!(shown(&maps), *expected, "{vars:?}");
        }
    }

    #[test]
    fn arguments_carry_the_maps() {
        let map = PrefixMap {
            from: PathBuf::from("/src/my dir"),
            to: PathBuf::from("pkg-1.0"),
        };
        assert_eq!(
            map.clang_arg(),
            Some(OsString::from("-ffile-prefix-map=/src/my dir=pkg-1.0"))
        );
        assert_eq!(
            map.rustc_arg(),
            OsString::from("--remap-path-prefix=/src/my dir=pkg-1.0")
        );
        let with_equals = PrefixMap {
            from: PathBuf::from("/src/a=b"),
            to: PathBuf::from("x"),
        };
        assert_eq!(with_equals.clang_arg(), None);
        assert_eq!(
            with_equals.rustc_arg(),
            OsString::from("--remap-path-prefix=/src/a=b=x")
        );
    }
}
