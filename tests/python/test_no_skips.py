"""tests/conftest.py: in a session that allows no skips, a skip is a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPING = """
import pytest

@pytest.mark.skipif(True, reason="needs a thing")
def test_marked():
    pass

def test_called():
    pytest.skip("needs another thing")

@pytest.mark.xfail(reason="known")
def test_expected_to_fail():
    assert False
"""


def pytest_of(folder: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZIGLINK_NO_SKIPS"} | extra
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "-rA", "--rootdir", folder, folder / "test_skipping.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_a_skip_fails_where_no_skips_are_allowed_and_is_a_skip_elsewhere(tmp_path):
    (tmp_path / "test_skipping.py").write_text(SKIPPING)
    strict = pytest_of(tmp_path, ZIGLINK_NO_SKIPS="1")
    assert strict.returncode == 1, strict.stdout
    # The skipif mark acts before the test runs: an error there, a failure in the test.
    assert "1 failed, 1 xfailed, 1 error" in strict.stdout, strict.stdout
    assert "allows no skips (ZIGLINK_NO_SKIPS): needs a thing" in strict.stdout
    assert "allows no skips (ZIGLINK_NO_SKIPS): needs another thing" in strict.stdout
    lenient = pytest_of(tmp_path)
    assert lenient.returncode == 0, lenient.stdout
    assert "2 skipped, 1 xfailed" in lenient.stdout, lenient.stdout
