"""`python -m ziglink ARGS`: runs the ziglink executable with ARGS and exits with its code."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import NoReturn

from ziglink._find import ZiglinkNotFound, find_ziglink_bin


def main() -> NoReturn:
    try:
        binary = find_ziglink_bin()
    except ZiglinkNotFound as error:
        _fail(str(error))
    argv = [binary, *sys.argv[1:]]
    try:
        if sys.platform != "win32":
            # Become the executable, so signals, the exit code and the process id are its own.
            os.execv(binary, argv)
        sys.exit(_run_child(argv))
    except OSError as error:
        _fail(f"cannot run {binary}: {error}")


def _run_child(argv: list[str]) -> int:
    """Windows has no exec that keeps the process: wait for a child and return its exit code."""
    child = subprocess.Popen(argv)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            # Ctrl+C reached the child as well; it decides how to end, and we keep waiting.
            continue


def _fail(message: str) -> NoReturn:
    print(f"ziglink: error: {message}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
