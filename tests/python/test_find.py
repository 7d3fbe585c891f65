"""Unit tests for finding the ziglink executable, and for `python -m ziglink`, on fake installs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

# The package under test is the one in the source tree (pyproject.toml puts it on sys.path).
import ziglink
import ziglink.__main__
from ziglink import _find
from ziglink._find import ZiglinkNotFound, _candidate_dirs, _find_bin

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX exec and sh")


def make_package(root: Path, site_dir: str) -> Path:
    """An installed `ziglink` package folder at `root/site_dir/ziglink`."""
    package_dir = root / site_dir / "ziglink"
    package_dir.mkdir(parents=True)
    (package_dir / "__init__.py").write_text("")
    return package_dir


def make_exe(directory: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    """A runnable ziglink executable (a shell script) in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / _find._EXE_NAME
    exe.write_text(text)
    exe.chmod(0o755)
    return exe


# Each install layout: where the package lands, and where the executable lands beside it.
LAYOUTS = [
    pytest.param("venv/lib/python3.11/site-packages", "venv/bin", id="venv"),
    pytest.param("home/.local/lib/python3.11/site-packages", "home/.local/bin", id="user"),
    pytest.param("usr/lib64/python3.11/site-packages", "usr/bin", id="lib64"),
    pytest.param("usr/lib/python3/dist-packages", "usr/bin", id="debian-dist-packages"),
    pytest.param("usr/local/lib/python3.11/dist-packages", "usr/local/bin", id="debian-local"),
    pytest.param("prefix/lib/python3.13t/site-packages", "prefix/bin", id="free-threaded"),
    pytest.param(
        "pip-build-env-k2x9/overlay/lib/python3.11/site-packages",
        "pip-build-env-k2x9/overlay/bin",
        id="pip-build-env-overlay",
    ),
    pytest.param(
        "Library/Python/3.11/lib/python/site-packages",
        "Library/Python/3.11/bin",
        id="macos-framework-user",
    ),
    pytest.param("target", "target/bin", id="pip-target"),
    # Found by layout, not by the OS running the tests, so these run everywhere.
    pytest.param("venv/Lib/site-packages", "venv/Scripts", id="windows-venv"),
    pytest.param(
        "AppData/Roaming/Python/Python311/site-packages",
        "AppData/Roaming/Python/Python311/Scripts",
        id="windows-user",
    ),
]


@pytest.mark.parametrize(("site_dir", "scripts_dir"), LAYOUTS)
def test_finds_the_executable_installed_beside_the_package(
    tmp_path: Path, site_dir: str, scripts_dir: str
) -> None:
    package_dir = make_package(tmp_path, site_dir)
    exe = make_exe(tmp_path / scripts_dir)
    # An executable in a scheme folder loses to the one installed with the package.
    make_exe(tmp_path / "interpreter" / "bin")

    assert _find_bin(package_dir, [tmp_path / "interpreter" / "bin"]) == str(exe)


def test_windows_venv_candidates_start_with_scripts(tmp_path: Path) -> None:
    package_dir = tmp_path / "venv" / "Lib" / "site-packages" / "ziglink"

    assert _candidate_dirs(package_dir, []) == [
        tmp_path / "venv" / "Scripts",
        tmp_path / "venv" / "Lib" / "site-packages" / "bin",
    ]


def test_candidates_are_ordered_and_deduplicated(tmp_path: Path) -> None:
    package_dir = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "ziglink"
    scripts = tmp_path / "venv" / "bin"
    base = tmp_path / "base" / "bin"

    dirs = _candidate_dirs(package_dir, [str(scripts), None, base, "", str(base)])

    assert dirs == [scripts, package_dir.parent / "bin", base]


def test_falls_back_to_the_scheme_dirs(tmp_path: Path) -> None:
    # A package outside any site-packages (a source checkout on sys.path) has no prefix.
    package_dir = make_package(tmp_path, "checkout/python")
    exe = make_exe(tmp_path / "user" / "bin")

    found = _find_bin(package_dir, [tmp_path / "env" / "bin", tmp_path / "user" / "bin"])

    assert found == str(exe)


@POSIX_ONLY
def test_skips_files_that_are_not_executable(tmp_path: Path) -> None:
    package_dir = make_package(tmp_path, "venv/lib/python3.11/site-packages")
    make_exe(tmp_path / "venv" / "bin").chmod(0o644)
    (tmp_path / "target" / "bin" / "ziglink").mkdir(parents=True)
    exe = make_exe(tmp_path / "base" / "bin")

    assert _find_bin(package_dir, [tmp_path / "target" / "bin", tmp_path / "base" / "bin"]) == str(
        exe
    )


def test_not_found_lists_every_dir_looked_in(tmp_path: Path) -> None:
    package_dir = make_package(tmp_path, "venv/lib/python3.11/site-packages")
    scheme_dirs = [tmp_path / "base" / "bin", tmp_path / "user" / "bin"]

    with pytest.raises(ZiglinkNotFound) as caught:
        _find_bin(package_dir, scheme_dirs)

    expected = [
        tmp_path / "venv" / "bin",
        tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "bin",
        *scheme_dirs,
    ]
    assert isinstance(caught.value, FileNotFoundError)
    assert list(caught.value.searched) == expected
    message = str(caught.value)
    assert "\n" not in message
    for directory in expected:
        assert str(directory) in message


def test_real_scheme_dirs_start_with_the_interpreters_scripts() -> None:
    assert _find._scheme_dirs()[0] == sysconfig.get_path("scripts")


def test_version_falls_back_without_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise ziglink.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(ziglink.importlib.metadata, "version", missing)

    assert ziglink._distribution_version() == "0+unknown"
    assert isinstance(ziglink.__version__, str)


@POSIX_ONLY
def test_python_m_ziglink_passes_args_and_exit_code(tmp_path: Path) -> None:
    site_dir = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    shutil.copytree(
        Path(ziglink.__file__).parent,
        site_dir / "ziglink",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    exe = make_exe(tmp_path / "venv" / "bin", '#!/bin/sh\nprintf "%s\\n" "$0" "$@"\nexit 7\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(site_dir)

    proc = subprocess.run(
        [sys.executable, "-m", "ziglink", "--version", "two words", ""],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert proc.stderr == ""
    assert proc.stdout.splitlines() == [str(exe.resolve()), "--version", "two words", ""]
    assert proc.returncode == 7


def test_main_reports_a_missing_executable_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def not_found() -> str:
        raise ZiglinkNotFound("could not find it; looked in: /a, /b")

    monkeypatch.setattr(ziglink.__main__, "find_ziglink_bin", not_found)

    with pytest.raises(SystemExit) as caught:
        ziglink.__main__.main()

    assert caught.value.code == 1
    assert capsys.readouterr().err == "ziglink: error: could not find it; looked in: /a, /b\n"


def test_main_on_windows_waits_through_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    class Child:
        def __init__(self, argv: list[str]) -> None:
            started.append(argv)
            self.waits = 0

        def wait(self) -> int:
            self.waits += 1
            if self.waits == 1:
                raise KeyboardInterrupt
            return 3

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "argv", ["ziglink", "--version"])
    monkeypatch.setattr(ziglink.__main__, "find_ziglink_bin", lambda: "C:/env/Scripts/ziglink.exe")
    monkeypatch.setattr(ziglink.__main__.subprocess, "Popen", Child)

    with pytest.raises(SystemExit) as caught:
        ziglink.__main__.main()

    assert caught.value.code == 3
    assert started == [["C:/env/Scripts/ziglink.exe", "--version"]]
