//! What the `ziglink.maturin` backend does to one maturin build: which target it is for (as
//! maturin and cargo decide it), the glibc floor to link that target for, and the
//! compatibility tag maturin is to check the wheel against, so that the two agree.
//!
//! The floor of a glibc target comes from a manylinux tag when the build names one (maturin's
//! `--compatibility`, or `[tool.maturin] compatibility`, which maturin's PEP 517 hooks would
//! otherwise replace with `off`). Without one, it comes from ZIGLINK_GLIBC or
//! `[tool.ziglink] glibc`, else the target's default (2.17 where zig can), and the backend asks
//! maturin for the tag of the lowest manylinux policy that floor satisfies: manylinux2014 for
//! 2.17. musl targets get `musllinux_1_2`, zig's musl.

use crate::backend::build_args::{self, BuildArgs};
use crate::error::{Error, Result};
use crate::project::pyproject::BackendSettings;
use crate::target::glibc::Glibc;
use crate::target::manylinux;
use crate::target::triple::{self, Family, TargetSpec};
use crate::target::universal2;

/// zig links musl 1.2, which is what `musllinux_1_2` promises.
const MUSL_TAG: &str = "musllinux_1_2";

pub struct Request<'a> {
    /// maturin's build arguments, as its hooks would read them.
    pub args: &'a [String],
    pub pyproject: &'a BackendSettings,
    /// CARGO_BUILD_TARGET, which maturin takes as `--target`.
    pub env_target: Option<&'a str>,
    /// `build.target` of the cargo config that applies.
    pub config_target: Option<&'a str>,
    pub host: &'a str,
    /// The floor the environment asks for a triple (ZIGLINK_GLIBC_<TRIPLE>, ZIGLINK_GLIBC).
    pub env_glibc: &'a dyn Fn(&str) -> Result<Option<Glibc>>,
    /// MACOSX_DEPLOYMENT_TARGET, which wins over `[tool.maturin.target."<triple>"]`'s, as it
    /// does in maturin.
    pub env_macos: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The build arguments to give maturin.
    pub args: Vec<String>,
    /// The targets to set cargo up for, each with its floor (`x86_64-unknown-linux-gnu.2.17`).
    pub targets: Vec<String>,
    /// What the backend decided, a line each, for the build's log.
    pub notes: Vec<String>,
}

pub fn plan(request: &Request) -> Result<Plan> {
    let read = build_args::read(request.args);
    if read.zig {
        return Err(Error::BackendZig);
    }
    let triple = built_triple(request, &read);
    let mut plan = Plan {
        args: read.args.clone(),
        targets: Vec::new(),
        notes: Vec::new(),
    };
    let compatibility = match (
        &read.compatibility,
        &request.pyproject.maturin_compatibility,
    ) {
        (Some(given), _) => Some(given.clone()),
        (None, from_file) if !from_file.is_empty() => {
            // maturin's hooks would put `--compatibility off` in front of the file's tags.
            plan.args = build_args::with_compatibility(&read.args, from_file);
            Some(from_file.clone())
        }
        (None, _) => None,
    };
    let halves = universal2::halves(&triple);
    if let ((name, Some(suffix)), None) = (triple::split_spec(&triple), &halves) {
        return Err(Error::SuffixInBuildArgs {
            triple: name.to_string(),
            suffix: suffix.to_string(),
        });
    }
    match halves {
        Some(halves) => {
            for half in halves {
                let spec = macos_spec(&half, request, &mut plan);
                plan.targets.push(spec);
            }
        }
        None => match triple::lookup(&triple) {
            Some(spec) => {
                let spec_text = floor_for(spec, compatibility.as_deref(), request, &mut plan)?;
                plan.targets.push(spec_text);
            }
            None => plan.notes.push(format!(
                "{triple} is not a target ziglink links; maturin builds it as it would without \
                 ziglink"
            )),
        },
    }
    for extra in &request.pyproject.targets {
        let name = triple::split_spec(extra).0;
        if !plan.targets.iter().any(|t| triple::split_spec(t).0 == name) {
            plan.targets.push(extra.clone());
        }
    }
    Ok(plan)
}

/// The target maturin builds for: its `--target`, else CARGO_BUILD_TARGET (which maturin reads
/// as `--target`), else cargo's `build.target`, else the host.
fn built_triple(request: &Request, read: &BuildArgs) -> String {
    read.target
        .as_deref()
        .or(request.env_target)
        .or(request.config_target)
        .unwrap_or(request.host)
        .to_string()
}

