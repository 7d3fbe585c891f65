//! What ziglink does to a link's output after zig has written it: the floor check and
//! -Wl,--strip-debug.

use crate::util::{recorded, stderr, tool, ziglink, Faked, RUSTLIB_X86_64};

#[test]
fn an_output_ziglink_cannot_read_is_a_warning_not_a_failure() {
    // The fake zig writes no output file: the link succeeded as far as zig says.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("never-written");
    let out = ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o", missing.to_str().unwrap()])
        .faked(dir.path(), 0)
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("ziglink: warning: cannot check `") && text.contains("against its floor"),
        "{text}"
    );
    let off = ziglink(&["/t/main.o", RUSTLIB_X86_64, "-o", missing.to_str().unwrap()])
        .faked(dir.path(), 0)
        .env("ZIGLINK_FLOOR_CHECK", "0")
        .output()
        .unwrap();
    // Turned off, the check is not tried, and the link says it is off.
    assert_eq!(
        stderr(&off),
        "ziglink: the post-link checks are off (ZIGLINK_FLOOR_CHECK=0): links for glibc 2.17 \
         are not checked against that floor or the manylinux policy\nzig says hello\n"
    );
}

#[test]
fn strip_debug_is_kept_from_zig_and_done_after_a_link_but_not_a_compile() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("never-written");
    let output = output.to_str().unwrap();
    let link = ziglink(&[
        "/t/main.o",
        RUSTLIB_X86_64,
        "-Wl,--strip-debug",
        "-o",
        output,
    ])
    .faked(dir.path(), 0)
    .env("ZIGLINK_GLIBC_CHECK", "0")
    .output()
    .unwrap();
    let text = stderr(&link);
    assert_eq!(link.status.code(), Some(0), "{text}");
    assert!(!recorded(dir.path())
        .iter()
        .any(|a| a == "-Wl,--strip-debug"));
    // The fake zig wrote nothing to strip: the link stands, and the one line says why not.
    let warning = "ziglink: warning: cannot remove the debug sections of";
    assert_eq!(
        text.lines().filter(|l| l.starts_with(warning)).count(),
        1,
        "{text}"
    );
    assert!(text.ends_with("the file keeps them\n"), "{text}");

    // A compile's -Wl, options do nothing, and its object is not touched.
    let compile = tool("ziglink-cc")
        .args(["-c", "x.c", "-Wl,-S", "-o", output])
        .env("TARGET", "x86_64-unknown-linux-gnu")
        .faked(dir.path(), 0)
        .output()
        .unwrap();
    assert_eq!(compile.status.code(), Some(0), "{}", stderr(&compile));
    assert!(!stderr(&compile).contains(warning), "{}", stderr(&compile));
}

/// The smallest file the PE header step accepts: a DOS header pointing at a COFF header whose
/// characteristics are `0x0102` (executable, 32-bit machine).
fn tiny_pe() -> Vec<u8> {
    let mut data = vec![0u8; 0x40];
    data[..2].copy_from_slice(b"MZ");
    data[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
    data.extend_from_slice(b"PE\0\0");
    data.extend_from_slice(&0x014cu16.to_le_bytes());
    data.extend_from_slice(&[0; 16]);
    data.extend_from_slice(&0x0102u16.to_le_bytes());
    data
}

#[test]
fn large_address_aware_is_kept_from_zig_and_set_in_the_header_after_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("app.exe");
    // The fake zig writes nothing: the file stands for the one zig would have linked.
    std::fs::write(&output, tiny_pe()).unwrap();
    let link = ziglink(&[
        "/t/main.o",
        "-Wl,--large-address-aware",
        "-o",
        output.to_str().unwrap(),
    ])
    .faked(dir.path(), 0)
    .env("ZIGLINK_TARGET", "i686-pc-windows-gnu")
    .output()
    .unwrap();
    assert_eq!(link.status.code(), Some(0), "{}", stderr(&link));
    let zig_args = recorded(dir.path());
    assert!(
        !zig_args.iter().any(|a| a.contains("large-address-aware")),
        "{zig_args:?}"
    );
    let data = std::fs::read(&output).unwrap();
    assert_eq!(
        &data[0x40 + 22..0x40 + 24],
        &0x0122u16.to_le_bytes(),
        "flag 0x20 set"
    );

    // A file that is not PE (`-o /dev/null`, say) keeps the link good and says why not.
    std::fs::write(&output, b"not a PE file").unwrap();
    let link = ziglink(&[
        "/t/main.o",
        "-Wl,--large-address-aware",
        "-o",
        output.to_str().unwrap(),
    ])
    .faked(dir.path(), 0)
    .env("ZIGLINK_TARGET", "i686-pc-windows-gnu")
    .output()
    .unwrap();
    assert_eq!(link.status.code(), Some(0), "{}", stderr(&link));
    assert!(stderr(&link).contains("cannot mark"), "{}", stderr(&link));
}
