//! Running a Linux target's programs on a machine of another architecture, as `ziglink cargo
//! test|run|bench` does: with qemu's user mode, finding the target's dynamic loader and libc in
//! Debian's multiarch folders (`libc6:arm64` puts `/lib/ld-linux-aarch64.so.1` in place) or its
//! cross folders (`libc6-s390x-cross`: `/usr/s390x-linux-gnu`), unless the user named a runner or
//! the kernel already hands that architecture's programs to qemu (binfmt_misc). Pure: what the
//! machine has comes in through `Probe`.

use std::path::{Path, PathBuf};

use super::host;
use super::triple::{Family, Target};

/// What a Linux architecture needs to run under qemu here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arch {
    /// zig's name for it, as `Target::zig_arch` gives it.
    pub zig: &'static str,
    /// qemu-user's program, and its binfmt_misc entry's name.
    pub qemu: &'static str,
    /// Debian's name for it, in `libc6-<deb>-cross` and `libc6:<deb>`.
    pub deb: &'static str,
    /// The folder of Debian's cross libc (`/usr/<gnu>`).
    pub gnu: &'static str,
    /// The dynamic loader glibc programs ask for (PT_INTERP).
    pub loader: &'static str,
}

pub static ARCHES: &[Arch] = &[
    arch(
        "aarch64",
        "qemu-aarch64",
        "arm64",
        "aarch64-linux-gnu",
        "/lib/ld-linux-aarch64.so.1",
    ),
    arch(
        "arm",
        "qemu-arm",
        "armhf",
        "arm-linux-gnueabihf",
        "/lib/ld-linux-armhf.so.3",
    ),
    arch(
        "x86",
        "qemu-i386",
        "i386",
        "i686-linux-gnu",
        "/lib/ld-linux.so.2",
    ),
    arch(
        "x86_64",
        "qemu-x86_64",
        "amd64",
        "x86_64-linux-gnu",
        "/lib64/ld-linux-x86-64.so.2",
    ),
    arch(
        "powerpc64le",
        "qemu-ppc64le",
        "ppc64el",
        "powerpc64le-linux-gnu",
        "/lib64/ld64.so.2",
    ),
    arch(
        "s390x",
        "qemu-s390x",
        "s390x",
        "s390x-linux-gnu",
        "/lib/ld64.so.1",
    ),
    arch(
        "riscv64",
        "qemu-riscv64",
        "riscv64",
        "riscv64-linux-gnu",
        "/lib/ld-linux-riscv64-lp64d.so.1",
    ),
];

const fn arch(
    zig: &'static str,
    qemu: &'static str,
    deb: &'static str,
    gnu: &'static str,
    loader: &'static str,
) -> Arch {
    Arch {
        zig,
        qemu,
        deb,
        gnu,
        loader,
    }
}

/// What the machine has, asked by `plan`.
pub struct Probe<'a> {
    /// The user set a runner for the target (`CARGO_TARGET_<T>_RUNNER`, or `runner` in a cargo
    /// config): theirs is used, whatever it is.
    pub user_runner: bool,
    pub exists: &'a dyn Fn(&Path) -> bool,
    /// A program of that name is on PATH.
    pub on_path: &'a dyn Fn(&str) -> bool,
    /// binfmt_misc has an enabled entry of that name.
    pub binfmt: &'a dyn Fn(&str) -> bool,
}

/// How the target's programs run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// This machine runs them (its own architecture, or x86 on x86_64), or they are not Linux
    /// programs, which qemu-user does not run: cargo is left alone.
    AsIs,
    /// The user's runner.
    UserRunner,
    /// The kernel hands them to qemu (binfmt_misc), and the loader is where they look for it.
    Kernel { entry: &'static str },
    /// Under `program`, with `-L sysroot` when the loader is only in a cross folder.
    Qemu {
        program: &'static str,
        sysroot: Option<PathBuf>,
    },
    /// They cannot run here until these Debian packages are installed.
    Missing { packages: Vec<String> },
}

impl Plan {
    /// The runner command for cargo (`qemu-s390x -L /usr/s390x-linux-gnu`), for `Qemu`.
    pub fn runner(&self) -> Option<String> {
        let Plan::Qemu { program, sysroot } = self else {
            return None;
        };
        Some(match sysroot {
            Some(dir) => format!("{program} -L {}", dir.display()),
            None => program.to_string(),
        })
    }

    /// One line on how the programs run, for logs and `doctor`.
    pub fn describe(&self) -> String {
        match self {
            Plan::AsIs => "runs natively".to_string(),
            Plan::UserRunner => "runs under the runner you set".to_string(),
            Plan::Kernel { entry } => format!("runs under qemu through binfmt_misc ({entry})"),
            Plan::Qemu { .. } => format!("runs under `{}`", self.runner().unwrap_or_default()),
            Plan::Missing { packages } => {
                format!("cannot run here: install {}", packages.join(" "))
            }
        }
    }
}

/// The arch row of a target, for Linux targets.
pub fn arch_of(target: &Target) -> Option<&'static Arch> {
    match target.spec.family {
        Family::Gnu { .. } | Family::Musl => ARCHES.iter().find(|a| a.zig == target.zig_arch()),
        Family::Darwin { .. } | Family::Windows => None,
    }
}