/// An apple `spec` with the deployment target of its `[tool.maturin.target."<triple>"]` table
/// as its suffix, as maturin builds and tags it, unless the spec has one or
/// MACOSX_DEPLOYMENT_TARGET is set (maturin then takes the variable for the build). A malformed
/// value is left for the resolver to refuse, naming the setting.
fn macos_spec(spec: &str, request: &Request, plan: &mut Plan) -> String {
    let (triple, suffix) = triple::split_spec(spec);
    let configured = request.pyproject.macos_deployment_targets.get(triple);
    let (None, Some(configured)) = (suffix, configured) else {
        return spec.to_string();
    };
    let table = format!("[tool.maturin.target.\"{triple}\"] macos-deployment-target");
    if let Some(env) = request.env_macos.filter(|v| !v.is_empty()) {
        plan.notes.push(format!(
            "linking {triple} for macOS {env} (MACOSX_DEPLOYMENT_TARGET), not the {configured} \
             of {table}"
        ));
        return spec.to_string();
    }
    plan.notes
        .push(format!("linking {triple} for macOS {configured} ({table})"));
    format!("{triple}.{configured}")
}

/// The floor asked for outside the compatibility tag, and where: the environment
/// (ZIGLINK_GLIBC_<TRIPLE>, ZIGLINK_GLIBC) over `[tool.ziglink] glibc`.
fn asked_floor(triple: &str, request: &Request) -> Result<Option<(Glibc, String)>> {
    if let Some(glibc) = (request.env_glibc)(triple)? {
        return Ok(Some((glibc, "ZIGLINK_GLIBC".to_string())));
    }
    let Some(text) = &request.pyproject.glibc else {
        return Ok(None);
    };
    let origin = "[tool.ziglink] glibc";
    Ok(Some((
        Glibc::parse_setting(text, origin)?,
        origin.to_string(),
    )))
}

