"""The Python API over ziglink's subcommands, run against the ziglink binary built from this
checkout (cargo builds it if needed), with stand-in zig and cargo scripts where a test is about
what reaches them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import ziglink
from ziglink import _commands

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stand-ins are sh scripts")


def rustc_host() -> str:
    """The triple of this machine, as the rustc that builds ziglink names it: what ziglink
    defaults to (the suite runs on each release host's runner)."""
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    return next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("host: "))


HOST = "" if sys.platform == "win32" else rustc_host()
HOST_VAR = HOST.upper().replace("-", "_")


@pytest.fixture(scope="session")
def ziglink_bin() -> Path:
    subprocess.run(["cargo", "build", "--quiet", "--bin", "ziglink"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "debug" / "ziglink"
    assert exe.is_file(), exe
    return exe


@pytest.fixture(autouse=True)
def use_built_binary(ziglink_bin, monkeypatch):
    monkeypatch.setattr(_commands, "find_ziglink_bin", lambda: str(ziglink_bin))
    for var in ("ZIGLINK_ZIG", "ZIGLINK_GLIBC", "ZIGLINK_TARGET", "CARGO"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_env_gives_the_variables_for_each_target():
    got = ziglink.env(["aarch64-unknown-linux-gnu.2.28", "x86_64-unknown-linux-musl"])
    assert got["CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"] == "ziglink"
    assert got["CC_aarch64_unknown_linux_gnu"] == "ziglink-cc"
    assert got["AR_aarch64_unknown_linux_gnu"] == "ziglink-ar"
    assert got["ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU"] == "2.28"
    assert got["CXX_x86_64_unknown_linux_musl"] == "ziglink-cxx"
    assert "ZIGLINK_GLIBC_X86_64_UNKNOWN_LINUX_MUSL" not in got
    # ziglink does not resolve on this PATH, so its folder goes in front.
    assert got["PATH"].split(os.pathsep)[:2] == [str(ROOT / "target" / "debug"), "/usr/bin"]


@pytest.mark.skipif(not HOST.endswith("-linux-gnu"), reason="a glibc floor needs a glibc host")
def test_env_defaults_to_the_host_and_takes_a_glibc_floor():
    got = ziglink.env(glibc="2.31")
    assert got[f"CARGO_TARGET_{HOST_VAR}_LINKER"] == "ziglink"
    assert got[f"ZIGLINK_GLIBC_{HOST_VAR}"] == "2.31"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ziglink.env("mips-unknown-linux-gnu"), "unsupported target"),
        (lambda: ziglink.env(glibc="2.x"), "malformed glibc version `2.x` in ZIGLINK_GLIBC"),
        (lambda: ziglink.cargo_config("x86_64-unknown-linux-gnu.2.3"), "below the lowest glibc"),
    ],
)
def test_refusals_are_ziglink_errors_with_its_message(call, message):
    with pytest.raises(ziglink.ZiglinkError, match=message) as info:
        call()
    assert not str(info.value).startswith("ziglink: error:")


def test_cargo_config_is_valid_toml_for_cargo_and_for_maturin():
    cargo = tomllib.loads(ziglink.cargo_config("aarch64-unknown-linux-gnu", glibc="2.28"))
    assert cargo["target"]["aarch64-unknown-linux-gnu"]["linker"] == "ziglink"
    assert cargo["env"]["CC_aarch64_unknown_linux_gnu"] == "ziglink-cc"
    assert cargo["env"]["ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU"] == "2.28"

    pyproject = tomllib.loads(ziglink.cargo_config(format="maturin"))
    # Only what merges into an existing pyproject.toml: it has its own [build-system].
    assert "build-system" not in pyproject
    config = pyproject["tool"]["maturin"]["config"]
    assert f'target.{HOST}.linker="ziglink"' in config
    # Each entry is a `--config KEY=VALUE` whose value is itself TOML: a string here.
    for entry in config:
        _key, value = entry.split("=", 1)
        assert tomllib.loads(f"v = {value}")["v"], entry


def test_cargo_config_edit_merges_into_a_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[build-system]\nrequires = ["maturin"]  # mine\n\n[tool.maturin]\n')
    assert ziglink.cargo_config(format="maturin", edit=pyproject) == ""
    text = pyproject.read_text()
    assert 'requires = ["maturin", "ziglink"]  # mine' in text, text
    config = tomllib.loads(text)["tool"]["maturin"]["config"]
    assert f'target.{HOST}.linker="ziglink"' in config


def test_find_zig_finds_what_ziglink_runs(tmp_path, monkeypatch):
    zig = script(tmp_path / "zig", "echo 0.17.1")
    monkeypatch.setenv("ZIGLINK_ZIG", str(zig))
    assert ziglink.find_zig() == str(zig)
    monkeypatch.delenv("ZIGLINK_ZIG")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    assert ziglink.find_zig() == str(zig)


def test_find_zig_says_where_it_looked(monkeypatch):
    with pytest.raises(ziglink.ZigNotFound, match="cannot find zig.*looked in"):
        ziglink.find_zig()


def test_doctor_reports_every_target(tmp_path, monkeypatch):
    monkeypatch.setenv("ZIGLINK_ZIG", str(script(tmp_path / "zig", "echo 0.17.1")))
    report = ziglink.doctor()
    assert report["ok"] is True
    assert report["zig"]["version"] == "0.17.1"
    assert len(report["targets"]) == 15
    host = next(t for t in report["targets"] if t["rust"] == "x86_64-unknown-linux-gnu")
    assert host["zig"] == "x86_64-linux-gnu.2.17"
    mac = next(t for t in report["targets"] if t["rust"] == "aarch64-apple-darwin")
    assert mac["zig"] == "aarch64-macos.11.0-none"
    windows = next(t for t in report["targets"] if t["rust"] == "i686-pc-windows-gnu")
    assert windows["zig"] == "x86-windows-gnu"


def test_cargo_runs_cargo_set_up_for_the_target(tmp_path, monkeypatch):
    log = tmp_path / "log.json"
    fake = script(
        tmp_path / "cargo",
        f'{sys.executable} -c "import json, os, sys; '
        f"json.dump({{'argv': sys.argv[1:], 'env': dict(os.environ)}}, open('{log}', 'w'))\" \"$@\"\n"
        'exit "${FAKE_EXIT:-0}"',
    )
    monkeypatch.setenv("CARGO", str(fake))
    monkeypatch.setenv("ZIGLINK_ZIG", str(script(tmp_path / "zig", "exit 0")))
    proc = ziglink.cargo("build", "--release", target="s390x-unknown-linux-gnu", glibc="2.19")
    assert proc.returncode == 0
    seen = json.loads(log.read_text())
    assert seen["argv"] == ["build", "--release", "--target", "s390x-unknown-linux-gnu"]
    assert seen["env"]["CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_LINKER"] == "ziglink"
    assert seen["env"]["ZIGLINK_GLIBC_S390X_UNKNOWN_LINUX_GNU"] == "2.19"

    with pytest.raises(subprocess.CalledProcessError):
        ziglink.cargo("build", env={**os.environ, "FAKE_EXIT": "101"})
    assert ziglink.cargo("build", check=False, env={**os.environ, "FAKE_EXIT": "7"}).returncode == 7
