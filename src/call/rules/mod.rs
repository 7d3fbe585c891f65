//! The rules that turn a gcc-style link line from rustc (or a compile line from cc-rs) into one
//! `zig cc` accepts. Each rule is a row: what it matches, which targets it applies to, what it
//! does, and why. `translate` is pure apart from the `is_file` probe two rules need.

mod shapes;
mod translate;

use crate::target::triple::Target;
use crate::target::{cpu, host};
use shapes::*;
pub use translate::{translate, Change, Translation};

/// How a rule recognises its argument.
#[derive(Debug, Clone, Copy)]
pub enum Match {
    Exact(&'static str),
    Prefix(&'static str),
    /// Any other shape; the function sees the whole argument.
    Test(fn(&[u8]) -> bool),
    /// `<prefix><path>` where the path is an existing file.
    PrefixedFile(&'static str),
    /// An argument of the shape the function accepts that names no existing file.
    MissingFile(fn(&[u8]) -> bool),
}

/// What a rule does with a matching argument.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    Drop,
    /// Drop it and the argument after it (two-argument options).
    DropWithNext,
    /// Keep it and the argument after it as they are, so that no later rule reads the value
    /// as an argument of its own.
    KeepWithNext,
    /// Replace it with the arguments the function returns.
    Rewrite(fn(&[u8], &Target) -> Vec<Vec<u8>>),
    /// Stop: zig would not do what the argument asks, and saying so beats a wrong artifact.
    Refuse,
}

#[derive(Debug)]
pub struct Rule {
    pub name: &'static str,
    pub reason: &'static str,
    pub applies: fn(&Target) -> bool,
    pub matches: Match,
    pub action: Action,
}

/// The rule whose dropping of `-Wl,--strip-debug` the linker makes up for after the link.
pub const STRIP_DEBUG: &str = "strip-debug";

/// The rule whose dropping of `-Wl,--large-address-aware` the linker makes up for after the link.
pub const LARGE_ADDRESS_AWARE: &str = "large-address-aware";

/// The rules, checked in order; the first that matches an argument decides it.
pub static RULES: &[Rule] = &[
    Rule {
        name: "native-cpu",
        reason: "`native` means the CPU of this build machine, which is another architecture \
                 than the target's; name the target's CPU (e.g. -C target-cpu=neoverse-n1) or drop it",
        applies: host::is_foreign,
        matches: Match::Test(cpu::is_native_request),
        action: Action::Refuse,
    },
    Rule {
        name: "gnu-libstdcxx",
        reason: "zig's C++ runtime is LLVM's libc++, so GNU's libstdc++ would be a second C++ \
                 runtime in one binary; build the C++ code with ziglink-cxx and let zig add libc++",
        applies: any_target,
        matches: Match::Test(is_gnu_libstdcxx),
        action: Action::Refuse,
    },
    Rule {
        name: "static-glibc",
        reason: "zig links glibc only dynamically and would quietly drop the request; \
                 for a static binary use a musl target such as x86_64-unknown-linux-musl",
        applies: glibc_target,
        matches: Match::Test(|a| a == b"-static" || a == b"-static-pie"),
        action: Action::Refuse,
    },
    Rule {
        name: "rust-lld-dir",
        reason: "rustc points gcc at its bundled rust-lld; zig links with its own lld",
        applies: any_target,
        matches: Match::Test(|a| a.starts_with(b"-B") && a.ends_with(b"gcc-ld")),
        action: Action::Drop,
    },
    Rule {
        name: "fuse-ld",
        reason: "selects rustc's self-contained lld; zig always uses its own linker",
        applies: any_target,
        matches: Match::Exact("-fuse-ld=lld"),
        action: Action::Drop,
    },
    Rule {
        name: "linker-opt-level",
        reason: "zig ignores linker optimisation levels and warns about each one",
        applies: any_target,
        matches: Match::Test(|a| {
            a.starts_with(b"-Wl,-O") && a.len() > 6 && a[6..].iter().all(u8::is_ascii_digit)
        }),
        action: Action::Drop,
    },
    Rule {
        name: STRIP_DEBUG,
        reason: "zig strips every symbol for it (it gives ld.lld -s), which loses the symbol table \
                 that backtraces, uniffi and stub generators read; ziglink removes only the debug \
                 sections itself once the link is done (for the smallest file, strip = true in \
                 the profile strips the symbols too)",
        applies: not_windows,
        matches: Match::Test(is_strip_debug),
        action: Action::Drop,
    },
    Rule {
        name: "windows-strip-debug",
        reason: "zig puts a PE file's debug info in a .pdb beside it, not in the file, so there is \
                 nothing in it to strip; zig would strip the symbol table too",
        applies: windows,
        matches: Match::Test(is_strip_debug),
        action: Action::Drop,
    },
    Rule {
        name: "mingw-gcc-libs",
        reason: "GCC's MinGW libraries, which zig does not ship (\"unable to find dynamic system \
                 library\"); zig links its own MinGW-w64, the Universal CRT and libunwind in their place",
        applies: windows,
        matches: Match::Test(is_mingw_gcc_only_lib),
        action: Action::Drop,
    },
    Rule {
        name: "mingw-bdynamic",
        reason: "after -Bdynamic zig's MinGW search takes only DLLs (\"unable to find dynamic \
                 system library\"), so the import libraries crates ship (windows-targets' \
                 libwindows.0.52.0.a) are not found; paths-first looks for each name's DLL and \
                 then its archive in every folder",
        applies: windows,
        matches: Match::Exact("-Wl,-Bdynamic"),
        action: Action::Rewrite(|_, _| vec![b"-Wl,-search_paths_first".to_vec()]),
    },
    Rule {
        name: "synchronization-lib",
        reason: "zig ships no import library named synchronization (WaitOnAddress, \
                 WakeByAddress*); it has the API set that one stands for",
        applies: windows,
        matches: Match::Exact("-lsynchronization"),
        action: Action::Rewrite(|_, _| vec![b"-lapi-ms-win-core-synch-l1-2-0".to_vec()]),
    },
    Rule {
        name: "gnullvm-nolibc",
        reason: "for zig it also means no compiler-rt, which leaves __chkstk undefined on aarch64; \
                 rustc names the MinGW libraries it needs anyway",
        applies: windows,
        matches: Match::Exact("-nolibc"),
        action: Action::Drop,
    },
    Rule {
        name: "i686-rsbegin",
        reason: "rustc's 32-bit MinGW start objects register .eh_frame with GCC's \
                 __register_frame_info, which zig's libunwind lacks; libunwind finds .eh_frame \
                 itself, so panics still unwind",
        applies: i686_windows_gnu,
        matches: Match::Test(is_rs_begin_end),
        action: Action::Drop,
    },
    Rule {
        name: "missing-start-objects",
        reason: "rustc names its MinGW start objects bare when its std has none (cargo's \
                 -Zbuild-std builds none; rustup's std ships them), and lld cannot open them; \
                 on 64-bit targets they are empty, so the link needs neither",
        applies: windows_gnu,
        matches: Match::MissingFile(is_rs_begin_end),
        action: Action::Drop,
    },
    Rule {
        name: "auto-image-base",
        reason: "zig ignores it and warns about it on every link",
        applies: windows,
        matches: Match::Test(|a| {
            a == b"-Wl,--disable-auto-image-base" || a == b"-Wl,--enable-auto-image-base"
        }),
        action: Action::Drop,
    },
    Rule {
        name: LARGE_ADDRESS_AWARE,
        reason: "zig's COFF linker rejects it; ziglink sets the flag in the file's header itself \
                 once the link is done",
        applies: windows,
        matches: Match::Exact("-Wl,--large-address-aware"),
        action: Action::Drop,
    },
    Rule {
        name: "windows-def-file",
        reason: "rustc's export list for a DLL; zig takes a .def file as an input, and rejects it \
                 as a linker option (dropping it would export nothing)",
        applies: windows,
        matches: Match::Test(is_wl_def_file),
        action: Action::Rewrite(|a, _| vec![strip(a, "-Wl,")]),
    },
    Rule {
        name: "gcc-s",
        reason: "zig ships no libgcc_s; its libunwind provides the _Unwind_* functions",
        applies: any_target,
        matches: Match::Exact("-lgcc_s"),
        action: Action::Rewrite(|_, _| vec![b"-lunwind".to_vec()]),
    },
    Rule {
        name: "clang-target",
        reason: "cc-rs passes --target=<rust triple>, which clashes with zig's -target",
        applies: any_target,
        matches: Match::Prefix("--target="),
        action: Action::Drop,
    },
    Rule {
        name: "glued-entry",
        reason: "gcc accepts -e<symbol>; zig's clang driver only takes the linker form",
        applies: any_target,
        matches: Match::Test(|a| {
            a.len() > 2 && a.starts_with(b"-e") && !a.starts_with(b"-export")
        }),
        action: Action::Rewrite(|a, _| vec![prefixed("-Wl,--entry=", &a[2..])]),
    },
    Rule {
        name: "undefined-long",
        reason: "zig rejects -Wl,--undefined=<sym> (cargo-auditable passes it); -u is the same",
        applies: any_target,
        matches: Match::Prefix("-Wl,--undefined="),
        action: Action::Rewrite(|a, _| vec![prefixed("-Wl,-u,", &strip(a, "-Wl,--undefined="))]),
    },
    Rule {
        name: "nostart-stop-gc",
        reason: "newer rustc passes it; zig's linker does not know it",
        applies: any_target,
        matches: Match::Test(|a| a == b"-Wl,-znostart-stop-gc" || a == b"-Wl,-z,nostart-stop-gc"),
        action: Action::Drop,
    },
    Rule {
        name: "cortex-a53-fix",
        reason: "rustc passes it for aarch64 since 2026; zig's linker rejects it",
        applies: any_target,
        matches: Match::Exact("-Wl,--fix-cortex-a53-843419"),
        action: Action::Drop,
    },
    Rule {
        name: "no-rosegment",
        reason: "newer rustc passes it; zig's linker rejects it",
        applies: any_target,
        matches: Match::Exact("-Wl,--no-rosegment"),
        action: Action::Drop,
    },
    Rule {
        name: "lto-plugin",
        reason: "linker-plugin LTO options are for rustc's LLVM, which zig's is not",
        applies: any_target,
        matches: Match::Prefix("-Wl,-plugin-opt"),
        action: Action::Drop,
    },
    Rule {
        name: "apple-exported-symbols",
        reason: "rustc gives the export list of a dylib as -Wl,-exported_symbols_list -Wl,<file>; \
                 zig's Mach-O linker reads it as is, and the file must not become an input",
        applies: apple,
        matches: Match::Exact("-Wl,-exported_symbols_list"),
        action: Action::KeepWithNext,
    },
    Rule {
        name: "apple-dylib",
        reason: "-dynamiclib already makes a dylib, and zig's Mach-O linker rejects -dylib",
        applies: apple,
        matches: Match::Exact("-Wl,-dylib"),
        action: Action::Drop,
    },
    Rule {
        name: "macos-version-min",
        reason: "zig takes the deployment target only from -target, where ziglink puts the floor, \
                 and ignores this flag",
        applies: apple,
        matches: Match::Prefix("-mmacosx-version-min="),
        action: Action::Drop,
    },
    Rule {
        name: "dynamic-list-pair",
        reason: "zig's ELF linker rejects --dynamic-list in every form",
        applies: any_target,
        matches: Match::Exact("-Wl,--dynamic-list"),
        action: Action::DropWithNext,
    },
    Rule {
        name: "dynamic-list",
        reason: "zig's ELF linker rejects --dynamic-list in every form",
        applies: any_target,
        matches: Match::Test(|a| {
            a.starts_with(b"-Wl,--dynamic-list,") || a.starts_with(b"-Wl,--dynamic-list=")
        }),
        action: Action::Drop,
    },
    Rule {
        name: "preprocessor-arg",
        reason: "zig implements only -Wp,-MD, -Wp,-MMD and -Wp,-MT",
        applies: any_target,
        matches: Match::Test(|a| {
            a.starts_with(b"-Wp,")
                && !(a.starts_with(b"-Wp,-MD") || a.starts_with(b"-Wp,-MMD") || a.starts_with(b"-Wp,-MT"))
        }),
        action: Action::Drop,
    },
    Rule {
        name: "musl-crt-objects",
        reason: "rustc names its own musl start files, which Debian's Rust lacks; zig adds musl's",
        applies: musl_target,
        matches: Match::Test(is_crt_object),
        action: Action::Drop,
    },
    Rule {
        name: "musl-nostartfiles",
        reason: "with rustc's start files dropped, zig must add its own musl ones",
        applies: musl_target,
        matches: Match::Exact("-nostartfiles"),
        action: Action::Drop,
    },
    Rule {
        name: "linker-emulation",
        reason: "zig picks the linker emulation from -target and rejects -m<emulation>",
        applies: any_target,
        matches: Match::Test(|a| a.starts_with(b"-Wl,-melf_") || a == b"-Wl,-m,elf_i386"),
        action: Action::Drop,
    },
    Rule {
        name: "arm-march",
        reason: "zig cannot parse gcc's arm arch names (armv7-a ...); the table's -mcpu sets the ISA",
        applies: arm,
        matches: Match::Prefix("-march="),
        action: Action::Drop,
    },
    Rule {
        name: "riscv-march",
        reason: "zig cannot parse rv64gc-style ISA strings; the table's -mcpu sets the same extensions",
        applies: riscv,
        matches: Match::Prefix("-march="),
        action: Action::Drop,
    },
    Rule {
        name: "aarch64-march",
        reason: "zig takes an aarch64 arch as -mcpu=generic+v8_2a+<llvm features>, not gcc's spelling",
        applies: aarch64,
        matches: Match::Prefix("-march=armv"),
        action: Action::Rewrite(|a, _| cpu::aarch64_mcpu_args(&lossy(&a[7..]), true)),
    },
    Rule {
        name: "aarch64-mcpu",
        reason: "zig spells aarch64 CPUs and features the LLVM way (cortex_a72+crc, -X for +noX)",
        applies: aarch64,
        matches: Match::Prefix("-mcpu="),
        action: Action::Rewrite(|a, _| cpu::aarch64_mcpu_args(&lossy(&a[6..]), false)),
    },
    Rule {
        name: "x86-march",
        reason: "zig spells x86 CPU names with underscores (x86_64_v3, not x86-64-v3)",
        applies: x86,
        matches: Match::Prefix("-march="),
        action: Action::Rewrite(|a, t| vec![format!("-march={}", cpu::zig_name(t.zig_arch(), &lossy(&a[7..]))).into_bytes()]),
    },
    Rule {
        name: "cpu-name",
        reason: "zig spells CPU names with underscores and its own powerpc names (pwr9, ppc64)",
        applies: not_aarch64,
        matches: Match::Prefix("-mcpu="),
        action: Action::Rewrite(|a, t| vec![format!("-mcpu={}", cpu::zig_name(t.zig_arch(), &lossy(&a[6..]))).into_bytes()]),
    },
    Rule {
        name: "mtune",
        reason: "zig has no separate tuning option, and -mcpu would change the instruction set",
        applies: any_target,
        matches: Match::Prefix("-mtune="),
        action: Action::Drop,
    },
    Rule {
        name: "wl-input-file",
        reason: "gcc forwards a non-option -Wl, value as an input file; zig calls it an unsupported linker arg",
        applies: any_target,
        matches: Match::PrefixedFile("-Wl,"),
        action: Action::Rewrite(|a, _| vec![strip(a, "-Wl,")]),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::osbytes::{as_bytes, from_bytes};
    use std::ffi::OsString;
    use std::path::Path;

    fn host() -> Target {
        Target::resolve("x86_64-unknown-linux-gnu", None).unwrap()
    }

    fn run_for(target: &str, args: &[&str]) -> (Vec<String>, Vec<&'static str>) {
        let target = Target::resolve(target, None).unwrap();
        // rustup's std: its start objects are in `/r`.
        let is_file = |p: &Path| p == Path::new("/libs/libfoo.a") || p.starts_with("/r");
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let t = translate(&args, &target, &is_file).unwrap();
        (
            t.args
                .iter()
                .map(|a| a.to_str().unwrap().to_string())
                .collect(),
            t.changes.iter().map(|c| c.rule).collect(),
        )
    }

    fn run(args: &[&str]) -> (Vec<String>, Vec<&'static str>) {
        run_for("x86_64-unknown-linux-gnu", args)
    }

    const GNU: &str = "x86_64-unknown-linux-gnu";
    const MUSL: &str = "x86_64-unknown-linux-musl";
    const ARM: &str = "armv7-unknown-linux-gnueabihf";
    const A64: &str = "aarch64-unknown-linux-gnu";
    const RV: &str = "riscv64gc-unknown-linux-gnu";
    const PPC: &str = "powerpc64le-unknown-linux-gnu";
    const I686: &str = "i686-unknown-linux-gnu";
    const MAC_A64: &str = "aarch64-apple-darwin";
    const MAC_X64: &str = "x86_64-apple-darwin";
    const WIN_X64: &str = "x86_64-pc-windows-gnu";
    const WIN_I686: &str = "i686-pc-windows-gnu";
    const WIN_X64_LLVM: &str = "x86_64-pc-windows-gnullvm";
    const WIN_A64_LLVM: &str = "aarch64-pc-windows-gnullvm";

    #[test]
    fn each_rule_does_what_its_row_says() {
        type Case = (
            &'static str,
            &'static [&'static str],
            &'static [&'static str],
            &'static [&'static str],
        );
        let apple_cases: &[Case] = &[
            (
                MAC_A64,
                &["-Wl,-exported_symbols_list", "-Wl,/libs/libfoo.a", "a.o"],
                &["-Wl,-exported_symbols_list", "-Wl,/libs/libfoo.a", "a.o"],
                &["apple-exported-symbols"],
            ),
            (
                GNU,
                &["-Wl,-exported_symbols_list", "-Wl,/libs/libfoo.a"],
                &["-Wl,-exported_symbols_list", "/libs/libfoo.a"],
                &["wl-input-file"],
            ),
            (
                MAC_X64,
                &["-Wl,-dylib", "-dynamiclib"],
                &["-dynamiclib"],
                &["apple-dylib"],
            ),
            (GNU, &["-Wl,-dylib"], &["-Wl,-dylib"], &[]),
            (
                MAC_A64,
                &["-arch", "arm64", "-mmacosx-version-min=11.0.0"],
                &["-arch", "arm64"],
                &["macos-version-min"],
            ),
            (
                MAC_A64,
                &["-undefined", "dynamic_lookup", "-lSystem", "-liconv"],
                &["-undefined", "dynamic_lookup", "-lSystem", "-liconv"],
                &[],
            ),
            (
                MAC_A64,
                &["-march=armv8.4-a"],
                &["-mcpu=generic+v8_4a"],
                &["aarch64-march"],
            ),
        ];
        let cases: &[Case] = &[
            (
                GNU,
                &[
                    "-B/r/lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld",
                    "a.o",
                ],
                &["a.o"],
                &["rust-lld-dir"],
            ),
            (GNU, &["-fuse-ld=lld"], &[], &["fuse-ld"]),
            (
                GNU,
                &["-Wl,-O1", "-Wl,-O", "-Wl,-Ox"],
                &["-Wl,-O", "-Wl,-Ox"],
                &["linker-opt-level"],
            ),
            (GNU, &["-lgcc_s", "-lc"], &["-lunwind", "-lc"], &["gcc-s"]),
            (
                MUSL,
                &["-Wl,--strip-debug", "-Wl,-S", "-Wl,--strip-all", "-s"],
                &["-Wl,--strip-all", "-s"],
                &["strip-debug", "strip-debug"],
            ),
            (
                GNU,
                &["--target=aarch64-unknown-linux-gnu", "-c"],
                &["-c"],
                &["clang-target"],
            ),
            (GNU, &["-emain"], &["-Wl,--entry=main"], &["glued-entry"]),
            (
                GNU,
                &["-e", "main", "-export-dynamic"],
                &["-e", "main", "-export-dynamic"],
                &[],
            ),
            (
                GNU,
                &["-Wl,--undefined=AUDITABLE"],
                &["-Wl,-u,AUDITABLE"],
                &["undefined-long"],
            ),
            (
                GNU,
                &["-Wl,-znostart-stop-gc", "-Wl,-z,nostart-stop-gc"],
                &[],
                &["nostart-stop-gc", "nostart-stop-gc"],
            ),
            (
                A64,
                &["-Wl,--fix-cortex-a53-843419"],
                &[],
                &["cortex-a53-fix"],
            ),
            (GNU, &["-Wl,--no-rosegment"], &[], &["no-rosegment"]),
            (GNU, &["-Wl,-plugin-opt=O3"], &[], &["lto-plugin"]),
            (
                GNU,
                &["-Wl,--dynamic-list", "-Wl,/t/list", "x.o"],
                &["x.o"],
                &["dynamic-list-pair"],
            ),
            (
                GNU,
                &["-Wl,--dynamic-list=/t/l", "-Wl,--dynamic-list,/t/l"],
                &[],
                &["dynamic-list", "dynamic-list"],
            ),
            (
                GNU,
                &[
                    "-Wp,-U_FORTIFY_SOURCE",
                    "-Wp,-MD,dep.d",
                    "-Wp,-MMD,d",
                    "-Wp,-MT,x",
                ],
                &["-Wp,-MD,dep.d", "-Wp,-MMD,d", "-Wp,-MT,x"],
                &["preprocessor-arg"],
            ),
            (
                MUSL,
                &[
                    "rcrt1.o",
                    "crti.o",
                    "crtbeginS.o",
                    "/r/self-contained/crt1.o",
                    "main.o",
                    "crtendS.o",
                    "crtn.o",
                ],
                &["main.o"],
                &["musl-crt-objects"; 6],
            ),
            // glibc links keep their start files: zig only replaces them for musl.
            (
                GNU,
                &["crti.o", "-nostartfiles"],
                &["crti.o", "-nostartfiles"],
                &[],
            ),
            (
                MUSL,
                &["-nostartfiles", "-lc", "-static-pie"],
                &["-lc", "-static-pie"],
                &["musl-nostartfiles"],
            ),
            (
                I686,
                &["-Wl,-melf_i386", "-m32"],
                &["-m32"],
                &["linker-emulation"],
            ),
            (
                ARM,
                &["-march=armv7-a", "-mfpu=vfpv3-d16"],
                &["-mfpu=vfpv3-d16"],
                &["arm-march"],
            ),
            (
                RV,
                &["-march=rv64gc", "-mabi=lp64d"],
                &["-mabi=lp64d"],
                &["riscv-march"],
            ),
            (
                A64,
                &["-march=armv8.2-a+nofp16+fp"],
                &["-mcpu=generic+v8_2a-fullfp16+fp_armv8"],
                &["aarch64-march"],
            ),
            (
                A64,
                &["-march=armv8-a+crypto"],
                &[
                    "-mcpu=generic+v8a+crypto",
                    "-Xassembler",
                    "-march=armv8-a+crypto",
                ],
                &["aarch64-march"],
            ),
            (
                A64,
                &["-mcpu=cortex-a72+crc+nosimd"],
                &["-mcpu=cortex_a72+crc-neon"],
                &["aarch64-mcpu"],
            ),
            (
                GNU,
                &["-march=x86-64-v3"],
                &["-march=x86_64_v3"],
                &["x86-march"],
            ),
            (I686, &["-march=i686"], &["-march=i686"], &["x86-march"]),
            (PPC, &["-mcpu=power9"], &["-mcpu=pwr9"], &["cpu-name"]),
            (
                PPC,
                &["-mcpu=powerpc64le"],
                &["-mcpu=ppc64le"],
                &["cpu-name"],
            ),
            (GNU, &["-mcpu=x86-64"], &["-mcpu=x86_64"], &["cpu-name"]),
            (GNU, &["-mtune=generic"], &[], &["mtune"]),
            (
                GNU,
                &[
                    "-Wl,--whole-archive",
                    "-Wl,/libs/libfoo.a",
                    "-Wl,/libs/missing.a",
                    "-Wl,--no-whole-archive",
                ],
                &[
                    "-Wl,--whole-archive",
                    "/libs/libfoo.a",
                    "-Wl,/libs/missing.a",
                    "-Wl,--no-whole-archive",
                ],
                &["wl-input-file"],
            ),
        ];
        let windows_cases: &[Case] = &[
            (
                WIN_X64,
                &[
                    "-lgcc_eh",
                    "-l:libpthread.a",
                    "-lmsvcrt",
                    "-lmingwex",
                    "-lssp_nonshared",
                    "-lssp",
                ],
                &["-lgcc_eh", "-lmingwex", "-lssp"],
                &["mingw-gcc-libs"; 3],
            ),
            (GNU, &["-lmsvcrt"], &["-lmsvcrt"], &[]),
            (
                WIN_X64,
                &["-Wl,-Bstatic", "-lfoo", "-Wl,-Bdynamic", "-lwindows.0.52.0"],
                &[
                    "-Wl,-Bstatic",
                    "-lfoo",
                    "-Wl,-search_paths_first",
                    "-lwindows.0.52.0",
                ],
                &["mingw-bdynamic"],
            ),
            (GNU, &["-Wl,-Bdynamic"], &["-Wl,-Bdynamic"], &[]),
            (
                WIN_X64_LLVM,
                &["-lsynchronization", "-lws2_32"],
                &["-lapi-ms-win-core-synch-l1-2-0", "-lws2_32"],
                &["synchronization-lib"],
            ),
            (
                WIN_X64,
                &["-Wl,--strip-debug", "-Wl,-O1"],
                &[],
                &["windows-strip-debug", "linker-opt-level"],
            ),
            (
                WIN_A64_LLVM,
                &["-nolibc", "--unwindlib=none", "-lunwind"],
                &["--unwindlib=none", "-lunwind"],
                &["gnullvm-nolibc"],
            ),
            (
                WIN_I686,
                &[
                    "/r/rsbegin.o",
                    "main.o",
                    "-Wl,--large-address-aware",
                    "/r/rsend.o",
                ],
                &["main.o"],
                &["i686-rsbegin", "large-address-aware", "i686-rsbegin"],
            ),
            // 64-bit MinGW's start objects carry no frame registration and link as they are.
            (WIN_X64, &["/r/rsbegin.o"], &["/r/rsbegin.o"], &[]),
            // A std from -Zbuild-std has none, and rustc names them bare.
            (
                WIN_X64,
                &["rsbegin.o", "main.o", "rsend.o"],
                &["main.o"],
                &["missing-start-objects", "missing-start-objects"],
            ),
            (
                WIN_I686,
                &["rsbegin.o", "main.o", "rsend.o"],
                &["main.o"],
                &["i686-rsbegin", "i686-rsbegin"],
            ),
            (
                WIN_X64,
                &[
                    "-Wl,--disable-auto-image-base",
                    "-Wl,--dynamicbase",
                    "-Wl,--nxcompat",
                ],
                &["-Wl,--dynamicbase", "-Wl,--nxcompat"],
                &["auto-image-base"],
            ),
            (
                WIN_X64_LLVM,
                &[
                    "-Wl,/tmp/rustcX/list.def",
                    "-shared",
                    "-Wl,--out-implib=/t/libx.dll.a",
                ],
                &[
                    "/tmp/rustcX/list.def",
                    "-shared",
                    "-Wl,--out-implib=/t/libx.dll.a",
                ],
                &["windows-def-file"],
            ),
            (
                WIN_X64,
                &["-Wl,--version-script=/t/x.def", "-Wl,-e,x.def"],
                &["-Wl,--version-script=/t/x.def", "-Wl,-e,x.def"],
                &[],
            ),
            // maturin's own export list comes as an input already.
            (WIN_X64, &["/t/maturin/m.def"], &["/t/maturin/m.def"], &[]),
        ];
        for (target, input, output, rules) in apple_cases.iter().chain(cases).chain(windows_cases) {
            let (args, changes) = run_for(target, input);
            assert_eq!(args, *output, "args of {input:?} for {target}");
            assert_eq!(changes, *rules, "rules for {input:?} for {target}");
        }
    }

