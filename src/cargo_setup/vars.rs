//! The variables cargo and build scripts read to link and compile a target with ziglink, and
//! their names. Names only, never paths, so that the values
//! are the same in every environment and cargo's fingerprints (and shared caches) hold.

use crate::call::settings::{glibc_var_for, macos_var_for};
use crate::call::tools::Tool;
use crate::target::macos::DEPLOYMENT_TARGET;
use crate::target::triple::{env_lower, env_upper, Target};

/// The linker cargo should run: a name, resolved through PATH.
pub const LINKER: &str = "ziglink";

/// `CARGO_TARGET_<TRIPLE>_LINKER`, the variable form of `[target.<triple>] linker`.
pub fn linker_var(triple: &str) -> String {
    format!("CARGO_TARGET_{}_LINKER", env_upper(triple))
}

/// What build scripts and the linker read for `target`: the C tools cc-rs and the cmake crate
/// take, and the glibc floor ziglink links against.
pub fn build_env(target: &Target) -> Vec<(String, String)> {
    let triple = target.spec.rust;
    let mut vars: Vec<(String, String)> = Tool::ALL
        .iter()
        .map(|tool| {
            (
                format!("{}_{}", tool.env_prefix(), env_lower(triple)),
                tool.program().to_string(),
            )
        })
        .collect();
    // The cmake crate's `cmake` for this target: ziglink's, which keeps CMake's build folders
    // working across build environments (`crate::call::cmake`).
    vars.push((
        format!("CMAKE_{}", env_lower(triple)),
        crate::call::cmake::PROGRAM.to_string(),
    ));
    if let Some(glibc) = target.glibc() {
        vars.push((glibc_var_for(triple), glibc.to_string()));
    }
    if let Some(macos) = target.macos() {
        vars.push((macos_var_for(triple), macos.to_string()));
    }
    vars
}

/// `MACOSX_DEPLOYMENT_TARGET` for the apple targets among `targets`, if any: rustc, cc-rs and
/// maturin's wheel tag read it, so they agree with the floors the linker keeps to. One variable
/// serves all, so it takes the lowest: rustc raises it to each arch's own minimum, as the
/// linker does, and `ZIGLINK_MACOS_<TRIPLE>` keeps each target's exact floor.
pub fn deployment_target(targets: &[Target]) -> Option<(String, String)> {
    let lowest = targets.iter().filter_map(Target::macos).min()?;
    Some((DEPLOYMENT_TARGET.to_string(), lowest.to_string()))
}

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>` with zig's `args` after whatever the user already set
/// for that target (or for all targets), so their own flags still apply.
pub fn bindgen_args(
    target: &Target,
    args: &str,
    var: impl Fn(&str) -> Option<String>,
) -> (String, String) {
    let triple = target.spec.rust;
    let name = format!("BINDGEN_EXTRA_CLANG_ARGS_{}", env_lower(triple));
    let existing = var(&name)
        .or_else(|| var(&format!("BINDGEN_EXTRA_CLANG_ARGS_{triple}")))
        .or_else(|| var("BINDGEN_EXTRA_CLANG_ARGS"))
        .filter(|v| !v.trim().is_empty());
    let value = match existing {
        Some(existing) => format!("{existing} {args}"),
        None => args.to_string(),
    };
    (name, value)
}
