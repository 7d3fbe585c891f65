//! Entry points for coverage-guided fuzzing (`fuzz/`, cargo-fuzz with libFuzzer), one per
//! parser of input from outside: response files, link and compile lines, target specs and
//! settings, ELF, Mach-O and PE files, and zig's cache manifests. Each takes raw bytes, decodes them the same
//! way every time, and checks properties beyond "does not panic"; a corpus replay in the tests
//! (`tests/fuzz_corpus.rs`) runs the saved inputs through the same functions. Not for use by
//! anything else.
//!
//! Inputs made of several parts separate them with NUL bytes; a leading byte, where there is
//! one, picks a target from `target::triple::TARGETS`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::backend::{build_args, plan};
use crate::call::after_link::compiler_marks;
use crate::call::after_link::elf_imports;
use crate::call::after_link::elf_versions;
use crate::call::after_link::glibc_check;
use crate::call::after_link::link_inputs;
use crate::call::after_link::macho_signature;
use crate::call::after_link::macho_versions;
use crate::call::after_link::pe_header;
use crate::call::after_link::policy_check;
use crate::call::after_link::strip_debug;
use crate::call::archive_members;
use crate::call::cmake;
use crate::call::compiler_rt;
use crate::call::explain;
use crate::call::explain::linker_options;
use crate::call::infer;
use crate::call::response;
use crate::call::rules;
use crate::call::rustc_cpu;
use crate::call::settings;
use crate::commands::cargo;
use crate::platform::osbytes::{as_bytes, from_bytes};
use crate::project::pyproject;
use crate::target::glibc::Glibc;
use crate::target::macos::MacOs;
use crate::target::manylinux;
use crate::target::triple::{self, Target, TARGETS};
use crate::zig::cache::heal::{mentions, well_formed};
use crate::zig::cache::{age, digest, kinds};
use crate::zig::glibc_list;

/// Splits `data` at NUL bytes into arguments; a leading byte picks the target.
fn target_and_args(data: &[u8]) -> (Target, Vec<OsString>) {
    let (pick, rest) = data.split_first().unwrap_or((&0, &[]));
    let spec = &TARGETS[usize::from(*pick) % TARGETS.len()];
    let target = Target::resolve(spec.rust, None).expect("every table target resolves");
    let args = rest
        .split(|&b| b == 0)
        .map(|part| from_bytes(part.to_vec()))
        .collect();
    (target, args)
}

/// A filesystem decided by the input: a path "exists" when its length is even.
fn is_file(path: &Path) -> bool {
    path.as_os_str().len() % 2 == 0
}

/// Response files in both dialects, nested through an in-memory filesystem: the input is a
/// series of files separated by NUL, file `n` named `/r/<n>` (or `/r/<n>/linker-arguments`
/// when its first byte is odd), and `@`-references among them may loop.
pub fn response_files(data: &[u8]) {
    let files: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let mut by_path: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for (n, contents) in files.iter().enumerate() {
        let rustc = contents.first().is_some_and(|b| b % 2 == 1);
        let path = if rustc {
            PathBuf::from(format!("/r/{n}/linker-arguments"))
        } else {
            PathBuf::from(format!("/r/{n}"))
        };
        by_path.insert(path, contents.to_vec());
    }
    let read = |path: &Path| {
        by_path
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    };
    let top: Vec<OsString> = by_path
        .keys()
        .map(|p| {
            let mut arg = OsString::from("@");
            arg.push(p);
            arg
        })
        .collect();
    let first = response::expand(&top, &read);
    assert_eq!(
        format!("{first:?}"),
        format!("{:?}", response::expand(&top, &read))
    );

    for contents in files {
        for args in [
            response::parse_rustc(contents),
            response::parse_gnu(contents),
        ] {
            let args: Vec<OsString> = args.into_iter().map(from_bytes).collect();
            match response::write_for_zig(&args) {
                Ok(written) => assert_eq!(windows_rules(&written), args, "{written:?}"),
                Err(_) => assert!(args.iter().any(|a| as_bytes(a).contains(&b'\''))),
            }
        }
    }
}

