//! rustc's `-C target-cpu` as it concerns ziglink. cc-rs does not pass it on to C compiles, so
//! the C compilers add it themselves (C code then runs on the same CPUs as the Rust code), and
//! `native`, the build machine's CPU, is refused for a target of another architecture: the
//! build would succeed and the binary die with SIGILL, or LLVM would quietly ignore it. The
//! same guard covers `-march=native` and friends on compile and link lines (rule `native-cpu`).

use std::ffi::OsString;

use crate::call::lead_args::Added;
use crate::error::{Error, Result};
use crate::target::cpu;
use crate::target::host;
use crate::target::triple::Target;

/// Refuses `target-cpu=native` in the rustflags cargo takes from the environment for `target`.
pub fn check(target: &Target, var: impl Fn(&str) -> Option<String>) -> Result<()> {
    let flags = cpu::rustflags_from_env(target.spec.rust, var);
    guard(target, cpu::rustc_target_cpu(&flags)).map(|_| ())
}

/// What a C or C++ compile for `target` adds for rustc's CPU. Build scripts see rustc's flags
/// in `CARGO_ENCODED_RUSTFLAGS`, and they are the flags for cargo's `TARGET`, so only a compile
/// for that target takes them.
pub fn for_compile(target: &Target, var: impl Fn(&str) -> Option<String>) -> Result<Option<Added>> {
    if var("TARGET").as_deref() != Some(target.spec.rust) {
        return Ok(None);
    }
    let flags = cpu::rustflags_from_env(target.spec.rust, &var);
    let Some(name) = guard(target, cpu::rustc_target_cpu(&flags))? else {
        return Ok(None);
    };
    Ok(Some(Added {
        rule: "rustc-target-cpu",
        reason: "rustflags' -C target-cpu, under zig's name for it, so C code is built for the \
                 CPU the Rust code is (cc-rs does not pass it on)",
        args: vec![OsString::from(format!(
            "-mcpu={}",
            cpu::zig_name(target.zig_arch(), name)
        ))],
    }))
}

fn guard<'a>(target: &Target, cpu: Option<&'a str>) -> Result<Option<&'a str>> {
    if cpu == Some("native") && host::is_foreign(target) {
        return Err(Error::NativeCpu {
            target: target.spec.rust,
        });
    }
    Ok(cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn target(spec: &str) -> Target {
        Target::resolve(spec, None).unwrap()
    }

    #[test]
    fn native_is_refused_for_another_architecture_only() {
        let a64 = target("aarch64-unknown-linux-gnu");
        let native = vars(&[("RUSTFLAGS", "-C target-cpu=native")]);
        let error = check(&a64, &native).unwrap_err().to_string();
        assert!(error.contains("target-cpu=native"), "{error}");
        assert!(error.contains("aarch64-unknown-linux-gnu"), "{error}");
        assert!(check(&a64, vars(&[("RUSTFLAGS", "-C target-cpu=neoverse-n1")])).is_ok());
        assert!(check(&a64, vars(&[])).is_ok());
        assert!(check(&target("x86_64-unknown-linux-gnu"), &native).is_ok());
    }

    #[test]
    fn compiles_for_cargos_target_take_rustcs_cpu() {
        let a64 = target("aarch64-unknown-linux-gnu");
        let triple = "aarch64-unknown-linux-gnu";
        type Env<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(Env, Option<&str>)] = &[
            (
                &[
                    ("TARGET", triple),
                    ("CARGO_ENCODED_RUSTFLAGS", "-Ctarget-cpu=neoverse-n1"),
                ],
                Some("-mcpu=neoverse_n1"),
            ),
            (
                &[
                    ("TARGET", triple),
                    ("CARGO_ENCODED_RUSTFLAGS", "-C\x1ftarget-cpu=generic"),
                ],
                Some("-mcpu=generic"),
            ),
            (
                &[
                    ("TARGET", triple),
                    ("CARGO_ENCODED_RUSTFLAGS", "-Copt-level=3"),
                ],
                None,
            ),
            (
                &[
                    ("TARGET", "x86_64-unknown-linux-gnu"),
                    ("CARGO_ENCODED_RUSTFLAGS", "-Ctarget-cpu=neoverse-n1"),
                ],
                None,
            ),
            (
                &[("CARGO_ENCODED_RUSTFLAGS", "-Ctarget-cpu=neoverse-n1")],
                None,
            ),
        ];
        for (env, expected) in cases {
            let added = for_compile(&a64, vars(env)).unwrap();
            let got = added.map(|a| a.args[0].to_string_lossy().into_owned());
            assert_eq!(got.as_deref(), *expected, "{env:?}");
        }
        let native = vars(&[
            ("TARGET", triple),
            ("CARGO_ENCODED_RUSTFLAGS", "-Ctarget-cpu=native"),
        ]);
        assert!(for_compile(&a64, native).is_err());
        let host = target("x86_64-unknown-linux-gnu");
        let skylake = vars(&[
            ("TARGET", "x86_64-unknown-linux-gnu"),
            ("CARGO_ENCODED_RUSTFLAGS", "-Ctarget-cpu=skylake-avx512"),
        ]);
        let added = for_compile(&host, skylake).unwrap().unwrap();
        assert_eq!(added.args, ["-mcpu=skylake_avx512"]);
    }
}
