#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ziglink::fuzzing::macho_file(data));
