//! Replays the fuzz corpora (`fuzz/corpus/<target>/`: the seeds `fuzz/make_seeds.py` made
//! from real inputs, and what the fuzzers found worth keeping, minimised) and the inputs that
//! once failed (`fuzz/regressions/<target>/`) through the same entry points the fuzzers run,
//! so `cargo test` checks every saved input without libFuzzer. A long, coverage-guided run is
//! `nox -s fuzz`.

use std::path::Path;

use ziglink::fuzzing;

fn replay(target: &str, entry: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = fuzz.join("corpus").join(target);
    let regressions = fuzz.join("regressions").join(target);
    let mut inputs = 0;
    for dir in [&corpus, &regressions].into_iter().filter(|d| d.is_dir()) {
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            // A failing input names itself: the panic message would not.
            let outcome = std::panic::catch_unwind(|| entry(&data));
            assert!(outcome.is_ok(), "{} fails", path.display());
            inputs += 1;
        }
    }
    assert!(inputs > 100, "only {inputs} inputs in {}", corpus.display());
}

#[test]
fn response_files() {
    replay("response_files", fuzzing::response_files);
}

#[test]
fn link_lines() {
    replay("link_line", fuzzing::link_line);
}

#[test]
fn compile_lines() {
    replay("compile_line", fuzzing::compile_line);
}

#[test]
fn target_specs() {
    replay("target_spec", fuzzing::target_spec);
}

#[test]
fn elf_files() {
    replay("elf_file", fuzzing::elf_file);
}

#[test]
fn macho_files() {
    replay("macho_file", fuzzing::macho_file);
}

#[test]
fn pe_files() {
    replay("pe_file", fuzzing::pe_file);
}

#[test]
fn zig_manifests() {
    replay("zig_manifest", fuzzing::zig_manifest);
}

#[test]
fn zig_cache_files() {
    replay("zig_cache_file", fuzzing::zig_cache_file);
}
