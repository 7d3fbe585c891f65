//! Judging the facts (`findings`) and writing them out, for people and as JSON. Pure, so every
//! finding and its fix is tested from made-up facts.

use std::path::{Path, PathBuf};

use super::facts::{Facts, LibFolder, ZigFacts};
use crate::call::apple_sdk;
use crate::call::settings::Settings;
use crate::target::triple::{Target, TARGETS};
use crate::text::shell;
use serde_json::{json, Value};

/// The zig minor version ziglink's rules and tests are made for (`ziglang>=0.17.1,<0.18`).
const TESTED_ZIG: &str = "0.17.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Links will fail.
    Error,
    /// Some uses will fail (cargo cannot find ziglink by name, C builds lack a tool).
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub problem: String,
    pub fix: String,
}

pub fn findings(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |severity, problem: String, fix: &str| {
        out.push(Finding {
            severity,
            problem,
            fix: fix.to_string(),
        })
    };
    use Severity::{Error, Warning};
    if let Err(e) = &facts.settings {
        add(Error, e.clone(), "correct or unset that variable");
    }
    match &facts.zig {
        Err(e) if facts.settings.is_ok() => add(
            Error,
            e.clone(),
            "`pip install ziglang` into the environment ziglink is installed in",
        ),
        Err(_) => {}
        Ok(zig) => match &zig.version {
            Err(e) => add(
                Error,
                format!("zig at {} does not run: {e}", zig.path.display()),
                "reinstall it: `pip install --force-reinstall ziglang`",
            ),
            Ok(v) if !v.starts_with(TESTED_ZIG) => add(
                Warning,
                format!("zig {v} is not the zig {TESTED_ZIG}x ziglink is tested with"),
                "`pip install \"ziglang>=0.17.1,<0.18\"` beside ziglink, or point ZIGLINK_ZIG at a zig 0.17",
            ),
            Ok(_) => {}
        },
    }
    if let Ok(ZigFacts {
        lib: LibFolder::Copy { path, damaged },
        ..
    }) = &facts.zig
    {
        if let Some(first) = damaged.first() {
            add(
                Error,
                format!(
                    "ziglink's copy of zig's lib folder, {}, lacks or has changed {} of zig's \
                     files ({} among them), so links that need them fail",
                    path.display(),
                    damaged.len(),
                    first.display()
                ),
                &format!(
                    "remove it (`rm -rf {}`); the next link copies it again",
                    shell::quote(&path.to_string_lossy())
                ),
            );
        }
    }
    if !facts.cache.writable {
        add(
            Error,
            match &facts.cache.path {
                Some(path) => format!("zig's cache folder {} is not writable", path.display()),
                None => "zig has no cache folder".to_string(),
            },
            "set ZIG_GLOBAL_CACHE_DIR to a writable folder",
        );
    }
    if let (Some(path), Some(problem)) = (&facts.cache.path, &facts.cache.not_private) {
        let path = path.display();
        if facts.cache.fallback {
            add(
                Error,
                format!(
                    "ziglink's fallback for zig's cache, {path}, {problem}, so links refuse it"
                ),
                "set ZIG_GLOBAL_CACHE_DIR to a folder of your own",
            );
        } else if problem.is_threat() {
            add(
                Warning,
                format!(
                    "zig's cache folder {path} {problem}: whoever can change it decides what zig \
                     links"
                ),
                "make it yours alone (`chown`, `chmod go-w`), or set ZIG_GLOBAL_CACHE_DIR to a \
                 folder of your own",
            );
        }
    }
    if let (Some(path), Some(problem)) = (&facts.cache.path, &facts.cache.own_not_private) {
        add(
            Warning,
            format!(
                "ziglink's folder {} in zig's cache {problem}, so `ziglink warm` refuses it and \
                 zig keeps its own lib folder",
                path.join(crate::zig::cache::ZIGLINK_DIR).display()
            ),
            "remove that folder (ziglink makes it again), or set ZIG_GLOBAL_CACHE_DIR to a \
             folder of your own",
        );
    }
    let own_dir = facts.exe.as_deref().and_then(Path::parent);
    let path_fix = own_dir.map_or_else(
        || "activate the environment ziglink is installed in".to_string(),
        |dir| {
            format!(
                "activate the environment ziglink is installed in, or run \
                 `export PATH=\"{}:$PATH\"` (`eval \"$(ziglink env)\"` does it for you)",
                dir.display()
            )
        },
    );
    match (&facts.on_path, own_dir) {
        (None, _) => add(
            Warning,
            "`ziglink` is not on PATH, so cargo cannot run it by name".to_string(),
            &path_fix,
        ),
        (Some(found), Some(dir)) if found.parent() != Some(dir) => add(
            Warning,
            format!(
                "`ziglink` on PATH is {}, not this one in {}",
                found.display(),
                dir.display()
            ),
            &path_fix,
        ),
        _ => {}
    }
    if !facts.missing_tools.is_empty() {
        add(
            Warning,
            format!(
                "{} missing beside ziglink, so build scripts cannot compile C with them",
                facts.missing_tools.join(", ")
            ),
            "reinstall ziglink: `pip install --force-reinstall ziglink`",
        );
    }
    if let Some(gcc) = &facts.gcc_object {
        add(
            Warning,
            format!(
                "{} (from the build script of {}) was compiled by GCC (`{}`), not by ziglink-cc: \
                 C code was built with this machine's compiler and headers, which the glibc floor \
                 does not cover",
                gcc.file.display(),
                gcc.package,
                gcc.mark
            ),
            "name ziglink's C tools beside the linker (`ziglink config --edit` writes them, or \
             build with `ziglink cargo`), then `cargo clean` and build again",
        );
    }
    if let Err(e) = &facts.rustc {
        add(
            Warning,
            format!("cannot ask rustc which targets it has: {e}"),
            "install Rust (https://rustup.rs) or set RUSTC to a rustc",
        );
    }
    out
}

