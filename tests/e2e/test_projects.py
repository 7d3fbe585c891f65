"""Whole projects whose builds take minutes, run by `nox -s projects` rather than the e2e
session: maturin's uniffi case, a release wheel whose Python bindings uniffi-bindgen generates
from the `UNIFFI_META_*` symbols in the built library's symbol table (before ziglink kept it:
`No UniFFI metadata found in .../libhello_uniffi.so`)."""

from __future__ import annotations

import sys
import zipfile

import pytest
from conftest import max_glibc

from tests.harness import FIXTURES, copy_tree, run

pytestmark = pytest.mark.projects


def test_a_uniffi_release_wheel_has_its_bindings(wheelhouse, sandbox, tmp_path):
    project = copy_tree(FIXTURES / "hello-uniffi", tmp_path / "hello-uniffi")
    out = tmp_path / "dist"
    env = {**sandbox.env, "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER": "ziglink"}
    run(["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse,
         "--config-setting", "build-args=--compatibility manylinux2014", "-o", out, project],
        env=env)  # fmt: skip
    (wheel,) = out.glob("*.whl")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    bindings = (unpacked / "hello_uniffi" / "hello_uniffi.py").read_text()
    assert "def add(left: int,right: int) -> int:" in bindings
    assert "def greeting(name: str) -> str:" in bindings
    (library,) = unpacked.glob("hello_uniffi/*.so")
    assert max_glibc(library) <= (2, 17)
    check = "import hello_uniffi as m; print(m.add(2, 40), m.greeting('zig'))"
    imported = run([sys.executable, "-c", check], env={**env, "PYTHONPATH": str(unpacked)})
    assert imported.stdout.split() == ["42", "hello,", "zig"]
