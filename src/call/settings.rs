//! The `ZIGLINK_*` environment variables, read once and validated up front.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::call::apple_sdk;
use crate::error::{Error, Result};
use crate::platform::replace;
use crate::target::floor::{Asked, Floor};
use crate::target::glibc::Glibc;
use crate::target::macos::{self, MacOs};
use crate::target::triple::{self, Target, TargetSpec};
use crate::target::universal2;

pub const TARGET: &str = "ZIGLINK_TARGET";
/// The one target `ziglink cargo` (and so the backend) builds, for a C tool run with no target
/// of its own: maturin's cc-rs probes the compiler it was given outside any build script.
pub const BUILD_TARGET: &str = "ZIGLINK_BUILD_TARGET";
pub const GLIBC: &str = "ZIGLINK_GLIBC";
/// The prefix of `ZIGLINK_MACOS_<TRIPLE>`, the deployment target `ziglink cargo` sets for one
/// apple target (from a suffix), which wins over `MACOSX_DEPLOYMENT_TARGET`.
pub const MACOS: &str = "ZIGLINK_MACOS";
pub const ZIG: &str = "ZIGLINK_ZIG";
pub const LOG: &str = "ZIGLINK_LOG";
pub const EXPLAIN: &str = "ZIGLINK_EXPLAIN";
/// `0` skips the check that a linked file keeps to its floor.
pub const FLOOR_CHECK: &str = "ZIGLINK_FLOOR_CHECK";
/// The check's name from before it also covered macOS, still honoured.
pub const GLIBC_CHECK: &str = "ZIGLINK_GLIBC_CHECK";

/// Where explain mode writes: stderr, or (for builds whose linker output the caller hides,
/// as rustc does on success) appended to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExplainTo {
    Stderr,
    File(PathBuf),
}
pub const REPRODUCIBLE: &str = "ZIGLINK_REPRODUCIBLE";
/// How the manylinux policy check treats a file that breaks its policy.
pub const POLICY: &str = "ZIGLINK_POLICY";
/// A file ziglink appends each of its warnings to, besides stderr.
pub const REPORT: &str = "ZIGLINK_REPORT";

/// What the manylinux policy check does with a file that breaks the policy of its floor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PolicyMode {
    /// Say so, and keep the file: `auditwheel repair` can still copy a library into the wheel.
    #[default]
    Warn,
    /// Fail the link and remove the file, as the floor check does.
    Strict,
    Off,
}

