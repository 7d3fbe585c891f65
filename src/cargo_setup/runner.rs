//! cargo's runner for targets this machine cannot run itself, when `ziglink cargo` runs what it
//! builds (`test`, `run`, `bench`): `CARGO_TARGET_<T>_RUNNER` set to qemu as
//! `target::emulation` plans it, or a stop before cargo builds anything when qemu or the
//! target's libc is missing.

use std::path::Path;

use crate::error::{Error, Result};
use crate::target::emulation::{self, Plan, Probe};
use crate::target::triple::{env_upper, Target};

/// `CARGO_TARGET_<TRIPLE>_RUNNER`, the variable form of `[target.<triple>] runner`.
pub fn runner_var(triple: &str) -> String {
    format!("CARGO_TARGET_{}_RUNNER", env_upper(triple))
}

/// The runner variable `plan` asks for, or the error that it cannot run there.
pub fn setting(target: &Target, plan: &Plan) -> Result<Option<(String, String)>> {
    if let Plan::Missing { packages } = plan {
        return Err(Error::CannotRun {
            target: target.spec.rust,
            packages: packages.join(" "),
            runner_var: runner_var(target.spec.rust),
        });
    }
    Ok(plan
        .runner()
        .map(|command| (runner_var(target.spec.rust), command)))
}

/// How `target` runs on this machine: its files, PATH, and `/proc/sys/fs/binfmt_misc`.
pub fn plan_here(target: &Target, user_runner: bool) -> Plan {
    let binfmt = |entry: &str| {
        std::fs::read_to_string(Path::new("/proc/sys/fs/binfmt_misc").join(entry))
            .is_ok_and(|text| text.lines().next() == Some("enabled"))
    };
    let probe = Probe {
        user_runner,
        exists: &|path| path.exists(),
        on_path: &|name| which::which(name).is_ok(),
        binfmt: &binfmt,
    };
    emulation::plan(target, &probe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn qemu_plans_become_runner_variables_and_missing_ones_errors() {
        let s390x = Target::resolve("s390x-unknown-linux-gnu", None).unwrap();
        let qemu = Plan::Qemu {
            program: "qemu-s390x",
            sysroot: Some(PathBuf::from("/usr/s390x-linux-gnu")),
        };
        assert_eq!(
            setting(&s390x, &qemu).unwrap(),
            Some((
                "CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER".to_string(),
                "qemu-s390x -L /usr/s390x-linux-gnu".to_string()
            ))
        );
        for quiet in [
            Plan::AsIs,
            Plan::UserRunner,
            Plan::Kernel {
                entry: "qemu-s390x",
            },
        ] {
            assert_eq!(setting(&s390x, &quiet).unwrap(), None);
        }
        let missing = Plan::Missing {
            packages: vec!["qemu-user".into(), "libc6-s390x-cross".into()],
        };
        assert_eq!(
            setting(&s390x, &missing).unwrap_err().to_string(),
            "cannot run s390x-unknown-linux-gnu programs on this machine: install qemu-user \
             libc6-s390x-cross (apt-get install qemu-user libc6-s390x-cross), set \
             CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER, or pass --no-run"
        );
    }
}
