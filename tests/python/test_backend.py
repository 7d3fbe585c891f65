"""The ziglink.maturin build backend's hooks, run against the ziglink binary built from this
checkout, with a stand-in for maturin's own backend that records what it was handed: the build
arguments, and the environment the cargo it runs would inherit."""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST_LINKER = "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"

pytestmark = pytest.mark.skipif(
    not (sys.platform == "linux" and platform.machine() == "x86_64"),
    reason="the plans asserted are those of an x86_64 Linux host",
)


class StandIn(types.ModuleType):
    """maturin's PEP 517 module, as far as the backend calls it."""

    def __init__(self) -> None:
        super().__init__("maturin")
        self.calls: list[tuple[str, dict, dict]] = []
        self.links: list[str] = []  # warnings a "link" appends to ziglink's report
        self.fail = False

    def _record(self, hook: str, config_settings) -> str:
        self.calls.append((hook, dict(config_settings or {}), dict(os.environ)))
        report = os.environ.get("ZIGLINK_REPORT")
        if report and self.links:
            with open(report, "a") as file:
                file.writelines(f"{line}\n" for line in self.links)
        if self.fail:
            sys.exit(1)
        return "made.whl"

    def build_wheel(self, wheel_directory, config_settings=None, metadata_directory=None):
        return self._record("build_wheel", config_settings)

    def build_editable(self, wheel_directory, config_settings=None, metadata_directory=None):
        return self._record("build_editable", config_settings)

    def prepare_metadata_for_build_wheel(self, metadata_directory, config_settings=None):
        return self._record("prepare_metadata_for_build_wheel", config_settings)

    def build_sdist(self, sdist_directory, config_settings=None):
        return self._record("build_sdist", config_settings)

    def get_requires_for_build_wheel(self, config_settings=None):
        return ["cffi"]


@pytest.fixture(scope="session")
def ziglink_bin() -> Path:
    subprocess.run(["cargo", "build", "--quiet", "--bin", "ziglink"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "ziglink"


@pytest.fixture
def maturin(monkeypatch) -> StandIn:
    stand_in = StandIn()
    monkeypatch.setitem(sys.modules, "maturin", stand_in)
    return stand_in


@pytest.fixture
def backend(maturin, ziglink_bin, monkeypatch, tmp_path):
    """ziglink.maturin imported afresh over the stand-in, run in a project folder of its own."""
    monkeypatch.delitem(sys.modules, "ziglink.maturin", raising=False)
    module = importlib.import_module("ziglink.maturin")
    monkeypatch.setattr(module, "find_ziglink_bin", lambda: str(ziglink_bin))
    for var in ("ZIGLINK_GLIBC", "CARGO_BUILD_TARGET", "MATURIN_PEP517_ARGS", HOST_LINKER):
        monkeypatch.delenv(var, raising=False)
    # ziglink is on PATH, as in a build environment: no PATH entry in the plan.
    monkeypatch.setenv("PATH", f"{ziglink_bin.parent}{os.pathsep}/usr/bin:/bin")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "1.0.0"\n')
    monkeypatch.chdir(tmp_path)
    return module


def test_a_build_gets_ziglinks_variables_and_the_tag_of_its_floor(backend, maturin, capsys):
    before = dict(os.environ)
    assert backend.build_wheel("out") == "made.whl"
    ((hook, settings, env),) = maturin.calls
    assert hook == "build_wheel"
    assert settings == {"build-args": "--compatibility manylinux2014"}
    assert env[HOST_LINKER] == "ziglink"
    assert env["CC_x86_64_unknown_linux_gnu"] == "ziglink-cc"
    assert env["ZIGLINK_GLIBC_X86_64_UNKNOWN_LINUX_GNU"] == "2.17"
    assert env["MATURIN_NO_MISSING_BUILD_BACKEND_WARNING"] == "1"
    report = Path(env["ZIGLINK_REPORT"])
    assert not report.parent.exists(), "the warnings' folder goes with the build"
    assert dict(os.environ) == before, "the hook leaves the environment as it found it"
    assert "PATH" not in {k for k in env if env[k] != before.get(k)}
    err = capsys.readouterr().err
    assert (
        "ziglink: linking x86_64-unknown-linux-gnu for glibc 2.17; maturin checks the wheel " in err
    )


@pytest.mark.parametrize(
    ("given", "env", "expected"),
    [
        (
            {"build-args": "--release --compatibility=manylinux_2_28"},
            {},
            "--release --compatibility manylinux_2_28",
        ),
        (
            {"maturin.build-args": "--release", "build-args": "--ignored"},
            {},
            "--compatibility manylinux2014 --release",
        ),
        (
            {"build-args": ["--features", "a b"]},
            {},
            "--compatibility manylinux2014 --features 'a b'",
        ),
        (
            None,
            {"MATURIN_PEP517_ARGS": "--target x86_64-unknown-linux-musl"},
            "--compatibility musllinux_1_2 --target x86_64-unknown-linux-musl",
        ),
    ],
    ids=["build-args", "maturin.build-args", "list", "env"],
)
def test_maturins_arguments_are_read_where_maturin_reads_them(
    backend, maturin, monkeypatch, given, env, expected
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    backend.build_wheel("out", given)
    ((_, settings, _),) = maturin.calls
    assert settings == {"build-args": expected}


def test_metadata_and_editable_builds_get_the_same_plan(backend, maturin):
    backend.prepare_metadata_for_build_wheel("meta", {"build-args": "--release"})
    backend.build_editable("out", {"build-args": "--release", "other": "kept"})
    (_, meta, meta_env), (_, editable, editable_env) = maturin.calls
    assert meta == {"build-args": "--compatibility manylinux2014 --release"}
    assert editable == {"build-args": "--compatibility manylinux2014 --release", "other": "kept"}
    assert meta_env[HOST_LINKER] == editable_env[HOST_LINKER] == "ziglink"


def test_the_sdist_and_the_requirements_are_maturins(backend, maturin):
    assert backend.build_sdist("out", {"build-args": "--zig"}) == "made.whl"
    ((hook, settings, env),) = maturin.calls
    assert (hook, settings) == ("build_sdist", {"build-args": "--zig"})
    assert HOST_LINKER not in env
    assert backend.get_requires_for_build_wheel() == ["cffi"]


def test_warnings_from_the_links_are_shown_once_even_when_the_build_fails(backend, maturin, capsys):
    maturin.links = [
        "ziglink: warning: first",
        "ziglink: warning: second",
        "ziglink: warning: first",
    ]
    maturin.fail = True
    with pytest.raises(SystemExit):
        backend.build_wheel("out")
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "warning" in line] == [
        "ziglink: warning: first",
        "ziglink: warning: second",
    ]


def test_ziglinks_refusal_stops_the_build_before_maturin_runs(backend, maturin, capfd):
    """ziglink's one-line error reaches the build log as ziglink wrote it (its stderr is the
    hook's own)."""
    with pytest.raises(SystemExit) as stopped:
        backend.build_wheel("out", {"build-args": "--zig"})
    assert stopped.value.code != 0
    assert maturin.calls == []
    err = capfd.readouterr().err
    assert "ziglink: error: " in err and "drop --zig" in err
