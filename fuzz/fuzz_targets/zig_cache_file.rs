#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ziglink::fuzzing::zig_cache_file(data));
