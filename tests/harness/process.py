"""Running commands: one helper for the tests, the stress harness and the benchmarks."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path
from typing import Mapping, Sequence

# Enough of a build's output for its last errors, little enough to read in a test report.
TAIL = 6000


class CommandFailed(subprocess.CalledProcessError):
    """A command that exited non-zero; its message ends with the end of what it printed."""

    def __str__(self) -> str:
        text = f"{shlex.join(self.cmd)} exited {self.returncode}"
        if self.stdout is not None:
            text += f"\n--- stdout ---\n{self.stdout[-TAIL:]}"
        if self.stderr is not None:
            text += f"\n--- stderr ---\n{self.stderr[-TAIL:]}"
        return text


def run(
    cmd: Sequence[str | Path],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    check: bool = True,
    capture: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Runs `cmd` in `env`, which is always given so that no command gets this process's own
    environment by accident. With `check`, a non-zero exit raises CommandFailed.

    Captured output comes back as text. Uncaptured output goes to this process's stdout and
    stderr, after the command line, so that whoever reads it can tell which step printed what.
    """
    args = [str(c) for c in cmd]
    if not capture:
        print("+", shlex.join(args), flush=True)
    proc = subprocess.run(
        args, env=dict(env), cwd=cwd, capture_output=capture, text=True, check=False
    )
    if check and proc.returncode != 0:
        raise CommandFailed(proc.returncode, args, proc.stdout, proc.stderr)
    return proc


def timed(cmd: Sequence[str | Path], *, env: Mapping[str, str], cwd: Path | None = None) -> float:
    """Wall-clock seconds of one run of `cmd`, which has to succeed."""
    start = time.perf_counter()
    run(cmd, env=env, cwd=cwd)
    return time.perf_counter() - start