/// One row per supported target: its zig target at the floor the settings ask for, and whether
/// rustc can build for it.
struct Row {
    rust: &'static str,
    zig: String,
    status: String,
    /// How its programs run here, for Linux targets.
    runs: Option<String>,
}

fn rows(facts: &Facts) -> Vec<Row> {
    let fallback = Settings::default();
    let settings = facts.settings.as_ref().unwrap_or(&fallback);
    TARGETS
        .iter()
        .map(|spec| {
            let zig = settings
                .resolve_target(spec.rust)
                .or_else(|_| Target::resolve(spec.rust, None))
                .map_or_else(|_| spec.zig.to_string(), |t| t.zig_target());
            let status = match &facts.rustc {
                _ if facts.zig.is_err() => "no zig".to_string(),
                Err(_) => "unknown (no rustc)".to_string(),
                Ok(r) if r.installed.iter().any(|t| t == spec.rust) => "ready".to_string(),
                Ok(r) if r.rustup => {
                    format!(
                        "no Rust standard library: `rustup target add {}`",
                        spec.rust
                    )
                }
                Ok(_) => "no Rust standard library (install it for this target, or build with \
                          -Zbuild-std)"
                    .to_string(),
            };
            let runs = facts
                .runs
                .iter()
                .find(|(rust, _)| *rust == spec.rust)
                .map(|(_, runs)| runs.clone());
            Row {
                rust: spec.rust,
                zig,
                status,
                runs,
            }
        })
        .collect()
}

pub fn text(facts: &Facts, findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    let shown = |p: Option<&Path>| p.map_or_else(|| "?".to_string(), |p| p.display().to_string());
    line(format!(
        "ziglink {} at {}",
        facts.version,
        shown(facts.exe.as_deref())
    ));
    match &facts.zig {
        Ok(zig) => line(format!(
            "zig {} at {} (found by {})",
            zig.version.as_deref().unwrap_or("(does not run)"),
            zig.path.display(),
            zig.found_by
        )),
        Err(_) => line("zig: not found".to_string()),
    }
    if let Ok(zig) = &facts.zig {
        line(match &zig.lib {
            LibFolder::Copy { path, .. } => format!(
                "zig lib folder: {} (ziglink's copy, the same in every environment)",
                path.display()
            ),
            LibFolder::Own(why) => format!("zig lib folder: zig's own ({why})"),
        });
    }
    line(format!(
        "zig cache: {} ({}, {})",
        shown(facts.cache.path.as_deref()),
        facts.cache.chosen_by,
        if facts.cache.writable {
            "writable"
        } else {
            "NOT writable"
        }
    ));
    match &facts.rustc {
        Ok(r) => line(format!("{}, sysroot {}", r.version, r.sysroot.display())),
        Err(_) => line("rustc: not found".to_string()),
    }
    line(match macos_sdk(facts) {
        Some((sdk, version)) => format!(
            "macOS SDK: {} (version {}, from SDKROOT)",
            sdk.display(),
            version.as_deref().unwrap_or("unknown")
        ),
        None => "macOS SDK: none (SDKROOT unset): apple targets link without frameworks".into(),
    });
    line(String::new());
    let rows = rows(facts);
    let w_rust = rows.iter().map(|r| r.rust.len()).max().unwrap_or(0);
    let w_zig = rows.iter().map(|r| r.zig.len()).max().unwrap_or(0);
    line("targets:".to_string());
    for row in &rows {
        let runs = row
            .runs
            .as_deref()
            .map_or(String::new(), |r| format!("; {r}"));
        line(format!(
            "  {:w_rust$}  {:w_zig$}  {}{runs}",
            row.rust, row.zig, row.status
        ));
    }
    line(String::new());
    if findings.is_empty() {
        line("no problems found".to_string());
    }
    for finding in findings {
        line(format!("{}: {}", finding.severity.label(), finding.problem));
        line(format!("  fix: {}", finding.fix));
    }
    out
}

