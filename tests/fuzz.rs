//! Property-based fuzzing of everything that reads user input: link and compile lines, target
//! specs, glibc versions, response files and cargo arguments. Properties: no panics, output
//! is deterministic, and bytes that are not UTF-8 pass through untouched.
//!
//! A short run is part of `cargo test`; a long one is
//! `PROPTEST_CASES=1000000 cargo test --release --test fuzz` (see docs/architecture.md).

#![cfg(unix)]

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use proptest::prelude::*;
use ziglink::call::infer;
use ziglink::call::response;
use ziglink::call::rules;
use ziglink::commands::cargo;
use ziglink::target::glibc::Glibc;
use ziglink::target::triple::{Target, TARGETS};

/// Arguments as rustc and cc-rs produce them, and worse: options with and without values,
/// paths, and arbitrary bytes.
fn arg() -> impl Strategy<Value = OsString> {
    let known = prop::sample::select(vec![
        "-lgcc_s",
        "-fuse-ld=lld",
        "-Wl,-O1",
        "-e",
        "-emain",
        "-Wl,--dynamic-list",
        "-Wl,--undefined=x",
        "-march=armv8.2-a+crypto+nofp16",
        "-march=rv64gc",
        "-march=x86-64-v3",
        "-mcpu=power9",
        "-mcpu=cortex-a72+crc+no",
        "-mcpu=",
        "-march=",
        "-march=armv",
        "-Wp,-MD,x",
        "-static-pie",
        "-nostartfiles",
        "crt1.o",
        "--target=aarch64-unknown-linux-gnu",
        "-L/s/lib/rustlib/aarch64-unknown-linux-gnu/lib",
        "-Wl,",
        "@",
    ])
    .prop_map(OsString::from);
    let bytes = prop::collection::vec(any::<u8>(), 0..40).prop_map(OsString::from_vec);
    let prefixed = (
        prop::sample::select(vec![
            "-Wl,",
            "-march=",
            "-mcpu=",
            "-e",
            "-B",
            "--target=",
            "-Wp,",
        ]),
        prop::collection::vec(any::<u8>(), 0..20),
    )
        .prop_map(|(p, rest)| {
            let mut v = p.as_bytes().to_vec();
            v.extend(rest);
            OsString::from_vec(v)
        });
    prop_oneof![known, bytes, prefixed]
}

fn target() -> impl Strategy<Value = Target> {
    (0..TARGETS.len()).prop_map(|i| Target::resolve(TARGETS[i].rust, None).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn translation_never_panics_and_is_deterministic(
        args in prop::collection::vec(arg(), 0..30),
        target in target(),
    ) {
        let is_file = |p: &Path| p.as_os_str().len() % 2 == 0;
        let first = rules::translate(&args, &target, &is_file);
        let second = rules::translate(&args, &target, &is_file);
        prop_assert_eq!(format!("{first:?}"), format!("{second:?}"));
    }

    #[test]
    fn arguments_no_rule_knows_pass_through_byte_for_byte(
        tails in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..40), 1..20),
        target in target(),
    ) {
        // Inputs (paths) are never rewritten: a `/` first means no option rule applies.
        let args: Vec<OsString> = tails
            .into_iter()
            .map(|mut tail| {
                tail.insert(0, b'/');
                tail.extend_from_slice(b".rlib");
                OsString::from_vec(tail)
            })
            .collect();
        let out = rules::translate(&args, &target, &|_| false).unwrap();
        prop_assert_eq!(out.args, args);
        prop_assert!(out.changes.is_empty());
    }

    #[test]
    fn target_specs_never_panic(text in "\\PC{0,40}", dotted in "[a-z0-9_]{1,12}(-[a-z0-9_]{1,12}){0,4}(\\.[0-9x]{0,3}){0,3}") {
        let _ = Target::resolve(&text, None);
        let _ = Target::resolve(&dotted, Some(Glibc::new(2, 28)));
    }

    #[test]
    fn glibc_versions_parse_exactly_what_they_print(major in 0u16..5, minor in 0u16..200, junk in "\\PC{0,12}") {
        let text = format!("{major}.{minor}");
        let parsed = Glibc::parse(&text);
        if major <= 2 {
            prop_assert_eq!(parsed.map(|g| g.to_string()), Some(text));
        } else {
            prop_assert!(parsed.is_none());
        }
        let _ = Glibc::parse(&junk);
    }

    #[test]
    fn response_files_never_panic(contents in prop::collection::vec(any::<u8>(), 0..400)) {
        let rustc = response::parse_rustc(&contents);
        let gnu = response::parse_gnu(&contents);
        prop_assert_eq!(rustc, response::parse_rustc(&contents));
        prop_assert_eq!(gnu, response::parse_gnu(&contents));
    }

    #[test]
    fn zig_response_files_keep_every_byte(args in prop::collection::vec(prop::collection::vec(any::<u8>().prop_filter("no quote", |b| *b != b'\''), 0..30), 0..10)) {
        let args: Vec<OsString> = args.into_iter().map(OsString::from_vec).collect();
        let written = response::write_for_zig(&args).unwrap();
        prop_assert_eq!(written.clone(), response::write_for_zig(&args).unwrap());
        // Every argument's bytes survive somewhere in the file (quoting only adds).
        for arg in &args {
            let bytes = arg.as_bytes();
            let kept = bytes.iter().filter(|b| !matches!(b, b'"' | b'\\')).count();
            let in_file = written.iter().filter(|b| !matches!(b, b'"' | b'\\')).count();
            prop_assert!(in_file >= kept);
        }
    }

    #[test]
    fn expansion_and_inference_never_panic(
        args in prop::collection::vec(arg(), 0..20),
        file in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let read = |_: &Path| Ok(file.clone());
        if let Ok(expanded) = response::expand(&args, &read) {
            let _ = infer::rust_target(&expanded.args);
            let _ = infer::compile_target(&expanded.args);
        }
    }

    #[test]
    fn cargo_arguments_after_the_separator_are_untouched(args in prop::collection::vec(prop_oneof![
        Just(OsString::from("--target")),
        Just(OsString::from("--")),
        "--target=[a-z0-9_.-]{0,30}".prop_map(OsString::from),
        "[a-z0-9_.=-]{0,40}".prop_map(OsString::from),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(OsString::from_vec),
    ], 0..12)) {
        let split = cargo::split_args(&args);
        prop_assert_eq!(&split, &cargo::split_args(&args));
        if let Some(at) = args.iter().position(|a| a == "--") {
            let theirs = &args[at..];
            prop_assert!(split.args.ends_with(theirs), "{:?} -> {:?}", args, split.args);
        }
        for target in &split.targets {
            let triple = target.split('.').next().unwrap_or_default();
            prop_assert!(split.args.iter().any(|a| a == triple));
        }
    }
}
