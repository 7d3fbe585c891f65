//! CPU names: rustc's `-C target-cpu` names (LLVM's) and gcc's `-march`/`-mcpu` names, as zig
//! spells them, and the guard against `native` when the target is another architecture.
//!
//! zig spells CPUs with `_` where LLVM and gcc use `-`; [`RENAMED`] holds every name that
//! needs more than that. Its rows are checked against rustc's `--print target-cpus` and zig
//! itself by tests/e2e/test_cpu.py.

/// `(zig arch or "" for any, name as rustc or gcc spell it, zig's name)`.
pub const RENAMED: &[(&str, &str, &str)] = &[
    // LLVM's x86 aliases that zig's CPU list leaves out.
    ("", "core-avx2", "haswell"),
    ("", "core-avx-i", "ivybridge"),
    ("", "corei7-avx", "sandybridge"),
    ("", "atom_sse4_2", "silvermont"),
    ("", "atom_sse4_2_movbe", "goldmont"),
    ("", "core_2_duo_ssse3", "core2"),
    ("", "core_2_duo_sse4_1", "penryn"),
    ("", "core_i7_sse4_2", "nehalem"),
    ("", "core_aes_pclmulqdq", "westmere"),
    ("", "core_2nd_gen_avx", "sandybridge"),
    ("", "core_3rd_gen_avx", "ivybridge"),
    ("", "core_4th_gen_avx", "haswell"),
    ("", "core_4th_gen_avx_tsx", "haswell"),
    ("", "core_5th_gen_avx", "broadwell"),
    ("", "core_5th_gen_avx_tsx", "broadwell"),
    ("", "mic_avx512", "knl"),
    ("", "pentium_4", "pentium4"),
    ("", "pentium4m", "pentium4"),
    ("", "pentium_4_sse3", "prescott"),
    ("", "pentium_ii", "pentium2"),
    ("", "pentium_iii", "pentium3"),
    ("", "pentium_iii_no_xmm_regs", "pentium3"),
    ("", "pentium_pro", "pentiumpro"),
    // LLVM's `generic` is a per-arch baseline that zig names after the arch.
    ("x86_64", "generic", "x86_64"),
    ("x86", "generic", "i686"),
    ("riscv64", "generic", "generic_rv64"),
    ("riscv64", "rocket", "rocket_rv64"),
    // LLVM's tuning-only riscv models, which zig's CPU list lacks; they add no ISA features.
    ("riscv64", "generic-ooo", "generic_rv64"),
    ("riscv64", "sifive-7-series", "generic_rv64"),
    ("s390x", "generic", "arch8"),
    // gcc's IBM POWER names.
    ("", "power7", "pwr7"),
    ("", "power8", "pwr8"),
    ("", "power9", "pwr9"),
    ("", "power10", "pwr10"),
    ("", "power11", "pwr11"),
    ("", "powerpc64", "ppc64"),
    ("", "powerpc64le", "ppc64le"),
];

/// `name` as zig spells it for `arch` (zig's arch name: `x86_64`, `aarch64`, ...).
pub fn zig_name(arch: &str, name: &str) -> String {
    RENAMED
        .iter()
        .find(|(a, from, _)| (a.is_empty() || *a == arch) && *from == name)
        .map_or_else(|| name.replace('-', "_"), |(_, _, to)| (*to).to_string())
}

/// Whether a compile or link argument asks for the build machine's CPU.
pub fn is_native_request(arg: &[u8]) -> bool {
    matches!(arg, b"-march=native" | b"-mcpu=native" | b"-mtune=native")
}

/// The CPU `-C target-cpu` names in rustc flags, in any of rustc's spellings; the last wins.
pub fn rustc_target_cpu(flags: &[String]) -> Option<&str> {
    let mut cpu = None;
    let mut after_c = false;
    for flag in flags {
        let codegen = if after_c {
            after_c = false;
            Some(flag.as_str())
        } else if flag == "-C" || flag == "--codegen" {
            after_c = true;
            None
        } else {
            flag.strip_prefix("-C")
                .or_else(|| flag.strip_prefix("--codegen="))
        };
        if let Some(value) = codegen.and_then(|c| c.strip_prefix("target-cpu=")) {
            cpu = Some(value);
        }
    }
    cpu
}

