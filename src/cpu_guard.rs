//! The CPU guard for rustc's flags: `-C target-cpu=native` asks for the build machine's CPU,
//! which is wrong for a target of another architecture (the build succeeds, the binary dies
//! with SIGILL or LLVM silently falls back). The compile and link arguments get the same
//! guard from the `native-cpu` rule.

use crate::cpu;
use crate::error::{Error, Result};
use crate::rules;
use crate::target::Target;

/// Refuses `target-cpu=native` in the rustflags cargo takes from the environment for `target`.
pub fn check_rustflags(target: &Target, var: impl Fn(&str) -> Option<String>) -> Result<()> {
    let flags = cpu::rustflags_from_env(target.spec.rust, var);
    if cpu::rustc_target_cpu(&flags) != Some("native") || !rules::is_foreign_arch(target) {
        return Ok(());
    }
    Err(Error::NativeCpu {
        target: target.spec.rust,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(target: &str, rustflags: &str) -> Result<()> {
        let target = Target::resolve(target, None).unwrap();
        let rustflags = rustflags.to_string();
        check_rustflags(&target, |name| {
            (name == "RUSTFLAGS").then(|| rustflags.clone())
        })
    }

    #[test]
    fn native_is_refused_for_another_architecture_only() {
        let error = check("aarch64-unknown-linux-gnu", "-C target-cpu=native")
            .unwrap_err()
            .to_string();
        assert!(error.contains("target-cpu=native"), "{error}");
        assert!(error.contains("aarch64-unknown-linux-gnu"), "{error}");
        assert!(check("aarch64-unknown-linux-gnu", "-C target-cpu=neoverse-n1").is_ok());
        assert!(check("aarch64-unknown-linux-gnu", "").is_ok());
        assert!(check("x86_64-unknown-linux-gnu", "-Ctarget-cpu=native").is_ok());
    }
}
