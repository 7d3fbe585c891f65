"""Issue 13: another local user cannot plant the folder ziglink gives zig as its cache when HOME
is read-only. Two real users, made by the test: the victim builds with Debian's rustc and a
ziglink install it can read; the other user makes `/tmp/ziglink-zig-cache-<victim uid>` first.
Needs root (to make users and run as them)."""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import install_ziglink

from tests.harness import run

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("useradd") is None or shutil.which("setpriv") is None,
        reason="needs root, useradd and setpriv to make two users and run as them",
    ),
]

RUSTC = "/usr/bin/rustc"  # Debian's, which every user can run (rustup's lives in /root)
HELLO = 'fn main() { println!("hello from {}", std::env::consts::ARCH); }\n'


class User:
    """A system user of its own group (or of `group`, as primary group), made for the test and
    removed after it."""

    def __init__(self, prefix: str, group: str | None = None):
        self.name = f"{prefix}-{secrets.token_hex(3)}"
        grouping = ["--gid", group] if group else ["--user-group"]
        subprocess.run(
            ["useradd", "--system", *grouping, "--no-create-home", "-s", "/bin/sh", self.name],
            check=True,
        )
        entry = pwd.getpwnam(self.name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid

    def run(self, cmd: list, *, env: dict[str, str], cwd: Path | None = None, check=True):
        as_me = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        return run([*as_me, "env", "-i", *(f"{k}={v}" for k, v in env.items()), *cmd],
                   env=dict(os.environ), cwd=cwd, check=check)  # fmt: skip

    def remove(self) -> None:
        subprocess.run(["userdel", self.name], check=False)


@pytest.fixture(scope="module")
def shared(wheelhouse, tmp_path_factory):
    """A folder both users can read: ziglink installed from the wheelhouse, and a HOME for the
    victim that only root can write (the sandbox's read-only HOME)."""
    base = Path(tempfile.mkdtemp(prefix="ziglink-users-", dir="/tmp"))
    base.chmod(0o755)
    bin_dir = install_ziglink(base / "venv", wheelhouse, tmp_path_factory)
    home = base / "home"
    home.mkdir(mode=0o755)
    yield base, bin_dir, home
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def users():
    victim, other = User("zlvictim"), User("zlother")
    fallback = Path(f"/tmp/ziglink-zig-cache-{victim.uid}")
    shutil.rmtree(fallback, ignore_errors=True)
    yield victim, other, fallback
    if fallback.is_symlink():
        fallback.unlink()
    shutil.rmtree(fallback, ignore_errors=True)
    victim.remove()
    other.remove()


@pytest.fixture
def shared_group_users():
    """Two users whose primary group is `users` (gid 100 on Debian), as on many multi-user
    machines."""
    victim, other = User("zlvictim", "users"), User("zlother", "users")
    yield victim, other
    victim.remove()
    other.remove()


def victim_build(victim: User, shared, *extra_env: tuple[str, str]):
    """The victim compiles and links a program in a folder of its own."""
    base, bin_dir, home = shared
    work = base / f"work-{victim.name}"
    work.mkdir(exist_ok=True)
    (work / "hello.rs").write_text(HELLO)
    os.chown(work, victim.uid, victim.gid)
    env = {"HOME": str(home), "PATH": f"{bin_dir}:/usr/bin:/bin", **dict(extra_env)}
    proc = victim.run([RUSTC, "-C", "linker=ziglink", "hello.rs", "-o", "hello"],
                      env=env, cwd=work, check=False)  # fmt: skip
    return proc, work, env


def error_line(stderr: str) -> str:
    return next(x for x in stderr.splitlines() if "ziglink: error:" in x)


def test_a_fallback_planted_by_another_user_is_refused_and_gets_nothing(users, shared):
    victim, other, fallback = users
    other.run(["sh", "-c", f"mkdir {fallback} && chmod 0777 {fallback}"], env={})
    assert fallback.stat().st_uid == other.uid

    proc, _, env = victim_build(victim, shared)
    assert proc.returncode != 0
    line = error_line(proc.stderr)
    assert (
        f"cannot use its fallback `{fallback}`: it belongs to uid {other.uid} ({other.name})"
        in (line)
    ), line
    assert "set ZIG_GLOBAL_CACHE_DIR to a folder of your own" in line, line
    # Before this was fixed, the victim's link wrote 7 files into the other user's folder.
    assert list(fallback.iterdir()) == []

    doctor = victim.run(["ziglink", "doctor"], env=env, check=False)
    assert doctor.returncode == 1, doctor.stdout
    assert f"error: ziglink's fallback for zig's cache, {fallback}, belongs to uid" in doctor.stdout


def test_a_fallback_planted_as_a_symlink_is_refused_without_following_it(users, shared):
    victim, other, fallback = users
    bait = Path(f"/tmp/zlbait-{secrets.token_hex(3)}")
    other.run(["sh", "-c", f"mkdir -m 0777 {bait} && ln -s {bait} {fallback}"], env={})
    try:
        proc, _, _ = victim_build(victim, shared)
        assert proc.returncode != 0
        assert f"`{fallback}`: it is a symbolic link" in error_line(proc.stderr)
        assert list(bait.iterdir()) == []
    finally:
        shutil.rmtree(bait, ignore_errors=True)


def test_without_a_plant_the_fallback_is_the_victims_own_and_links_work(users, shared):
    victim, _, fallback = users
    _, _, home = shared
    home_before = sorted(home.rglob("*"))
    proc, work, env = victim_build(victim, shared, ("ZIGLINK_LOG", "1"))
    assert proc.returncode == 0, proc.stderr
    # rustc shows a linker's output only when it fails, so the log line is not checked here.
    info = fallback.lstat()
    assert stat.S_ISDIR(info.st_mode) and not stat.S_ISLNK(info.st_mode)
    assert info.st_uid == victim.uid
    assert stat.S_IMODE(info.st_mode) == 0o700, oct(info.st_mode)
    assert (fallback / "o").is_dir(), "zig's cache is not in the fallback"
    assert victim.run(["./hello"], env=env, cwd=work).stdout.strip() == "hello from x86_64"
    assert sorted(home.rglob("*")) == home_before
    doctor = victim.run(["ziglink", "doctor"], env=env)
    assert f"zig cache: {fallback} (ziglink's fallback" in doctor.stdout, doctor.stdout


@contextmanager
def group_writable_tmp(victim: User) -> Iterator[Path]:
    """A temp folder of the victim's, which its primary group can write (mode 0775)."""
    tmp = Path(tempfile.mkdtemp(prefix="zlgroup-", dir="/tmp"))
    try:
        os.chown(tmp, victim.uid, victim.gid)
        tmp.chmod(0o775)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def assert_links_in_fallback_under(tmp: Path, victim: User, shared) -> None:
    """The victim's link, with `tmp` as its temp folder, succeeds with zig's cache in the
    fallback there, and the program runs."""
    proc, work, env = victim_build(victim, shared, ("TMPDIR", str(tmp)))
    assert proc.returncode == 0, proc.stderr
    assert (tmp / f"ziglink-zig-cache-{victim.uid}" / "o").is_dir()
    assert victim.run(["./hello"], env=env, cwd=work).stdout.strip() == "hello from x86_64"


def test_a_folder_writable_by_a_shared_primary_group_is_refused_above_the_fallback(
    shared_group_users, shared
):
    """The victim's temp folder is its own but writable by `users`, its primary group, which the
    other user shares: the other user could rename the fallback away and put its own there.
    Before, a folder writable by the user's primary group was trusted whatever the group."""
    victim, other = shared_group_users
    assert victim.gid == other.gid == grp.getgrnam("users").gr_gid
    with group_writable_tmp(victim) as tmp:
        proc, _, _ = victim_build(victim, shared, ("TMPDIR", str(tmp)))
        assert proc.returncode != 0, proc.stderr
        line = error_line(proc.stderr)
        assert f"is inside `{tmp}`, which others can write without the sticky bit (mode 0775)" in (
            line
        ), line
        assert not (tmp / f"ziglink-zig-cache-{victim.uid}" / "o").exists()
        # With the sticky bit, no one else can rename what is inside: the link works.
        tmp.chmod(0o1775)
        assert_links_in_fallback_under(tmp, victim, shared)


def test_a_folder_writable_by_a_user_private_group_is_the_users_own(users, shared):
    """The same temp folder writable by the victim's user-private group (its own name, no other
    member): only the victim is in it, so the fallback inside is used."""
    victim, _, _ = users
    assert grp.getgrgid(victim.gid).gr_name == victim.name
    with group_writable_tmp(victim) as tmp:
        assert_links_in_fallback_under(tmp, victim, shared)
