//! `ziglink warm`, and the folder it keeps in zig's cache.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::util::{assert_one_line_error, recorded, stderr, stdout, ziglink, Faked};

#[test]
fn warm_links_like_rustc_with_the_resolved_target() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("zig-cache");
    let out = ziglink(&["warm", "--target", "aarch64-unknown-linux-gnu.2.28"])
        .faked(dir.path(), 0)
        .env("ZIG_GLOBAL_CACHE_DIR", &cache)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    // The fake zig builds nothing, and says so.
    assert!(
        text.contains("aarch64-unknown-linux-gnu (glibc 2.28): already warm, nothing built"),
        "{text}"
    );
    // The last call is the shared object, as rustc links a cdylib. The release profile's lines
    // translate to the dev ones (zig is not given --strip-debug), so they are not run again.
    let last = recorded(dir.path());
    for arg in [
        "cc",
        "-target",
        "aarch64-linux-gnu.2.28",
        "-lunwind",
        "-shared",
    ] {
        assert!(last.contains(&arg.to_string()), "{arg} not in {last:?}");
    }
    assert!(!last.contains(&"-Wl,--strip-debug".to_string()), "{last:?}");
    assert!(cache.join("ziglink/warm.c").is_file());

    let out = ziglink(&["warm", "--target", "x86_64-unknown-linux-musl"])
        .faked(dir.path(), 3)
        .env("ZIG_GLOBAL_CACHE_DIR", &cache)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "ziglink: error: zig failed to compile the warm-up program for \
             x86_64-unknown-linux-musl (exit status: 3)"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn warm_builds_compiler_rt_on_glibc_only_for_projects_with_c() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    fs::write(project.join("Cargo.toml"), "[package]\nname = \"p\"\n").unwrap();
    // (lock file, what the last link ends with, whether stdout says it warms C)
    let cases = [
        ("version = 4\n", "-nostdlib", false),
        (
            "version = 4\n\n[[package]]\nname = \"cc\"\n",
            "-nodefaultlibs",
            true,
        ),
    ];
    for (lock, last_flag, with_c) in cases {
        fs::write(project.join("Cargo.lock"), lock).unwrap();
        let out = ziglink(&["warm", "--target", "x86_64-unknown-linux-gnu"])
            .faked(dir.path(), 0)
            .current_dir(&project)
            .env("ZIG_GLOBAL_CACHE_DIR", dir.path().join("zig-cache"))
            .output()
            .unwrap();
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
        assert_eq!(text.contains("warming links with C too"), with_c, "{text}");
        // The last link is the shared object's, with C when the project has C.
        let last = recorded(dir.path());
        assert_eq!(last.last().map(String::as_str), Some(last_flag), "{last:?}");
    }
}

#[test]
fn a_folder_of_ziglinks_that_others_can_write_is_refused_by_warm_and_reported_by_doctor() {
    let cache = tempfile::tempdir().unwrap();
    let own = cache.path().join("ziglink");
    fs::create_dir(&own).unwrap();
    fs::set_permissions(&own, fs::Permissions::from_mode(0o777)).unwrap();
    let out = ziglink(&["warm"])
        .faked(cache.path(), 0)
        .env("ZIG_GLOBAL_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let canonical = own.canonicalize().unwrap();
    assert_one_line_error(
        &out,
        &format!(
            "ziglink cannot use its folder in zig's cache `{}`: it can be written by others \
             (mode 0777), and whoever can change it decides what zig links",
            canonical.display()
        ),
    );
    assert_eq!(fs::read_dir(&own).unwrap().count(), 0, "warm wrote into it");

    let doctor = ziglink(&["doctor"])
        .faked(cache.path(), 0)
        .env("ZIG_GLOBAL_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let text = stdout(&doctor);
    assert!(
        text.contains(&format!(
            "warning: ziglink's folder {} in zig's cache can be written by others",
            own.display()
        )),
        "{text}"
    );
    assert!(text.contains("fix: remove that folder"), "{text}");
}
