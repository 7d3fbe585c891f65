#![no_main]

libfuzzer_sys::fuzz_target!(|data: \&[u8]| ziglink::fuzzing::pe_file(data));
