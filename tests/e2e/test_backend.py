"""The ziglink.maturin build backend: a maturin project whose pyproject.toml names it, with no
cargo config and no build arguments, builds a manylinux2014 wheel linked by ziglink with every
frontend; a compatibility tag moves the floor; editable installs (PEP 660) link with ziglink
too; and the seed workspace builds with it, the second time compiling nothing."""

from __future__ import annotations

import os
import re
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import max_glibc

from tests.harness import EXAMPLE, MEMBERS, copy_tree, run, seed_workspace

pytestmark = pytest.mark.e2e

NOTE_2014 = (
    "ziglink: linking x86_64-unknown-linux-gnu for glibc 2.17; maturin checks the wheel against "
    "manylinux2014"
)
# glibc 2.28's fcntl64, called from the extension: the symbol version it binds to is the floor.
FCNTL64 = """
extern "C" {
    fn fcntl64(fd: i32, cmd: i32, ...) -> i32;
}

/// stdin's descriptor flags, through fcntl64 (glibc 2.28).
#[pyfunction]
fn stdin_flags() -> i32 {
    // SAFETY: F_GETFD (1) takes no third argument and touches no memory.
    unsafe { fcntl64(0, 1) }
}
"""


def pip_env(env: dict[str, str], wheelhouse: Path) -> dict[str, str]:
    """pip (and `python -m build`, which installs with pip) resolving from the wheelhouse."""
    return {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}


def build(frontend: str, src: Path, out: Path, wheelhouse: Path, env: dict[str, str], *args: str):
    """Builds `src` with `frontend` and no build arguments but `args` (as a build-args config
    setting); returns the wheel and what the build printed on stderr."""
    setting = [f"build-args={' '.join(args)}"] if args else []
    if frontend == "uv":
        # Without --wheel uv builds the sdist, then the wheel from it: both hooks run.
        cmd = ["uv", "build", "--no-index", "--find-links", wheelhouse, "-o", out, src]
        cmd[2:2] = [a for s in setting for a in ("--config-setting", s)]
        proc = run(cmd, env=env)
        assert list(out.glob("*.tar.gz")), "uv build makes an sdist first"
    elif frontend == "pip":
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", out, src]
        cmd += [a for s in setting for a in ("-C", s)]
        proc = run(cmd, env=pip_env(env, wheelhouse))
    else:
        cmd = [sys.executable, "-m", "build", "--wheel", "-o", out, src]
        cmd += [f"--config-setting={s}" for s in setting]
        proc = run(cmd, env=pip_env(env, wheelhouse))
    (wheel,) = out.glob("*.whl")
    return wheel, proc.stdout + proc.stderr


def extension(wheel: Path, into: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".so")]
        return Path(archive.extract(name, into))


def linked_by_zig(so: Path) -> bool:
    """zig's crt objects say `clang` in .comment, and nothing GCC compiled is in the file."""
    comment = run(["readelf", "-p", ".comment", so], env=dict(os.environ)).stdout
    return "clang version" in comment and "GCC:" not in comment


def imports_and_runs(wheel: Path, tmp_path: Path, env: dict[str, str], check: str) -> str:
    venv = tmp_path / "venv"
    run(["uv", "venv", "--quiet", venv], env=env)
    python = venv / "bin" / "python"
    run(["uv", "pip", "install", "--quiet", "--python", python, wheel], env=env)
    return run([python, "-c", check], env=env).stdout


@pytest.mark.parametrize("frontend", ["uv", "pip", "build"])
def test_the_backend_line_alone_gives_a_manylinux2014_wheel(
    frontend, wheelhouse, sandbox, tmp_path
):
    src = copy_tree(EXAMPLE, tmp_path / "pyo3-hello")
    assert not (src / ".cargo").exists()
    assert 'build-backend = "ziglink.maturin"' in (src / "pyproject.toml").read_text()
    wheel, log = build(frontend, src, tmp_path / "out", wheelhouse, sandbox.env)

    assert wheel.name.endswith("-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"), wheel
    assert NOTE_2014 in log, log[-3000:]
    assert "ziglink: warning" not in log
    assert "is not set to `maturin`" not in log, "the backend is maturin's; no warning about it"
    show = " ".join(run(["auditwheel", "show", wheel], env=sandbox.env).stdout.split())
    assert 'consistent with the following platform tag: "manylinux_2_17_x86_64"' in show, show
    so = extension(wheel, tmp_path / "unpacked")
    assert max_glibc(so) <= (2, 17)
    assert linked_by_zig(so)
    check = "import pyo3_hello as m; print(m.add(2, 40), m.survives_panic())"
    assert imports_and_runs(wheel, tmp_path, sandbox.env, check).split() == ["42", "True"]


@pytest.mark.parametrize("asked_by", ["build-args", "tool.ziglink"])
def test_manylinux_2_28_moves_the_floor_to_glibc_2_28(asked_by, wheelhouse, sandbox, tmp_path):
    """A symbol of glibc 2.28 binds to GLIBC_2.28 once the floor is 2.28, whichever way it was
    asked for, and the tag follows the floor."""
    src = copy_tree(EXAMPLE, tmp_path / "pyo3-hello")
    lib = src / "src" / "lib.rs"
    text = lib.read_text().replace("#[pymodule]", FCNTL64 + "\n#[pymodule]")
    register = "    m.add_function(wrap_pyfunction!(stdin_flags, m)?)?;\n    Ok(())"
    lib.write_text(text.replace("    Ok(())", register))
    args = []
    if asked_by == "build-args":
        args = ["--compatibility", "manylinux_2_28"]
    else:
        pyproject = src / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + '\n[tool.ziglink]\nglibc = "2.28"\n')
    wheel, log = build("uv", src, tmp_path / "out", wheelhouse, sandbox.env, *args)

    assert wheel.name.endswith("-cp39-abi3-manylinux_2_28_x86_64.whl"), wheel
    assert "for glibc 2.28" in log, log[-3000:]
    so = extension(wheel, tmp_path / "unpacked")
    assert max_glibc(so) == (2, 28)
    check = "import pyo3_hello as m; print(m.add(2, 40), m.stdin_flags() >= -1)"
    assert imports_and_runs(wheel, tmp_path, sandbox.env, check).split() == ["42", "True"]


