//! The machine ziglink runs on, as a Rust target.

use super::triple::{lookup, Target};

/// The target ziglink itself was built for, used when no `--target` is given.
pub fn triple() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-gnu",
        "x86" => "i686-unknown-linux-gnu",
        "powerpc64" => "powerpc64le-unknown-linux-gnu",
        "s390x" => "s390x-unknown-linux-gnu",
        "riscv64" => "riscv64gc-unknown-linux-gnu",
        _ => "x86_64-unknown-linux-gnu",
    }
}

/// The target runs on another kind of machine than the one ziglink runs on. An x86_64 CPU
/// runs x86 code, so the two count as one.
pub fn is_foreign(target: &Target) -> bool {
    let machine = |arch: &'static str| if arch == "x86" { "x86_64" } else { arch };
    lookup(triple()).is_none_or(|host| {
        let host_arch = host.zig.split('-').next().unwrap_or_default();
        machine(host_arch) != machine(target.zig_arch())
    })
}