/// How `target`'s programs run on this machine.
pub fn plan(target: &Target, probe: &Probe) -> Plan {
    let Some(arch) = arch_of(target).filter(|_| host::is_foreign(target)) else {
        return Plan::AsIs;
    };
    if probe.user_runner {
        return Plan::UserRunner;
    }
    let mut packages = Vec::new();
    // musl programs are static: no loader to find.
    let sysroot = if target.is_musl() || (probe.exists)(Path::new(arch.loader)) {
        None
    } else {
        let cross = PathBuf::from("/usr").join(arch.gnu);
        let loader = cross.join(arch.loader.trim_start_matches('/'));
        if !(probe.exists)(&loader) {
            packages.push(format!("libc6-{}-cross", arch.deb));
        }
        Some(cross)
    };
    if sysroot.is_none() && (probe.binfmt)(arch.qemu) {
        return Plan::Kernel { entry: arch.qemu };
    }
    if !(probe.on_path)(arch.qemu) {
        packages.insert(0, "qemu-user".to_string());
    }
    if !packages.is_empty() {
        return Plan::Missing { packages };
    }
    Plan::Qemu {
        program: arch.qemu,
        sysroot,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(spec: &str) -> Target {
        Target::resolve(spec, None).unwrap()
    }

    /// (target, user runner, files that exist, programs on PATH, binfmt entries, plan)
    type Case<'a> = (
        &'a str,
        bool,
        &'a [&'a str],
        &'a [&'a str],
        &'a [&'a str],
        Plan,
    );

    #[test]
    fn picks_how_each_target_runs() {
        let qemu = |program, sysroot: Option<&str>| Plan::Qemu {
            program,
            sysroot: sysroot.map(PathBuf::from),
        };
        let missing = |p: &[&str]| Plan::Missing {
            packages: p.iter().map(|s| s.to_string()).collect(),
        };
        let s390x_loader = "/usr/s390x-linux-gnu/lib/ld64.so.1";
        let cases: &[Case] = &[
            // the host's own, and x86 on x86_64
            ("x86_64-unknown-linux-gnu", false, &[], &[], &[], Plan::AsIs),
            ("i686-unknown-linux-gnu", false, &[], &[], &[], Plan::AsIs),
            // not Linux: qemu-user cannot help
            (
                "aarch64-apple-darwin",
                false,
                &[],
                &["qemu-aarch64"],
                &[],
                Plan::AsIs,
            ),
            ("x86_64-pc-windows-gnu", false, &[], &[], &[], Plan::AsIs),
            (
                "aarch64-unknown-linux-gnu",
                true,
                &[],
                &[],
                &[],
                Plan::UserRunner,
            ),
            // multiarch loader: qemu finds it at /
            (
                "aarch64-unknown-linux-gnu",
                false,
                &["/lib/ld-linux-aarch64.so.1"],
                &["qemu-aarch64"],
                &[],
                qemu("qemu-aarch64", None),
            ),
            (
                "aarch64-unknown-linux-gnu",
                false,
                &["/lib/ld-linux-aarch64.so.1"],
                &["qemu-aarch64"],
                &["qemu-aarch64"],
                Plan::Kernel {
                    entry: "qemu-aarch64",
                },
            ),
            // only the cross folder has it: -L, even where binfmt would start qemu without it
            (
                "s390x-unknown-linux-gnu",
                false,
                &[s390x_loader],
                &["qemu-s390x"],
                &["qemu-s390x"],
                qemu("qemu-s390x", Some("/usr/s390x-linux-gnu")),
            ),
            (
                "s390x-unknown-linux-gnu",
                false,
                &[],
                &["qemu-s390x"],
                &[],
                missing(&["libc6-s390x-cross"]),
            ),
            (
                "armv7-unknown-linux-gnueabihf",
                false,
                &[],
                &[],
                &[],
                missing(&["qemu-user", "libc6-armhf-cross"]),
            ),
            // static musl needs no loader
            (
                "aarch64-unknown-linux-musl",
                false,
                &[],
                &["qemu-aarch64"],
                &[],
                qemu("qemu-aarch64", None),
            ),
            (
                "aarch64-unknown-linux-musl",
                false,
                &[],
                &[],
                &[],
                missing(&["qemu-user"]),
            ),
        ];
        for (spec, user_runner, files, programs, entries, want) in cases {
            let probe = Probe {
                user_runner: *user_runner,
                exists: &|p| files.iter().any(|f| Path::new(f) == p),
                on_path: &|name| programs.contains(&name),
                binfmt: &|entry| entries.contains(&entry),
            };
            assert_eq!(plan(&target(spec), &probe), *want, "{spec}");
        }
    }

    #[test]
    fn runner_commands_and_descriptions() {
        let s390x = Plan::Qemu {
            program: "qemu-s390x",
            sysroot: Some(PathBuf::from("/usr/s390x-linux-gnu")),
        };
        assert_eq!(
            s390x.runner().as_deref(),
            Some("qemu-s390x -L /usr/s390x-linux-gnu")
        );
        assert_eq!(
            s390x.describe(),
            "runs under `qemu-s390x -L /usr/s390x-linux-gnu`"
        );
        let missing = Plan::Missing {
            packages: vec!["qemu-user".into(), "libc6-s390x-cross".into()],
        };
        assert_eq!(missing.runner(), None);
        assert_eq!(
            missing.describe(),
            "cannot run here: install qemu-user libc6-s390x-cross"
        );
    }

    #[test]
    fn every_linux_target_has_an_arch_row() {
        for name in crate::target::triple::supported_names() {
            let target = target(name);
            let linux = matches!(target.spec.family, Family::Gnu { .. } | Family::Musl);
            assert_eq!(arch_of(&target).is_some(), linux, "{name}");
        }
    }
}