/// The SDK apple targets use, and its version.
fn macos_sdk(facts: &Facts) -> Option<(PathBuf, Option<String>)> {
    let sdk = facts.settings.as_ref().ok()?.sdk()?;
    let version = apple_sdk::version(&sdk);
    Some((sdk, version))
}

pub fn json(facts: &Facts, findings: &[Finding]) -> String {
    let path = |p: Option<&Path>| p.map(|p| p.to_string_lossy().into_owned());
    let zig = match &facts.zig {
        Ok(z) => json!({
            "path": path(Some(&z.path)),
            "found_by": z.found_by,
            "version": z.version.as_deref().ok(),
            "error": z.version.as_ref().err(),
            "lib": match &z.lib {
                LibFolder::Copy { path: lib, damaged } => json!({
                    "copy": path(Some(lib)),
                    "damaged": damaged.iter().map(|f| f.to_string_lossy()).collect::<Vec<_>>(),
                }),
                LibFolder::Own(why) => json!({ "copy": null, "why": why }),
            },
        }),
        Err(e) => json!({ "path": null, "found_by": null, "version": null, "error": e }),
    };
    let rustc = match &facts.rustc {
        Ok(r) => json!({ "version": r.version, "sysroot": path(Some(&r.sysroot)) }),
        Err(e) => json!({ "error": e }),
    };
    let targets: Vec<Value> = rows(facts)
        .into_iter()
        .map(|row| {
            json!({
                "rust": row.rust,
                "zig": row.zig,
                "ready": row.status == "ready",
                "status": row.status,
                "runs": row.runs,
            })
        })
        .collect();
    let problems: Vec<Value> = findings
        .iter()
        .map(|f| json!({ "severity": f.severity.label(), "problem": f.problem, "fix": f.fix }))
        .collect();
    let ok = !findings.iter().any(|f| f.severity == Severity::Error);
    let private = facts.cache.not_private.is_none() && facts.cache.own_not_private.is_none();
    let doc = json!({
        "ok": ok,
        "ziglink": {
            "version": facts.version,
            "path": path(facts.exe.as_deref()),
            "on_path": path(facts.on_path.as_deref()),
        },
        "zig": zig,
        "cache": {
            "path": path(facts.cache.path.as_deref()),
            "chosen_by": facts.cache.chosen_by,
            "writable": facts.cache.writable,
            "private": private,
        },
        "rustc": rustc,
        "macos_sdk": macos_sdk(facts).map(|(sdk, version)| json!({
            "path": path(Some(&sdk)),
            "version": version,
        })),
        "targets": targets,
        "problems": problems,
    });
    format!("{doc:#}\n")
}

#[cfg(test)]
mod tests {
    use super::super::facts::{CacheFacts, RustcFacts};
    use super::*;
    use crate::target::emulation::Plan;
    use crate::zig::private_dir::Problem;
    use std::path::PathBuf;