/// A reader of the Windows command-line rules zig's response-file reader follows, for what
/// `write_for_zig` writes (it never writes `'`, or `#` at the start of an unquoted argument):
/// whitespace separates, `"` toggles quoting, and backslashes are literal unless they come
/// before a quote, where 2n give n and a toggle and 2n+1 give n and a literal quote.
fn windows_rules(text: &[u8]) -> Vec<OsString> {
    let mut args = Vec::new();
    let mut arg: Option<Vec<u8>> = None;
    let mut quoted = false;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b == b'\\' {
            let run = text[i..].iter().take_while(|&&c| c == b'\\').count();
            let current = arg.get_or_insert_with(Vec::new);
            if text.get(i + run) == Some(&b'"') {
                current.extend(std::iter::repeat_n(b'\\', run / 2));
                if run % 2 == 1 {
                    current.push(b'"');
                    i += run + 1;
                } else {
                    i += run;
                }
            } else {
                current.extend(std::iter::repeat_n(b'\\', run));
                i += run;
            }
            continue;
        }
        if b == b'"' {
            quoted = !quoted;
            arg.get_or_insert_with(Vec::new);
        } else if !quoted && matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            args.extend(arg.take().map(from_bytes));
        } else {
            arg.get_or_insert_with(Vec::new).push(b);
        }
        i += 1;
    }
    args.extend(arg.map(from_bytes));
    args
}

/// A link line as rustc (or anyone) might pass it, and what zig may say back: the rules, target
/// inference, the output path, explain's table of options, and zig's stderr.
pub fn link_line(data: &[u8]) {
    let (target, args) = target_and_args(data);
    let first = rules::translate(&args, &target, &is_file);
    let second = rules::translate(&args, &target, &is_file);
    assert_eq!(format!("{first:?}"), format!("{second:?}"));
    if let Ok(mut translation) = first {
        // Every argument that no rule changed comes out as it went in, in order.
        let removed: usize = translation.changes.iter().map(|c| c.removed.len()).sum();
        let added: usize = translation.changes.iter().map(|c| c.added.len()).sum();
        assert_eq!(translation.args.len() + removed, args.len() + added);
        // Skipping compiler-rt swaps one argument for another, and only once.
        let before = translation.args.len();
        let probe = compiler_rt::Probe {
            is_file: &is_file,
            rlib_has_c: &|path| is_file(path),
        };
        compiler_rt::skip_where_unneeded(&mut translation, &target, &probe);
        assert_eq!(translation.args.len(), before);
        let swapped = translation
            .changes
            .iter()
            .filter(|c| c.rule == compiler_rt::RULE);
        assert!(swapped.count() <= 1);
        let _ = infer::output_path(&translation.args);
        let words = translation.args.iter().filter_map(|a| a.to_str());
        let _ = linker_options::unknown(words, linker_options::Format::of(&target));
    }
    for input in link_inputs::inputs(&args) {
        assert!(!input.given.is_empty());
    }
    let _ = infer::rust_target(&args);
    let _ = infer::compile_target(&args);
    let _ = explain::rejected_by_zig(&String::from_utf8_lossy(data));
}

/// A C compile line from cc-rs or cmake, with the rustflags cargo hands build scripts: the
/// rules, the `--target=` it names, and rustc's `-C target-cpu`. The first NUL-separated part
/// after the target byte is `CARGO_ENCODED_RUSTFLAGS`.
pub fn compile_line(data: &[u8]) {
    let (target, mut args) = target_and_args(data);
    let rustflags = if args.is_empty() {
        String::new()
    } else {
        args.remove(0).to_string_lossy().into_owned()
    };
    let var = |name: &str| match name {
        "TARGET" => Some(target.spec.rust.to_string()),
        "CARGO_ENCODED_RUSTFLAGS" => Some(rustflags.clone()),
        _ => None,
    };
    let _ = rustc_cpu::for_compile(&target, var);
    let _ = rustc_cpu::check(&target, |name| {
        (name == "RUSTFLAGS").then(|| rustflags.replace('\u{1f}', " "))
    });
    let _ = rules::translate(&args, &target, &is_file);
    let _ = infer::compile_target(&args);
    // The same bytes as what `ziglink-cmake` reads: a cmake command line, and a CMake cache.
    let call = cmake::invocation(&args);
    assert!(call.defined.iter().all(|name| !name.contains('=')));
    for path in cmake::tool_paths(&String::from_utf8_lossy(data)) {
        assert!(path.is_absolute());
    }
}