/// rustc's flags as cargo would pick them for `triple`, from the environment: the first of
/// `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, `CARGO_TARGET_<TRIPLE>_RUSTFLAGS`,
/// `CARGO_BUILD_RUSTFLAGS` that is set. Flags from config files are not visible here.
pub fn rustflags_from_env(triple: &str, var: impl Fn(&str) -> Option<String>) -> Vec<String> {
    if let Some(encoded) = var("CARGO_ENCODED_RUSTFLAGS").filter(|v| !v.is_empty()) {
        return encoded.split('\x1f').map(str::to_string).collect();
    }
    let target_var = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        super::triple::env_upper(triple)
    );
    ["RUSTFLAGS", &target_var, "CARGO_BUILD_RUSTFLAGS"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.trim().is_empty()))
        .map(|flags| flags.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// gcc's aarch64 feature names that LLVM (and so zig) spells differently.
const AARCH64_FEATURES: &[(&str, &str)] = &[
    ("fp16", "fullfp16"),
    ("simd", "neon"),
    ("rng", "rand"),
    ("memtag", "mte"),
    ("fp", "fp_armv8"),
    ("profile", "spe"),
    ("pmuv3", "perfmon"),
    ("jscvt", "jsconv"),
    ("fcma", "complxnum"),
    ("predres2", "specres2"),
];

/// `armv8.2-a+crypto+nofp16` (from -march) or `cortex-a72+crc` (from -mcpu) as zig's -mcpu.
/// With `from_march`, crypto also needs the original spelling for the assembler, which
/// otherwise refuses the crypto instructions.
pub fn aarch64_mcpu_args(spec: &str, from_march: bool) -> Vec<Vec<u8>> {
    let mut parts = spec.split('+');
    let base = parts.next().unwrap_or_default();
    let mut cpu = match base.strip_prefix("armv").and_then(|v| v.strip_suffix("-a")) {
        Some(version) => format!("generic+v{}a", version.replace('.', "_")),
        None => zig_name("aarch64", base),
    };
    let mut crypto = false;
    for feature in parts.filter(|f| !f.is_empty()) {
        let (sign, name) = match feature.strip_prefix("no") {
            Some(name) => ('-', name),
            None => ('+', feature),
        };
        crypto |= sign == '+' && name == "crypto";
        let name = AARCH64_FEATURES
            .iter()
            .find(|(gcc, _)| *gcc == name)
            .map_or(name, |(_, llvm)| llvm);
        cpu.push(sign);
        cpu.push_str(&name.replace('-', "_"));
    }
    let mut args = vec![format!("-mcpu={cpu}").into_bytes()];
    if from_march && crypto {
        args.push(b"-Xassembler".to_vec());
        args.push(format!("-march={spec}").into_bytes());
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_zigs_spelling() {
        let cases: &[(&str, &str, &str)] = &[
            ("x86_64", "x86-64-v3", "x86_64_v3"),
            ("x86_64", "x86-64", "x86_64"),
            ("x86_64", "skylake-avx512", "skylake_avx512"),
            ("x86_64", "core-avx2", "haswell"),
            ("x86_64", "generic", "x86_64"),
            ("x86", "generic", "i686"),
            ("x86", "pentium4", "pentium4"),
            ("aarch64", "cortex-a72", "cortex_a72"),
            ("aarch64", "neoverse-n1", "neoverse_n1"),
            ("aarch64", "generic", "generic"),
            ("arm", "cortex-a7", "cortex_a7"),
            ("powerpc64le", "power9", "pwr9"),
            ("powerpc64le", "pwr9", "pwr9"),
            ("powerpc64le", "powerpc64le", "ppc64le"),
            ("riscv64", "generic", "generic_rv64"),
            ("riscv64", "sifive-u74", "sifive_u74"),
            ("s390x", "generic", "arch8"),
            ("s390x", "z13", "z13"),
        ];
        for (arch, name, zig) in cases {
            assert_eq!(zig_name(arch, name), *zig, "{arch} {name}");
        }
    }

    #[test]
    fn renamed_rows_are_unique_and_needed() {
        for (i, (arch, from, to)) in RENAMED.iter().enumerate() {
            assert!(
                RENAMED[i + 1..]
                    .iter()
                    .all(|(a, f, _)| (a, f) != (arch, from)),
                "{arch} {from} twice"
            );
            assert_ne!(from.replace('-', "_"), *to, "{from} needs no row");
        }
    }

    #[test]
    fn finds_native_requests() {
        for arg in ["-march=native", "-mcpu=native", "-mtune=native"] {
            assert!(is_native_request(arg.as_bytes()), "{arg}");
        }
        for arg in ["-march=x86-64", "-mcpu=nativex", "-Cnative", "native"] {
            assert!(!is_native_request(arg.as_bytes()), "{arg}");
        }
    }

    #[test]
    fn reads_target_cpu_in_every_spelling() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["-C", "target-cpu=native"], Some("native")),
            (&["-Ctarget-cpu=cortex-a72"], Some("cortex-a72")),
            (&["--codegen", "target-cpu=z13"], Some("z13")),
            (&["--codegen=target-cpu=pwr9"], Some("pwr9")),
            (
                &["-C", "opt-level=3", "-Ctarget-cpu=a", "-Ctarget-cpu=b"],
                Some("b"),
            ),
            (&["-C", "target-feature=+avx2"], None),
            (&["target-cpu=native"], None),
            (&["-C"], None),
            (&[], None),
        ];
        for (flags, expected) in cases {
            let flags: Vec<String> = flags.iter().map(|s| s.to_string()).collect();
            assert_eq!(rustc_target_cpu(&flags), *expected, "{flags:?}");
        }
    }

    #[test]
    fn rustflags_follow_cargos_precedence() {
        let triple = "aarch64-unknown-linux-gnu";
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        const T: &str = "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS";
        type Vars = &'static [(&'static str, &'static str)];
        let cases: &[(Vars, &[&str])] = &[
            (
                &[
                    ("CARGO_ENCODED_RUSTFLAGS", "-C\x1ftarget-cpu=a b"),
                    ("RUSTFLAGS", "-x"),
                ],
                &["-C", "target-cpu=a b"],
            ),
            (
                &[("RUSTFLAGS", " -C  target-cpu=x "), (T, "-y")],
                &["-C", "target-cpu=x"],
            ),
            (&[(T, "-y"), ("CARGO_BUILD_RUSTFLAGS", "-z")], &["-y"]),
            (&[("CARGO_BUILD_RUSTFLAGS", "-z")], &["-z"]),
            (&[("CARGO_ENCODED_RUSTFLAGS", ""), ("RUSTFLAGS", " ")], &[]),
            (&[], &[]),
        ];
        for (vars, expected) in cases {
            assert_eq!(rustflags_from_env(triple, env(vars)), *expected, "{vars:?}");
        }
    }
}