    /// A healthy install: ziglink in /env/bin and on PATH, zig 0.17.1, rustc with x86_64 only.
    fn healthy() -> Facts {
        Facts {
            version: "0.1.0",
            exe: Some(PathBuf::from("/env/bin/ziglink")),
            on_path: Some(PathBuf::from("/env/bin/ziglink")),
            missing_tools: Vec::new(),
            gcc_object: None,
            settings: Ok(Settings::default()),
            zig: Ok(ZigFacts {
                path: PathBuf::from("/env/lib/python3.11/site-packages/ziglang/zig"),
                found_by: "the ziglang package beside ziglink".into(),
                version: Ok("0.17.1".into()),
                lib: LibFolder::Copy {
                    path: PathBuf::from("/home/u/.cache/zig/ziglink/lib/0.17.1"),
                    damaged: Vec::new(),
                },
            }),
            cache: CacheFacts {
                path: Some(PathBuf::from("/home/u/.cache/zig")),
                chosen_by: "zig's default",
                fallback: false,
                writable: true,
                not_private: None,
                own_not_private: None,
            },
            rustc: Ok(RustcFacts {
                version: "rustc 1.95.0".into(),
                sysroot: PathBuf::from("/home/u/.rustup/toolchains/stable"),
                rustup: true,
                installed: vec!["x86_64-unknown-linux-gnu".into()],
            }),
            runs: Vec::new(),
        }
    }

    #[test]
    fn each_problem_has_its_finding_and_fix() {
        type Breakage = fn(&mut Facts);
        let cases: &[(&str, Breakage, Severity, &str, &str)] = &[
            ("healthy", |_| {}, Severity::Error, "", ""),
            (
                "bad setting",
                |f| f.settings = Err("malformed glibc version `2.x` in ZIGLINK_GLIBC".into()),
                Severity::Error,
                "malformed glibc",
                "correct or unset",
            ),
            (
                "no zig",
                |f| f.zig = Err("cannot find zig".into()),
                Severity::Error,
                "cannot find zig",
                "pip install ziglang",
            ),
            (
                "zig does not run",
                |f| {
                    if let Ok(z) = &mut f.zig {
                        z.version = Err("exec format error".into());
                    }
                },
                Severity::Error,
                "does not run: exec format error",
                "--force-reinstall ziglang",
            ),
            (
                "other zig",
                |f| {
                    if let Ok(z) = &mut f.zig {
                        z.version = Ok("0.15.2".into());
                    }
                },
                Severity::Warning,
                "zig 0.15.2 is not",
                "ziglang>=0.17.1,<0.18",
            ),
            (
                "lib copy damaged",
                |f| {
                    if let Ok(z) = &mut f.zig {
                        if let LibFolder::Copy { damaged, .. } = &mut z.lib {
                            damaged.push(PathBuf::from("libc/include/stdio.h"));
                        }
                    }
                },
                Severity::Error,
                "lib/0.17.1, lacks or has changed 1 of zig's files (libc/include/stdio.h among",
                "rm -rf /home/u/.cache/zig/ziglink/lib/0.17.1`); the next link copies it again",
            ),
            (
                "read-only cache",
                |f| f.cache.writable = false,
                Severity::Error,
                "/home/u/.cache/zig is not writable",
                "ZIG_GLOBAL_CACHE_DIR",
            ),
            (
                "planted fallback",
                |f| {
                    f.cache.path = Some(PathBuf::from("/tmp/ziglink-zig-cache-1000"));
                    f.cache.fallback = true;
                    f.cache.not_private = Some(Problem::OwnedBy { uid: 1001 });
                },
                Severity::Error,
                "/tmp/ziglink-zig-cache-1000, belongs to uid 1001",
                "ZIG_GLOBAL_CACHE_DIR to a folder of your own",
            ),
            (
                "cache others can write",
                |f| {
                    f.cache.not_private = Some(Problem::AboveWritable {
                        dir: PathBuf::from("/shared"),
                        mode: 0o40777,
                    })
                },
                Severity::Warning,
                "/home/u/.cache/zig is inside `/shared`, which others can write",
                "chmod go-w",
            ),
            (
                "ziglink's folder planted",
                |f| f.cache.own_not_private = Some(Problem::Symlink),
                Severity::Warning,
                "/home/u/.cache/zig/ziglink in zig's cache is a symbolic link",
                "remove that folder",
            ),
            (
                "not on PATH",
                |f| f.on_path = None,
                Severity::Warning,
                "not on PATH",
                "export PATH=\"/env/bin:$PATH\"",
            ),
            (
                "another ziglink on PATH",
                |f| f.on_path = Some(PathBuf::from("/usr/bin/ziglink")),
                Severity::Warning,
                "/usr/bin/ziglink, not this one in /env/bin",
                "activate the environment",
            ),
            (
                "C compiled by gcc",
                |f| {
                    f.gcc_object = Some(super::super::c_objects::GccObject {
                        file: PathBuf::from("/p/target/debug/build/hello-c-00ff/out/libadd.a"),
                        package: "hello-c".into(),
                        mark: "GCC: (Debian 12.2.0-14) 12.2.0".into(),
                    })
                },
                Severity::Warning,
                "libadd.a (from the build script of hello-c) was compiled by GCC (`GCC: (Debian",
                "ziglink config --edit",
            ),
            (
                "tools missing",
                |f| f.missing_tools = vec!["ziglink-cc", "ziglink-ar"],
                Severity::Warning,
                "ziglink-cc, ziglink-ar missing",
                "reinstall ziglink",
            ),
            (
                "no rustc",
                |f| f.rustc = Err("`rustc --version`: No such file".into()),
                Severity::Warning,
                "cannot ask rustc",
                "RUSTC",
            ),
        ];
        for (name, breakage, severity, problem, fix) in cases {
            let mut facts = healthy();
            breakage(&mut facts);
            let found = findings(&facts);
            if problem.is_empty() {
                assert!(found.is_empty(), "{name}: {found:?}");
                continue;
            }
            assert_eq!(found.len(), 1, "{name}: {found:?}");
            assert_eq!(found[0].severity, *severity, "{name}");
            assert!(found[0].problem.contains(problem), "{name}: {found:?}");
            assert!(found[0].fix.contains(fix), "{name}: {found:?}");
        }
    }