/// The spec (with its floor) to set `spec` up for, adding the tag maturin should check to
/// `plan.args` when the build names none.
fn floor_for(
    spec: &'static TargetSpec,
    compatibility: Option<&[String]>,
    request: &Request,
    plan: &mut Plan,
) -> Result<String> {
    let triple = spec.rust;
    let lowest = match spec.family {
        Family::Gnu { floor } => floor,
        Family::Musl => {
            if compatibility.is_none() {
                plan.args = build_args::with_compatibility(&plan.args, &[MUSL_TAG.into()]);
                plan.notes.push(format!(
                    "linking {triple} (static musl); maturin checks the wheel against {MUSL_TAG}"
                ));
            }
            return Ok(triple.to_string());
        }
        Family::Darwin { .. } => return Ok(macos_spec(triple, request, plan)),
        Family::Windows => return Ok(triple.to_string()),
    };
    let arch = manylinux::arch_of(spec).unwrap_or_default();
    let asked = asked_floor(triple, request)?;
    let tag = compatibility
        .unwrap_or_default()
        .iter()
        .find_map(|t| manylinux::glibc_of_tag(t).map(|g| (t.clone(), g)));
    let floor = match (tag, asked) {
        (Some((tag, tag_glibc)), Some((asked, from))) if asked > tag_glibc => {
            return Err(Error::FloorAboveTag {
                from,
                asked: asked.to_string(),
                tag,
                tag_glibc: tag_glibc.to_string(),
            })
        }
        (Some((tag, _)), Some((asked, from))) => {
            plan.notes.push(format!(
                "linking {triple} for glibc {asked} ({from}); maturin checks the wheel against \
                 {tag}"
            ));
            asked
        }
        (Some((tag, tag_glibc)), None) => {
            if tag_glibc < lowest {
                let instead = manylinux::for_floor(lowest, arch)
                    .map_or_else(|| format!("glibc {lowest}"), |p| p.tag().to_string());
                return Err(Error::CompatibilityBelowFloor {
                    tag,
                    asked: tag_glibc.to_string(),
                    target: triple,
                    floor: lowest.to_string(),
                    instead,
                });
            }
            plan.notes.push(format!(
                "linking {triple} for glibc {tag_glibc}, as the compatibility {tag} asks"
            ));
            tag_glibc
        }
        (None, asked) => {
            let floor = asked
                .as_ref()
                .map_or(Glibc::DEFAULT.max(lowest), |(g, _)| *g);
            let from = asked.map_or_else(String::new, |(_, from)| format!(" ({from})"));
            let note = match (compatibility, manylinux::for_floor(floor, arch)) {
                (Some(given), _) => format!(
                    "linking {triple} for glibc {floor}{from}; the compatibility {} names no \
                     manylinux tag",
                    given.join(" ")
                ),
                (None, Some(policy)) => {
                    plan.args = build_args::with_compatibility(&plan.args, &[policy.tag().into()]);
                    format!(
                        "linking {triple} for glibc {floor}{from}; maturin checks the wheel \
                         against {}",
                        policy.tag()
                    )
                }
                (None, None) => format!(
                    "linking {triple} for glibc {floor}{from}; no manylinux policy holds it, so \
                     the wheel is tagged linux"
                ),
            };
            plan.notes.push(note);
            floor
        }
    };
    Ok(format!("{triple}.{floor}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "x86_64-unknown-linux-gnu";

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn run(args: &str, pyproject: &BackendSettings, env_glibc: Option<&str>) -> Result<Plan> {
        let env = env_glibc.map(|g| Glibc::parse(g).unwrap());
        let lookup = move |_: &str| Ok(env);
        plan(&Request {
            args: &words(args),
            pyproject,
            env_target: None,
            config_target: None,
            host: HOST,
            env_glibc: &lookup,
            env_macos: None,
        })
    }

    fn toml(compatibility: &[&str], glibc: Option<&str>) -> BackendSettings {
        BackendSettings {
            maturin_compatibility: compatibility.iter().map(|s| s.to_string()).collect(),
            glibc: glibc.map(str::to_string),
            ..BackendSettings::default()
        }
    }

    #[test]
    fn floor_and_tag_agree_whichever_is_given() {
        // (build args, [tool.maturin] compatibility, [tool.ziglink] glibc, ZIGLINK_GLIBC,
        //  maturin's args, the target set up)
        type Case<'a> = (
            &'a str,
            &'a [&'a str],
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            &'a str,
        );
        let cases: &[Case] = &[
            (
                "",
                &[],
                None,
                None,
                "--compatibility manylinux2014",
                "x86_64-unknown-linux-gnu.2.17",
            ),
            (
                "--release",
                &[],
                Some("2.28"),
                None,
                "--compatibility manylinux_2_28 --release",
                "x86_64-unknown-linux-gnu.2.28",
            ),
            (
                "",
                &[],
                Some("2.28"),
                Some("2.31"),
                "--compatibility manylinux_2_31",
                "x86_64-unknown-linux-gnu.2.31",
            ),
            // 2.30 has no policy of its own: the next one up is the tag.
            (
                "",
                &[],
                Some("2.30"),
                None,
                "--compatibility manylinux_2_31",
                "x86_64-unknown-linux-gnu.2.30",
            ),
            (
                "--compatibility manylinux_2_28",
                &[],
                None,
                None,
                "--compatibility manylinux_2_28",
                "x86_64-unknown-linux-gnu.2.28",
            ),
            (
                "--compatibility=manylinux2014",
                &[],
                None,
                None,
                "--compatibility manylinux2014",
                "x86_64-unknown-linux-gnu.2.17",
            ),
            (
                "--compatibility manylinux_2_28",
                &[],
                Some("2.17"),
                None,
                "--compatibility manylinux_2_28",
                "x86_64-unknown-linux-gnu.2.17",
            ),
            (
                "",
                &["manylinux_2_28"],
                None,
                None,
                "--compatibility manylinux_2_28",
                "x86_64-unknown-linux-gnu.2.28",
            ),
            (
                "--compatibility linux",
                &["manylinux_2_28"],
                None,
                None,
                "--compatibility linux",
                "x86_64-unknown-linux-gnu.2.17",
            ),
            (
                "--compatibility off",
                &[],
                Some("2.28"),
                None,
                "--compatibility off",
                "x86_64-unknown-linux-gnu.2.28",
            ),
            (
                "",
                &[],
                Some("2.99"),
                None,
                "",
                "x86_64-unknown-linux-gnu.2.99",
            ),
            (
                "--target aarch64-unknown-linux-gnu",
                &[],
                None,
                None,
                "--compatibility manylinux2014 --target aarch64-unknown-linux-gnu",
                "aarch64-unknown-linux-gnu.2.17",
            ),
            (
                "--target riscv64gc-unknown-linux-gnu",
                &[],
                None,
                None,
                "--compatibility manylinux_2_31 --target riscv64gc-unknown-linux-gnu",
                "riscv64gc-unknown-linux-gnu.2.27",
            ),
            (
                "--target powerpc64le-unknown-linux-gnu",
                &[],
                None,
                None,
                "--compatibility manylinux_2_34 --target powerpc64le-unknown-linux-gnu",
                "powerpc64le-unknown-linux-gnu.2.32",
            ),
            (
                "--target x86_64-unknown-linux-musl",
                &[],
                None,
                None,
                "--compatibility musllinux_1_2 --target x86_64-unknown-linux-musl",
                "x86_64-unknown-linux-musl",
            ),
            (
                "--target x86_64-unknown-linux-musl --compatibility linux",
                &[],
                None,
                None,
                "--target x86_64-unknown-linux-musl --compatibility linux",
                "x86_64-unknown-linux-musl",
            ),
            (
                "--target aarch64-apple-darwin",
                &[],
                None,
                None,
                "--target aarch64-apple-darwin",
                "aarch64-apple-darwin",
            ),
            (
                "--target x86_64-pc-windows-gnu",
                &[],
                None,
                None,
                "--target x86_64-pc-windows-gnu",
                "x86_64-pc-windows-gnu",
            ),
        ];
        for (args, compatibility, glibc, env, want_args, want_target) in cases {
            let pyproject = toml(compatibility, *glibc);
            let plan = run(args, &pyproject, *env).unwrap();
            assert_eq!(
                plan.args,
                words(want_args),
                "{args:?} {compatibility:?} {glibc:?}"
            );
            assert_eq!(
                plan.targets,
                [*want_target],
                "{args:?} {compatibility:?} {glibc:?}"
            );
            // Every glibc link says which floor it got and why.
            let glibc = want_target.contains("-linux-gnu");
            assert!(!glibc || plan.notes.len() == 1, "{:?}", plan.notes);
        }
    }

    #[test]
    fn says_why_it_chose_the_floor() {
        let plan = run("", &toml(&[], None), None).unwrap();
        assert_eq!(
            plan.notes,
            ["linking x86_64-unknown-linux-gnu for glibc 2.17; maturin checks the wheel against \
              manylinux2014"]
        );
        let plan = run("--compatibility manylinux_2_28", &toml(&[], None), None).unwrap();
        assert_eq!(
            plan.notes,
            [
                "linking x86_64-unknown-linux-gnu for glibc 2.28, as the compatibility \
              manylinux_2_28 asks"
            ]
        );
        let plan = run("", &toml(&[], Some("2.28")), None).unwrap();
        assert!(
            plan.notes[0].contains("glibc 2.28 ([tool.ziglink] glibc)"),
            "{:?}",
            plan.notes
        );
        let plan = run("", &toml(&[], Some("2.99")), None).unwrap();
        assert!(plan.notes[0].contains("tagged linux"), "{:?}", plan.notes);
    }

    #[test]
    fn conflicts_and_impossible_floors_are_errors() {
        let cases = [
            ("--zig", toml(&[], None), "drop --zig"),
            (
                "--compatibility manylinux_2_28",
                toml(&[], Some("2.31")),
                "[tool.ziglink] glibc asks for glibc 2.31, above manylinux_2_28 (glibc 2.28)",
            ),
            (
                "--target riscv64gc-unknown-linux-gnu --compatibility manylinux2014",
                toml(&[], None),
                "the compatibility manylinux2014 asks for glibc 2.17, below the lowest glibc zig \
                 links riscv64gc-unknown-linux-gnu against (2.27); ask for manylinux_2_31 or newer",
            ),
            (
                "",
                toml(&[], Some("2.x")),
                "malformed glibc version `2.x` in [tool.ziglink] glibc",
            ),
            (
                "--target aarch64-unknown-linux-gnu.2.28",
                toml(&[], None),
                "give `--target aarch64-unknown-linux-gnu` and ask for 2.28 with [tool.ziglink] \
                 glibc",
            ),
        ];
        for (args, pyproject, wanted) in cases {
            let error = run(args, &pyproject, None).unwrap_err().to_string();
            assert!(error.contains(wanted), "{args:?}: {error}");
        }
    }

    #[test]
    fn finds_the_target_as_maturin_and_cargo_do() {
        let pyproject = BackendSettings {
            targets: vec![
                "x86_64-unknown-linux-musl".into(),
                "aarch64-unknown-linux-gnu.2.28".into(),
            ],
            ..BackendSettings::default()
        };
        let none = |_: &str| Ok(None);
        let target_of =
            |args: &str, env: Option<&str>, config: Option<&str>, pyproject: &BackendSettings| {
                plan(&Request {
                    args: &words(args),
                    pyproject,
                    env_target: env,
                    config_target: config,
                    host: HOST,
                    env_glibc: &none,
                    env_macos: None,
                })
                .unwrap()
                .targets
            };
        let plain = BackendSettings::default();
        assert_eq!(
            target_of("", None, None, &plain),
            ["x86_64-unknown-linux-gnu.2.17"]
        );
        assert_eq!(
            target_of("", None, Some("i686-unknown-linux-gnu"), &plain),
            ["i686-unknown-linux-gnu.2.17"]
        );
        // The extra targets follow the one built, unless one is the target built.
        assert_eq!(
            target_of("", None, Some("aarch64-unknown-linux-gnu"), &pyproject),
            [
                "aarch64-unknown-linux-gnu.2.17",
                "x86_64-unknown-linux-musl"
            ]
        );
        assert_eq!(
            target_of("", Some("s390x-unknown-linux-gnu"), None, &pyproject),
            [
                "s390x-unknown-linux-gnu.2.17",
                "x86_64-unknown-linux-musl",
                "aarch64-unknown-linux-gnu.2.28"
            ]
        );
        assert_eq!(
            target_of("--target universal2-apple-darwin", None, None, &plain),
            ["x86_64-apple-darwin", "aarch64-apple-darwin"]
        );
        // A target ziglink does not link is left to maturin as it is.
        let msvc = plan(&Request {
            args: &words("--release"),
            pyproject: &plain,
            env_target: None,
            config_target: None,
            host: "x86_64-pc-windows-msvc",
            env_glibc: &none,
            env_macos: None,
        })
        .unwrap();
        assert_eq!(msvc.args, words("--release"));
        assert!(msvc.targets.is_empty());
        assert!(msvc.notes[0].starts_with("x86_64-pc-windows-msvc is not a target ziglink links"));
    }

    #[test]
    fn an_apple_target_is_linked_for_the_deployment_target_its_maturin_table_names() {
        // maturin's own test-crate pyo3-pure has this table.
        let pyproject = BackendSettings {
            macos_deployment_targets: [
                ("aarch64-apple-darwin".into(), "11.0".into()),
                ("x86_64-apple-darwin".into(), "10.13".into()),
            ]
            .into(),
            ..BackendSettings::default()
        };
        let none = |_: &str| Ok(None);
        let cases: &[(&str, Option<&str>, &[&str], &str)] = &[
            (
                "--target aarch64-apple-darwin",
                None,
                &["aarch64-apple-darwin.11.0"],
                "linking aarch64-apple-darwin for macOS 11.0 \
                 ([tool.maturin.target.\"aarch64-apple-darwin\"] macos-deployment-target)",
            ),
            (
                "--target universal2-apple-darwin",
                None,
                &["x86_64-apple-darwin.10.13", "aarch64-apple-darwin.11.0"],
                "linking x86_64-apple-darwin for macOS 10.13",
            ),
            // The variable wins, as in maturin.
            (
                "--target aarch64-apple-darwin",
                Some("12.0"),
                &["aarch64-apple-darwin"],
                "linking aarch64-apple-darwin for macOS 12.0 (MACOSX_DEPLOYMENT_TARGET), not \
                 the 11.0 of",
            ),
            // Tables of other targets change nothing.
            (
                "--target x86_64-unknown-linux-gnu",
                None,
                &["x86_64-unknown-linux-gnu.2.17"],
                "linking x86_64-unknown-linux-gnu for glibc 2.17",
            ),
        ];
        for (args, env_macos, targets, note) in cases {
            let got = plan(&Request {
                args: &words(args),
                pyproject: &pyproject,
                env_target: None,
                config_target: None,
                host: HOST,
                env_glibc: &none,
                env_macos: *env_macos,
            })
            .unwrap();
            assert_eq!(got.targets, *targets, "{args}");
            assert!(
                got.notes.iter().any(|n| n.starts_with(note)),
                "{args}: {:?}",
                got.notes
            );
        }
        let plain = plan(&Request {
            args: &words("--target aarch64-apple-darwin"),
            pyproject: &BackendSettings::default(),
            env_target: None,
            config_target: None,
            host: HOST,
            env_glibc: &none,
            env_macos: None,
        })
        .unwrap();
        assert_eq!(plain.targets, ["aarch64-apple-darwin"]);
    }
}