/// Target specs and every setting or argument that names one, a glibc version or an age:
/// `ZIGLINK_*`, `ziglink cargo`'s arguments, `--older-than`, and zig's glibc list.
pub fn target_spec(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for part in text.split('\0') {
        for glibc in [None, Some(Glibc::new(2, 17)), Some(Glibc::new(2, 99))] {
            if let Ok(target) = Target::resolve(part, glibc) {
                // What resolves names a known target, and prints a zig target zig can read.
                assert!(TARGETS.iter().any(|t| t.rust == target.spec.rust));
                assert!(!target.zig_target().contains(char::is_whitespace));
            }
        }
        if let Some(glibc) = Glibc::parse(part) {
            assert_eq!(Glibc::parse(&glibc.to_string()), Some(glibc));
        }
        let _ = glibc_check::glibc_of(part);
        let _ = manylinux::glibc_of_tag(part);
        // What a pyproject.toml says to the maturin backend.
        let _ = pyproject::backend_settings("pyproject.toml", part);
        let _ = age::parse(part);
        let _ = settings::glibc_var_for(part);
        // Every ZIGLINK_* variable set to this text.
        let _ = settings::Settings::read(|_| Some(OsString::from(part)))
            .map(|s| s.resolve_target(part));
    }
    let args: Vec<OsString> = data
        .split(|&b| b == 0)
        .map(|a| from_bytes(a.to_vec()))
        .collect();
    maturin_args(&args);
    let split = cargo::split_args(&args);
    // Cargo sees each target as `--target <triple>`, with the floor cut off, and ziglink's own
    // flag only where it is the value of an option that takes one (as cargo would read it),
    // or after a `--`, where everything is the program's.
    let mut pairs = split.args.windows(2).filter(|w| w[0] == "--target");
    for spec in &split.targets {
        let (name, _) = triple::split_spec(spec);
        assert!(pairs.any(|w| w[1] == name), "{spec} not passed on");
    }
    let ours: Vec<&OsString> = split.args.iter().take_while(|a| *a != "--").collect();
    for (i, arg) in ours.iter().enumerate() {
        if *arg == "--reproducible" {
            let option = i.checked_sub(1).map(|j| ours[j]);
            assert!(option.is_some_and(|o| o == "--target" || o == "--manifest-path"));
        }
    }
    let _ = glibc_list::newest(data);
}

/// An ELF file, as the post-link glibc check reads it.
pub fn elf_file(data: &[u8]) {
    // The C objects and archives a failed link or `doctor` looks at for a compiler's mark.
    let _ = compiler_marks::gcc_mark_in(data);
    // An rlib read for C among its members, header by header.
    let _ = archive_members::first_native(&mut std::io::Cursor::new(data));
    // What `-Wl,--strip-debug` leaves has nothing left to strip.
    if let Ok(Some(stripped)) = strip_debug::without_debug(data) {
        assert_eq!(strip_debug::without_debug(&stripped), Ok(None));
    }
    if let Ok(imports) = elf_imports::read(data) {
        // The manylinux policy check names only what the file imports.
        for (tag, arch) in [("manylinux2014", "x86_64"), ("manylinux_2_28", "aarch64")] {
            let policy = manylinux::named(tag).expect("a known policy");
            let breaches = policy_check::judge(policy, arch, &imports);
            assert_eq!(breaches, policy_check::judge(policy, arch, &imports));
            for breach in &breaches {
                match breach {
                    policy_check::Breach::Library(lib) => assert!(imports.libraries.contains(lib)),
                    policy_check::Breach::Version { version, .. } => {
                        assert!(imports.versions.iter().any(|n| &n.version == version))
                    }
                    policy_check::Breach::Symbols { symbols, .. } => {
                        assert!(symbols.iter().all(|s| imports.required_symbols.contains(s)))
                    }
                }
            }
            let _ = policy_check::describe(Path::new("out"), policy, arch, &breaches);
        }
    }
    let Ok(needed) = elf_versions::needed(data) else {
        return;
    };
    for floor in [Glibc::new(2, 17), Glibc::new(2, 28), Glibc::new(2, 99)] {
        if let Some(violation) = glibc_check::above_floor(&needed, floor) {
            let version = glibc_check::glibc_of(&violation.version).expect("a glibc version");
            assert!(version > floor);
            let _ = glibc_check::describe_symbols(&violation);
        }
    }
}

/// maturin's build arguments as the maturin backend reads and plans them: reading what it
/// wrote gives the same, and a plan is made or refused without a panic.
fn maturin_args(args: &[OsString]) {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let read = build_args::read(&args);
    let again = build_args::read(&read.args);
    assert_eq!(again, read);
    // An apple build's deployment target comes from the project's table: the first argument,
    // whatever it is, stands for that table's value.
    let configured = args.first().cloned().unwrap_or_default();
    let settings = pyproject::BackendSettings {
        macos_deployment_targets: [
            ("aarch64-apple-darwin".to_string(), configured.clone()),
            ("x86_64-apple-darwin".to_string(), configured),
        ]
        .into(),
        ..pyproject::BackendSettings::default()
    };
    let none = |_: &str| Ok(None);
    let hosts = [
        ("x86_64-unknown-linux-gnu", None),
        ("aarch64-apple-darwin", None),
        ("aarch64-apple-darwin", Some("12.0")),
    ];
    for (host, env_macos) in hosts {
        let _ = plan::plan(&plan::Request {
            args: &args,
            pyproject: &settings,
            env_target: None,
            config_target: None,
            host,
            env_glibc: &none,
            env_macos,
        });
    }
}