    #[test]
    fn text_shows_versions_targets_and_fixes() {
        let mut facts = healthy();
        facts.on_path = None;
        let out = text(&facts, &findings(&facts));
        for expected in [
            "ziglink 0.1.0 at /env/bin/ziglink\n",
            "zig 0.17.1 at /env/lib/python3.11/site-packages/ziglang/zig (found by the ziglang",
            "zig cache: /home/u/.cache/zig (zig's default, writable)",
            "x86_64-unknown-linux-gnu       x86_64-linux-gnu.2.17       ready\n",
            "aarch64-unknown-linux-gnu      aarch64-linux-gnu.2.17      no Rust standard library: \
             `rustup target add aarch64-unknown-linux-gnu`",
            "powerpc64le-linux-gnu.2.32",
            "warning: `ziglink` is not on PATH",
            "  fix: activate the environment",
        ] {
            assert!(out.contains(expected), "{expected:?} not in:\n{out}");
        }
        let healthy = healthy();
        assert!(text(&healthy, &findings(&healthy)).ends_with("no problems found\n"));
    }

    #[test]
    fn linux_targets_say_how_their_programs_run_here() {
        let mut facts = healthy();
        facts.runs = vec![
            ("x86_64-unknown-linux-gnu", Plan::AsIs.describe()),
            (
                "s390x-unknown-linux-gnu",
                Plan::Missing {
                    packages: vec!["libc6-s390x-cross".into()],
                }
                .describe(),
            ),
        ];
        let out = text(&facts, &findings(&facts));
        for expected in [
            "x86_64-linux-gnu.2.17       ready; runs natively\n",
            "no Rust standard library: `rustup target add s390x-unknown-linux-gnu`; cannot run \
             here: install libc6-s390x-cross\n",
        ] {
            assert!(out.contains(expected), "{expected:?} not in:\n{out}");
        }
        let json = json(&facts, &findings(&facts));
        assert!(json.contains("\"runs\": \"runs natively\""), "{json}");
        assert!(json.contains("\"runs\": null"), "{json}");
    }

    #[test]
    fn json_reports_the_same_facts() {
        let mut facts = healthy();
        facts.zig = Err("cannot find \"zig\"".into());
        let out = json(&facts, &findings(&facts));
        for expected in [
            "\"ok\": false",
            "\"path\": \"/env/bin/ziglink\"",
            "\"error\": \"cannot find \\\"zig\\\"\"",
            "\"rust\": \"x86_64-unknown-linux-gnu\",\n      \"zig\": \"x86_64-linux-gnu.2.17\",\n      \
             \"ready\": false,\n      \"status\": \"no zig\"",
            "\"severity\": \"error\"",
        ] {
            assert!(out.contains(expected), "{expected:?} not in:\n{out}");
        }
    }
}