def test_pip_install_editable_links_with_ziglink(wheelhouse, sandbox, tmp_path):
    """PEP 660: `pip install -e` runs the backend's build_editable."""
    src = copy_tree(EXAMPLE, tmp_path / "pyo3-hello")
    venv = tmp_path / "venv"
    run(["uv", "venv", "--quiet", venv], env=sandbox.env)
    python = venv / "bin" / "python"
    env = pip_env(sandbox.env, wheelhouse)
    pip = [sys.executable, "-m", "pip", "--python", python]
    installed = run([*pip, "install", "-v", "-e", src], env=env)
    assert NOTE_2014 in installed.stdout + installed.stderr
    check = "import pyo3_hello as m; print(m.add(2, 40), m.survives_panic())"
    assert run([python, "-c", check], env=env).stdout.split() == ["42", "True"]
    (so,) = venv.glob("lib/python*/site-packages/pyo3_hello/*.so")
    assert max_glibc(so) <= (2, 17)
    assert linked_by_zig(so)


def test_seed_workspace_builds_with_the_backend_and_then_compiles_nothing(
    wheelhouse, sandbox, tmp_path
):
    """uv build --all-packages of the seed workspace, three times: each member's build
    environment is new and deleted afterwards. The names ziglink gives cargo are the same in
    each, so the second build finds everything fresh; and zig gets its lib folder at one path in
    each, so the three members of the first build share one build of each runtime zig makes,
    and the third, which links every member again, adds nothing to zig's cache. (For these
    glibc links zig 0.17.1 keys nothing on the lib folder's path; the musl test in
    test_shared_cache.py is the one that fails without the copy.)"""
    workspace = seed_workspace(tmp_path / "workspace")
    out = tmp_path / "out"
    cache = tmp_path / "zig-cache"
    env = {**sandbox.env, "ZIG_GLOBAL_CACHE_DIR": str(cache)}
    cmd = ["uv", "build", "--all-packages", "--wheel", "--no-index", "--find-links", wheelhouse]
    libs = [workspace / "packages" / n / "target" / "release" / f"libseed_{n}.so" for n in MEMBERS]
    compiled, linked, entries = [], [], []
    for i in range(3):
        if i == 2:
            for name in MEMBERS:
                os.utime(workspace / "packages" / name / "src" / "lib.rs")
        proc = run([*cmd, "-o", out], env=env, cwd=workspace)
        log = proc.stdout + proc.stderr
        assert "ziglink: warning" not in log
        compiled.append(len(re.findall(r"^\s+Compiling ", log, re.MULTILINE)))
        wheels = sorted(p.name for p in out.glob("*.whl"))
        assert len(wheels) == len(MEMBERS) and all("manylinux2014_x86_64" in w for w in wheels)
        for wheel in out.glob("*.whl"):
            wheel.unlink()
        linked.append([lib.stat().st_mtime_ns for lib in libs])
        entries.append(
            {p.name: sorted(f.name for f in p.iterdir()) for p in (cache / "o").iterdir()}
        )
    assert compiled[0] > 0 and compiled[1] == 0 and compiled[2] == len(MEMBERS), compiled
    assert linked[1] == linked[0], "nothing was linked again"
    assert all(a != b for a, b in zip(linked[2], linked[1])), "every member was linked again"
    library = re.compile(r"\.(a|so)(\.\d+)*$")
    libraries = [f for files in entries[0].values() for f in files if library.search(f)]
    twice = sorted({f for f in libraries if libraries.count(f) > 1})
    assert libraries and not twice, f"runtimes zig built more than once: {twice}"
    assert entries[2] == entries[0], sorted(entries[2].keys() - entries[0].keys())


@pytest.mark.parametrize(
    ("args", "pyproject", "wanted"),
    [
        (["--zig"], "", "drop --zig from the build arguments"),
        ([], '\n[tool.ziglink]\nglib = "2.28"\n', "[tool.ziglink] has no key `glib`"),
        (
            ["--compatibility", "manylinux_2_28"],
            '\n[tool.ziglink]\nglibc = "2.31"\n',
            "above manylinux_2_28 (glibc 2.28)",
        ),
    ],
    ids=["zig", "typo", "conflict"],
)
def test_mistakes_stop_the_build_with_one_line(
    args, pyproject, wanted, wheelhouse, sandbox, tmp_path
):
    src = copy_tree(EXAMPLE, tmp_path / "pyo3-hello")
    path = src / "pyproject.toml"
    path.write_text(path.read_text() + pyproject)
    setting = ["--config-setting", f"build-args={' '.join(args)}"] if args else []
    cmd = ["uv", "build", "--wheel", "--no-index", "--find-links", wheelhouse, *setting]
    failed = run([*cmd, "-o", tmp_path / "out", src], env=sandbox.env, check=False)
    assert failed.returncode != 0
    errors = [line for line in failed.stderr.splitlines() if line.startswith("ziglink: error:")]
    assert len(errors) == 1 and wanted in errors[0], failed.stderr[-3000:]
    assert "Compiling" not in failed.stderr, "refused before cargo started"