/// A Mach-O file, fat file or archive, as the post-link macOS checks read it.
pub fn macho_file(data: &[u8]) {
    use object::macho::{CPU_TYPE_ARM64, MH_BUNDLE, MH_DYLIB, MH_EXECUTE};

    let signature = macho_signature::breaches(data);
    assert_eq!(signature, macho_signature::breaches(data));
    if let Ok(found) = &signature {
        let _ = macho_signature::describe(found);
    }
    let mut versions = Vec::new();
    if let Ok(images) = macho_versions::images(data) {
        let thin = data.get(..4) == Some(&object::macho::MH_MAGIC_64.to_le_bytes()[..]);
        assert!(!thin || images.len() == 1, "a thin file is one image");
        versions.extend(images.iter().filter_map(|i| i.minos));
        // Only arm64 code that macOS maps can break its signature.
        let arm64_code = images.iter().any(|i| {
            i.cputype == CPU_TYPE_ARM64 && matches!(i.filetype, MH_EXECUTE | MH_DYLIB | MH_BUNDLE)
        });
        if let Ok(found) = &signature {
            assert!(arm64_code || found.is_empty(), "{found:?}");
        }
    }
    versions.extend(
        macho_versions::archive_members(data)
            .into_iter()
            .map(|(_, v)| v),
    );
    for version in versions {
        // What an error message shows is what a suffix or MACOSX_DEPLOYMENT_TARGET reads back.
        if (10..=999).contains(&version.major) {
            assert_eq!(MacOs::parse(&version.to_string()), Some(version));
        }
    }
}

/// The PE header flag ziglink sets after a Windows link: any bytes give an error or the same
/// file with only that bit changed.
pub fn pe_file(data: &[u8]) {
    let mut copy = data.to_vec();
    if pe_header::set_in(&mut copy, pe_header::LARGE_ADDRESS_AWARE).is_ok() {
        assert_eq!(copy.len(), data.len());
        let changed: Vec<usize> = (0..data.len()).filter(|&i| copy[i] != data[i]).collect();
        assert!(
            changed.len() <= 1,
            "more than the flag changed: {changed:?}"
        );
        let mut again = copy.clone();
        assert!(pe_header::set_in(&mut again, pe_header::LARGE_ADDRESS_AWARE).is_ok());
        assert_eq!(again, copy, "setting the flag twice changes nothing");
    }
}

/// A manifest in zig's cache (`ziglink cache` reads files other builds wrote), with the name
/// of its file taken from the first 32 bytes.
pub fn zig_manifest(data: &[u8]) {
    let name: String = data
        .iter()
        .take(32)
        .map(|b| char::from(b"0123456789abcdef"[usize::from(b % 16)]))
        .collect();
    let manifest = digest::Manifest::parse(data);
    assert_eq!(manifest, digest::Manifest::parse(data));
    if let digest::Manifest::Inputs(inputs) = &manifest {
        if let Some(folder) = digest::output_name(&name, inputs) {
            assert_eq!(folder.len(), 32);
            assert!(folder.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        let files: Vec<String> = inputs
            .iter()
            .map(|i| String::from_utf8_lossy(&i.path).into_owned())
            .collect();
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let _ = kinds::classify_output(inputs.first(), &files);
    }
}

/// A file in zig's cache as the repair after a failed link checks it (the first byte picks
/// what it should be), and the same bytes as zig's output naming cache files: the verdict is
/// the same every time, and every name found is an entry's 32 hex digits and a plain file name.
pub fn zig_cache_file(data: &[u8]) {
    let (pick, rest) = data.split_first().unwrap_or((&0, &[]));
    let shapes = [
        well_formed::Shape::Archive,
        well_formed::Shape::Object,
        well_formed::Shape::SharedLibrary,
    ];
    let shape = shapes[usize::from(*pick) % shapes.len()];
    let verdict = well_formed::check(shape, Some(rest));
    assert_eq!(verdict, well_formed::check(shape, Some(rest)));
    if rest.is_empty() {
        assert_eq!(verdict, Err(well_formed::Fault::Emptied));
    }
    let text = String::from_utf8_lossy(rest);
    for named in mentions::cache_files(&text, &["/c".to_string(), "c".to_string(), String::new()]) {
        assert_eq!(named.entry.len(), 32, "{named:?}");
        assert!(
            named.entry.bytes().all(|b| b.is_ascii_hexdigit()),
            "{named:?}"
        );
        assert!(
            !named.file.is_empty() && !named.file.contains(['/', '\\']),
            "{named:?}"
        );
    }
}