    #[test]
    fn every_rule_has_a_case() {
        let source = include_str!("mod.rs");
        let tests = &source[source.find("mod tests").unwrap()..];
        for rule in RULES {
            assert!(
                tests.contains(&format!("\"{}\"", rule.name)),
                "rule {} has no test case",
                rule.name
            );
        }
    }

    #[test]
    fn static_glibc_links_are_refused() {
        let rule = RULES.iter().find(|r| r.name == "static-glibc").unwrap();
        assert!(matches!(rule.action, Action::Refuse));
        let (args, _) = run_for(MUSL, &["a.o", "-static-pie"]);
        assert_eq!(
            args,
            ["a.o", "-static-pie"],
            "musl links statically as asked"
        );
        for flag in ["-static", "-static-pie"] {
            let args = [OsString::from("a.o"), OsString::from(flag)];
            let error = translate(&args, &host(), &|_| false)
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with(&format!("`{flag}` cannot be honoured for x86_64-unknown-linux-gnu: zig links glibc only dynamically")),
                "{error}"
            );
            assert!(error.contains("x86_64-unknown-linux-musl"), "{error}");
        }
    }

    fn refusal(target: &str, args: &[&str]) -> Option<String> {
        let target = Target::resolve(target, None).unwrap();
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        translate(&args, &target, &|_| false)
            .err()
            .map(|e| e.to_string())
    }

    /// Rule "native-cpu".
    #[test]
    fn native_cpu_is_refused_only_for_another_architecture() {
        // The tests run on the x86_64 hosts this project builds on.
        let foreign = [A64, ARM, RV, PPC, "s390x-unknown-linux-gnu"];
        for flag in ["-march=native", "-mcpu=native", "-mtune=native"] {
            for target in foreign {
                let error = refusal(target, &["-O2", flag]).unwrap_or_default();
                assert!(
                    error.starts_with(&format!("`{flag}` cannot be honoured for {target}")),
                    "{target} {flag}: {error}"
                );
                assert!(error.contains("CPU of this build machine"), "{error}");
            }
            for target in [GNU, MUSL, I686] {
                assert_eq!(refusal(target, &[flag]), None, "{target} {flag}");
            }
        }
        let (args, rules) = run_for(GNU, &["-march=native"]);
        assert_eq!(
            (args, rules),
            (vec!["-march=native".to_string()], vec!["x86-march"])
        );
        let (args, _) = run_for(GNU, &["-march=generic"]);
        assert_eq!(args, ["-march=x86_64"]);
    }

    /// Rule "gnu-libstdcxx".
    #[test]
    fn gnu_libstdcxx_is_refused() {
        for arg in [
            "/usr/lib/gcc/x86_64-linux-gnu/12/libstdc++.a",
            "libstdc++.so.6",
        ] {
            let error = refusal(GNU, &["a.o", arg]).unwrap_or_default();
            assert!(error.contains("libc++"), "{arg}: {error}");
        }
        let rule = RULES.iter().find(|r| r.name == "gnu-libstdcxx").unwrap();
        assert!(matches!(rule.action, Action::Refuse));
        for arg in ["-lstdc++", "-lc++", "/x/libstdc++fs.a", "libc++.a"] {
            assert_eq!(refusal(GNU, &[arg]), None, "{arg}");
        }
    }

    #[test]
    fn keeps_what_zig_understands() {
        let kept = [
            "-m64",
            "-Wl,--as-needed",
            "-Wl,-Bstatic",
            "-Wl,-Bdynamic",
            "-lc",
            "-lutil",
            "-nodefaultlibs",
            "-Wl,--eh-frame-hdr",
            "-Wl,-z,noexecstack",
            "-Wl,-z,relro,-z,now",
            "-Wl,--gc-sections",
            "-pie",
            "-shared",
            "-Wl,--version-script=/t/list",
            "-Wl,--no-undefined-version",
            "-L",
            "/x",
            "-o",
            "/out",
        ];
        let (args, changes) = run(&kept);
        assert_eq!(args, kept);
        assert!(changes.is_empty());
    }

    #[test]
    fn every_rule_is_named_once_and_explained() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(!rule.reason.is_empty(), "{}", rule.name);
            assert!(
                RULES[i + 1..].iter().all(|r| r.name != rule.name),
                "{} twice",
                rule.name
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_arguments_pass_untouched() {
        let odd = from_bytes(b"/tmp/\xff.o".to_vec());
        let glued = from_bytes(b"-e\xffsym".to_vec());
        let t = translate(&[odd.clone(), glued], &host(), &|_| false).unwrap();
        assert_eq!(t.args[0], odd);
        assert_eq!(as_bytes(&t.args[1]), b"-Wl,--entry=\xffsym");
    }
}