impl PolicyMode {
    fn parse(text: &str) -> Result<PolicyMode> {
        match text {
            "warn" | "1" => Ok(PolicyMode::Warn),
            "strict" => Ok(PolicyMode::Strict),
            "off" | "0" => Ok(PolicyMode::Off),
            _ => Err(Error::MalformedSetting {
                name: POLICY,
                given: text.to_string(),
                expected: "warn, strict or off",
            }),
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `ZIGLINK_TARGET`: a Rust triple (optionally `.MAJOR.MINOR`) used for every call instead
    /// of the one read from the link line.
    pub target: Option<String>,
    /// `ZIGLINK_BUILD_TARGET`: the target of the build a C tool runs in, when its line and
    /// cargo's `TARGET` name none.
    pub build_target: Option<String>,
    /// `ZIGLINK_GLIBC`: the glibc floor for glibc targets.
    pub glibc: Option<Glibc>,
    /// `MACOSX_DEPLOYMENT_TARGET`: the macOS floor for apple targets, as rustc and cc-rs read
    /// it. Kept as text and read only for apple targets, as rustc does: a value meant for
    /// something else does not stop a Linux build.
    pub deployment_target: Option<String>,
    /// `SDKROOT`, as given: see [`Settings::sdk`].
    pub sdkroot: Option<OsString>,
    /// `ZIGLINK_ZIG`: the zig executable to use.
    pub zig: Option<PathBuf>,
    /// `ZIGLINK_LOG`: print the zig command before running it.
    pub log: bool,
    /// `ZIGLINK_EXPLAIN`: `1` explains each call on stderr; a path appends to that file.
    pub explain: Option<ExplainTo>,
    /// `ZIGLINK_FLOOR_CHECK=0` (or `ZIGLINK_GLIBC_CHECK=0`) turns the post-link floor check off.
    pub skip_floor_check: bool,
    /// `ZIGLINK_REPRODUCIBLE`: make compiles and links independent of where the sources, the
    /// target folder and zig are (`reproducible`).
    pub reproducible: bool,
    /// `ZIGLINK_POLICY`: warn (the default), strict or off.
    pub policy: PolicyMode,
    /// `ZIGLINK_REPORT`: where warnings are appended as well, for builds whose caller hides a
    /// linker's output when the link succeeds, as rustc does (the maturin backend sets it).
    pub report: Option<PathBuf>,
}

impl Settings {
    /// Reads the settings through `var`; empty values count as unset, as shells make it easy to
    /// export an empty variable by accident.
    pub fn read(var: impl Fn(&str) -> Option<OsString>) -> Result<Settings> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let text = |name: &str| get(name).map(|v| v.to_string_lossy().into_owned());
        let glibc = match text(GLIBC) {
            Some(value) => Some(Glibc::parse_setting(&value, GLIBC)?),
            None => None,
        };
        Ok(Settings {
            target: text(TARGET),
            build_target: text(BUILD_TARGET),
            glibc,
            deployment_target: text(macos::DEPLOYMENT_TARGET),
            sdkroot: get(apple_sdk::SDKROOT),
            zig: get(ZIG).map(PathBuf::from),
            log: get(LOG).is_some_and(|v| v != "0"),
            explain: get(EXPLAIN).filter(|v| v != "0").map(|v| {
                if v == "1" {
                    ExplainTo::Stderr
                } else {
                    ExplainTo::File(PathBuf::from(v))
                }
            }),
            skip_floor_check: [FLOOR_CHECK, GLIBC_CHECK]
                .iter()
                .any(|name| get(name).is_some_and(|v| v == "0")),
            reproducible: get(REPRODUCIBLE).is_some_and(|v| v != "0"),
            policy: text(POLICY)
                .map(|v| PolicyMode::parse(&v))
                .transpose()?
                .unwrap_or_default(),
            report: get(REPORT).map(PathBuf::from),
        })
    }

    pub fn from_process_env() -> Result<Settings> {
        Settings::read(|name| std::env::var_os(name))
    }

    /// The glibc floor for one target: `ZIGLINK_GLIBC_<TRIPLE>` (what `ziglink cargo` sets for a
    /// target given with a suffix), else `ZIGLINK_GLIBC`.
    pub fn glibc_for(
        &self,
        triple: &str,
        var: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<Glibc>> {
        let origin = "a ZIGLINK_GLIBC_<TARGET> variable";
        let own = per_target(var(&glibc_var_for(triple)), origin, Glibc::parse_setting)?;
        Ok(own.or(self.glibc))
    }

    /// The deployment target for one apple target: `ZIGLINK_MACOS_<TRIPLE>`, else
    /// `MACOSX_DEPLOYMENT_TARGET`.
    pub fn macos_for(
        &self,
        triple: &str,
        var: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<MacOs>> {
        let origin = "a ZIGLINK_MACOS_<TARGET> variable";
        match per_target(var(&macos_var_for(triple)), origin, MacOs::parse_setting)? {
            Some(own) => Ok(Some(own)),
            None => self
                .deployment_target
                .as_deref()
                .map(|text| MacOs::parse_setting(text, macos::DEPLOYMENT_TARGET))
                .transpose(),
        }
    }

    /// The macOS SDK `SDKROOT` names, when it is a folder. Looked at only for apple targets, so
    /// other links do not pay for the check.
    pub fn sdk(&self) -> Option<PathBuf> {
        apple_sdk::from_value(self.sdkroot.clone())
    }

    /// Under `ZIGLINK_LOG`, prints `ziglink: <line>` on stderr; the line is only made then.
    pub fn log_line(&self, line: impl FnOnce() -> String) {
        if self.log {
            eprintln!("ziglink: {}", line());
        }
    }

    /// Prints `ziglink: warning: <message>` on stderr, and appends it to `ZIGLINK_REPORT`'s file
    /// when set (made 0600 if missing). A warning that cannot be appended is still on stderr.
    pub fn warn(&self, message: &str) {
        self.say(&format!("ziglink: warning: {message}\n"));
    }

    /// Prints `ziglink: <message>` on stderr, and appends it to the report as [`warn`] does:
    /// what ziglink did on its own that the user should know of.
    ///
    /// [`warn`]: Settings::warn
    pub fn notice(&self, message: &str) {
        self.say(&format!("ziglink: {message}\n"));
    }

    fn say(&self, line: &str) {
        eprint!("{line}");
        if let Some(path) = &self.report {
            // One write of the whole line: appends of a few hundred bytes do not interleave
            // with those of links running beside this one.
            let _ = replace::append_private(path, line.as_bytes());
        }
    }

    /// The post-link checks these settings turn off for a link to `floor`, in one line that is
    /// the same for every such link of a build, so that its report shows it once; `None` when
    /// every check runs.
    pub fn checks_off(&self, floor: Floor) -> Option<String> {
        let glibc = floor.glibc().is_some();
        if self.skip_floor_check {
            let policy = if glibc {
                " or the manylinux policy"
            } else {
                ""
            };
            return Some(format!(
                "the post-link checks are off ({FLOOR_CHECK}=0): links for {floor} are not \
                 checked against that floor{policy}"
            ));
        }
        (glibc && self.policy == PolicyMode::Off).then(|| {
            format!(
                "the manylinux policy check is off ({POLICY}=off): links for {floor} are not \
                 checked against its policy"
            )
        })
    }

    /// The target for `text` (`triple[.MAJOR.MINOR]`) with the floor the environment asks for:
    /// what the linker, the C tools and `ziglink cargo` all resolve a target with.
    pub fn resolve_target(&self, text: &str) -> Result<Target> {
        let (name, _) = triple::split_spec(text);
        let glibc = self.glibc_for(name, |var| std::env::var_os(var))?;
        let macos = match triple::lookup(name).is_some_and(TargetSpec::is_apple) {
            true => self.macos_for(name, |var| std::env::var_os(var))?,
            false => None,
        };
        Target::resolve_asked(text, Asked { glibc, macos })
    }

    /// Every target in `specs` (`universal2-apple-darwin` is both apple ones), or the host's
    /// when there are none: how `ziglink cargo`, `ziglink env` and `ziglink config` read their
    /// `--target` options.
    pub fn resolve_targets(&self, specs: &[String]) -> Result<Vec<Target>> {
        if specs.is_empty() {
            return Ok(vec![self.resolve_target(crate::target::host::triple())?]);
        }
        specs
            .iter()
            .flat_map(|spec| universal2::halves(spec).map_or_else(|| vec![spec.clone()], Vec::from))
            .map(|spec| self.resolve_target(&spec))
            .collect()
    }
}

/// A per-target floor variable's value, parsed, when it is set and not empty.
fn per_target<T>(
    value: Option<OsString>,
    origin: &'static str,
    parse: fn(&str, &'static str) -> Result<T>,
) -> Result<Option<T>> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| parse(&v.to_string_lossy(), origin))
        .transpose()
}

/// `ZIGLINK_MACOS_AARCH64_APPLE_DARWIN` for `aarch64-apple-darwin`.
pub fn macos_var_for(rust_triple: &str) -> String {
    format!("{MACOS}_{}", triple::env_upper(rust_triple))
}

/// `ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU` for `aarch64-unknown-linux-gnu`.
pub fn glibc_var_for(rust_triple: &str) -> String {
    format!("{GLIBC}_{}", triple::env_upper(rust_triple))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Settings> {
        Settings::read(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn says_which_checks_are_off_for_a_floor() {
        let glibc = Floor::Glibc(Glibc::new(2, 17));
        let macos = Floor::MacOs(MacOs::new(11, 0));
        let floor_off = "the post-link checks are off (ZIGLINK_FLOOR_CHECK=0): links for glibc \
                         2.17 are not checked against that floor or the manylinux policy";
        let policy_off = "the manylinux policy check is off (ZIGLINK_POLICY=off): links for \
                          glibc 2.17 are not checked against its policy";
        type Case<'a> = (&'a [(&'a str, &'a str)], Floor, Option<&'a str>);
        let cases: &[Case] = &[
            (&[], glibc, None),
            (&[(POLICY, "strict")], glibc, None),
            (&[(FLOOR_CHECK, "0")], glibc, Some(floor_off)),
            (&[(GLIBC_CHECK, "0")], glibc, Some(floor_off)),
            (
                &[(FLOOR_CHECK, "0"), (POLICY, "off")],
                glibc,
                Some(floor_off),
            ),
            (&[(POLICY, "off")], glibc, Some(policy_off)),
            (&[(POLICY, "off")], macos, None),
            (
                &[(FLOOR_CHECK, "0")],
                macos,
                Some(
                    "the post-link checks are off (ZIGLINK_FLOOR_CHECK=0): links for macOS 11.0 \
                     are not checked against that floor",
                ),
            ),
        ];
        for (vars, floor, want) in cases {
            let got = read(vars).unwrap().checks_off(*floor);
            assert_eq!(got.as_deref(), *want, "{vars:?} {floor}");
        }
    }

    #[test]
    fn reads_each_variable() {
        let s = read(&[
            (TARGET, "aarch64-unknown-linux-gnu.2.28"),
            (GLIBC, "2.31"),
            (ZIG, "/opt/zig/zig"),
            (LOG, "1"),
            (EXPLAIN, "/tmp/explain.log"),
            (GLIBC_CHECK, "0"),
            (REPRODUCIBLE, "1"),
            (POLICY, "strict"),
            (REPORT, "/tmp/warnings"),
        ])
        .unwrap();
        assert_eq!(s.policy, PolicyMode::Strict);
        assert_eq!(s.report, Some(PathBuf::from("/tmp/warnings")));
        assert_eq!(s.target.as_deref(), Some("aarch64-unknown-linux-gnu.2.28"));
        assert_eq!(s.glibc, Some(Glibc::new(2, 31)));
        assert_eq!(s.zig, Some(PathBuf::from("/opt/zig/zig")));
        assert!(s.log);
        assert_eq!(
            s.explain,
            Some(ExplainTo::File(PathBuf::from("/tmp/explain.log")))
        );
        assert!(s.skip_floor_check);
        assert!(s.reproducible);
        let s = read(&[(EXPLAIN, "1"), (GLIBC_CHECK, "1")]).unwrap();
        assert_eq!(s.explain, Some(ExplainTo::Stderr));
        assert!(!s.skip_floor_check);
        let s = read(&[(FLOOR_CHECK, "0"), (macos::DEPLOYMENT_TARGET, "13")]).unwrap();
        assert!(s.skip_floor_check);
        let none = |_: &str| None;
        let mac = "aarch64-apple-darwin";
        assert_eq!(s.macos_for(mac, none).unwrap(), Some(MacOs::new(13, 0)));
        // Read only for apple targets, as rustc does.
        let s = read(&[(macos::DEPLOYMENT_TARGET, "thirteen")]).unwrap();
        let error = s.macos_for(mac, none).unwrap_err();
        assert!(
            error.to_string().contains("MACOSX_DEPLOYMENT_TARGET"),
            "{error}"
        );
        assert!(s.resolve_target("x86_64-unknown-linux-gnu").is_ok());
        assert!(s.resolve_target(mac).is_err());
    }

    #[test]
    fn empty_and_zero_mean_unset() {
        let s = read(&[
            (TARGET, ""),
            (GLIBC, ""),
            (ZIG, ""),
            (LOG, "0"),
            (EXPLAIN, "0"),
            (GLIBC_CHECK, ""),
            (FLOOR_CHECK, ""),
            (macos::DEPLOYMENT_TARGET, ""),
            (REPRODUCIBLE, "0"),
            (POLICY, ""),
            (REPORT, ""),
        ])
        .unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(read(&[(POLICY, "0")]).unwrap().policy, PolicyMode::Off);
        assert_eq!(read(&[(POLICY, "warn")]).unwrap().policy, PolicyMode::Warn);
        let error = read(&[(POLICY, "loud")]).unwrap_err().to_string();
        assert_eq!(
            error,
            "malformed ZIGLINK_POLICY `loud`: expected warn, strict or off"
        );
    }

    #[test]
    fn per_target_floor_wins_over_the_global_one() {
        let vars = [
            (GLIBC, "2.28"),
            ("ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU", "2.17"),
            ("ZIGLINK_GLIBC_S390X_UNKNOWN_LINUX_GNU", "x"),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        };
        let s = Settings::read(lookup).unwrap();
        let floor = |t: &str| s.glibc_for(t, lookup).map(|g| g.map(|g| g.to_string()));
        assert_eq!(
            floor("aarch64-unknown-linux-gnu").unwrap().as_deref(),
            Some("2.17")
        );
        assert_eq!(
            floor("x86_64-unknown-linux-gnu").unwrap().as_deref(),
            Some("2.28")
        );
        assert!(floor("s390x-unknown-linux-gnu").is_err());
    }

    #[test]
    fn warnings_are_appended_to_the_report_whole() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("warnings");
        let s = read(&[(REPORT, report.to_str().unwrap())]).unwrap();
        s.warn("first");
        s.warn("second");
        let text = std::fs::read_to_string(&report).unwrap();
        assert_eq!(text, "ziglink: warning: first\nziglink: warning: second\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&report).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A report that cannot be written loses nothing but the copy.
        let s = read(&[(REPORT, dir.path().join("no/such/dir").to_str().unwrap())]).unwrap();
        s.warn("still on stderr");
    }

    #[test]
    fn malformed_glibc_names_the_variable() {
        let error = read(&[(GLIBC, "2.x")]).unwrap_err().to_string();
        assert_eq!(
            error,
            "malformed glibc version `2.x` in ZIGLINK_GLIBC: expected MAJOR.MINOR such as 2.17"
        );
    }
}
