//! `ziglink cache clean` and `ziglink cache info` on a fake zig cache.

use std::fs;

use crate::util::{
    assert_one_line_error, fakes, stderr, stdout, ziglink, FakeCache, STUBS_FOLDER, STUBS_MANIFEST,
    UNWIND_FOLDER, UNWIND_MANIFEST,
};

#[test]
fn cache_clean_keeps_young_entries_and_removes_old_ones() {
    let cache = FakeCache::new();
    for rel in [STUBS_MANIFEST, STUBS_FOLDER, "tmp/1ac451ecf66363fc"] {
        cache.age(rel, 40);
    }
    let out = cache.ziglink(&["cache", "clean", "--older-than", "30d", "--dry-run"]);
    assert!(
        stdout(&out).contains("would remove 2 entries"),
        "{}",
        stdout(&out)
    );
    assert!(
        cache.path(STUBS_FOLDER).exists(),
        "a dry run removed something"
    );

    let out = cache.ziglink(&["cache", "clean", "--older-than", "30d"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("removed 2 entries") && text.contains("glibc-stubs 1, temporary 1"),
        "{text}"
    );
    assert!(text.contains("kept 2 entries used within 30d"), "{text}");
    // The old entry's folder is gone and its manifest emptied, not deleted.
    assert!(!cache.path(STUBS_FOLDER).exists());
    assert_eq!(fs::metadata(cache.path(STUBS_MANIFEST)).unwrap().len(), 0);
    assert!(!cache.path("tmp/1ac451ecf66363fc").exists());
    // The young ones stay as they were.
    assert!(cache
        .path(UNWIND_FOLDER)
        .join("UnwindRegistersSave.o")
        .exists());
    assert_eq!(
        fs::metadata(cache.path(UNWIND_MANIFEST)).unwrap().len(),
        144
    );
    assert!(cache.path("z/0063032fd38acf86094af2ddfb1524b4").exists());

    // Without an age, everything goes that is locked by no one and, where zig keeps no lock,
    // older than a day.
    cache.age("z/0063032fd38acf86094af2ddfb1524b4", 0);
    let out = cache.ziglink(&["cache", "clean"]);
    let text = stdout(&out);
    assert!(text.contains("removed 2 entries"), "{text}");
    assert!(!cache.path(UNWIND_FOLDER).exists());
    assert!(!cache.path("z/0063032fd38acf86094af2ddfb1524b4").exists());

    // Never: builtin.zig copies zig may rewrite at any moment, and fetched packages.
    for rel in ["b/cb0485cff05b38d3b366b0bbc1e2264e", "p/pkg-1.0.0-abc"] {
        cache.age(rel, 400);
    }
    let out = cache.ziglink(&["cache", "clean"]);
    assert_eq!(stdout(&out).lines().nth(1), Some("nothing to remove"));
    assert!(cache
        .path("b/cb0485cff05b38d3b366b0bbc1e2264e/builtin.zig")
        .exists());
    assert!(cache.path("p/pkg-1.0.0-abc/build.zig").exists());
}

#[test]
fn cache_clean_skips_an_entry_a_build_holds() {
    use std::os::fd::AsRawFd;
    let cache = FakeCache::new();
    // What zig holds on every entry a running compilation links.
    let held = fs::File::open(cache.path(STUBS_MANIFEST)).unwrap();
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_SH) }, 0);

    let out = cache.ziglink(&["cache", "clean"]);
    let text = stdout(&out);
    assert!(
        text.contains("kept 1 entry in use by running builds") && text.contains("glibc-stubs 1"),
        "{text}"
    );
    assert!(cache.path(STUBS_FOLDER).join("libc.so.6").exists());
    assert!(fs::metadata(cache.path(STUBS_MANIFEST)).unwrap().len() > 0);
    assert!(!cache.path(UNWIND_FOLDER).exists(), "{text}");

    // Unlocked, not only closed: a process another test forks at this moment shares the open
    // file until it execs, and a close would leave the lock with it.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_UN) }, 0);
    drop(held);
    let out = cache.ziglink(&["cache", "clean"]);
    assert!(stdout(&out).contains("removed 1 entry"), "{}", stdout(&out));
    assert!(!cache.path(STUBS_FOLDER).exists());
}

#[test]
fn cache_clean_refuses_a_cache_whose_folders_it_cannot_tie_to_manifests() {
    let cache = FakeCache::new();
    // As if zig named its folders differently: none of the manifests' folders exist, others do.
    for (from, to) in [
        (STUBS_FOLDER, "o/00000000000000000000000000000001"),
        (UNWIND_FOLDER, "o/00000000000000000000000000000002"),
    ] {
        fs::rename(cache.path(from), cache.path(to)).unwrap();
    }
    let out = cache.ziglink(&["cache", "clean"]);
    assert_one_line_error(&out, "refusing to clean: only 0 of 2 manifests");
    assert!(cache.path("o/00000000000000000000000000000001").exists());
    assert!(fs::metadata(cache.path(STUBS_MANIFEST)).unwrap().len() > 0);
}

#[test]
fn cache_clean_keeps_folders_another_zig_versions_manifests_may_name() {
    let cache = FakeCache::new();
    fs::write(
        cache.path("h/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0.txt"),
        b"0\n1 2 3 x 1 a.c\n",
    )
    .unwrap();
    fs::create_dir_all(cache.path("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0")).unwrap();
    fs::write(cache.path("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0/a.o"), b"o").unwrap();
    cache.age("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0", 40);
    let out = cache.ziglink(&["cache", "clean"]);
    let text = stdout(&out);
    assert!(
        text.contains("kept 1 entry that no zig 0.17 manifest names"),
        "{text}"
    );
    assert!(
        text.contains("of another zig version, such as h/4f0c1ad7"),
        "{text}"
    );
    assert!(cache
        .path("o/4f0c1ad7c1e1f5b0a3e2f5a6b7c8d9e0/a.o")
        .exists());
    assert!(!cache.path(STUBS_FOLDER).exists(), "{text}");
}

#[test]
fn cache_info_sizes_each_kind() {
    let cache = FakeCache::new();
    let out = cache.ziglink(&["cache", "info"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with(&format!(
            "zig's cache: {} (ZIG_GLOBAL_CACHE_DIR)\ntotal: ",
            cache.dir.path().display()
        )),
        "{text}"
    );
    for kind in [
        "glibc stub libraries",
        "libunwind",
        "manifests (h/)",
        "temporary (tmp/)",
    ] {
        assert!(text.contains(kind), "{kind} not in:\n{text}");
    }
    let out = cache.ziglink(&["cache", "info", "--json"]);
    let json = stdout(&out);
    assert!(json.contains("\"kind\": \"glibc-stubs\""), "{json}");
    assert!(json.contains("\"exists\": true"), "{json}");
}

#[test]
fn cache_commands_say_what_is_wrong_in_one_line() {
    let cache = FakeCache::new();
    let out = cache.ziglink(&["cache", "clean", "--older-than", "2w"]);
    assert_one_line_error(&out, "malformed age `2w` for --older-than");
    // No HOME and no ZIG_GLOBAL_CACHE_DIR: nowhere to look.
    for args in [&["cache", "info"][..], &["cache", "clean"], &["warm"]] {
        let out = ziglink(args)
            .env("ZIGLINK_ZIG", fakes().join("zig"))
            .output()
            .unwrap();
        assert_one_line_error(&out, "cannot tell where zig's cache is");
    }
}
