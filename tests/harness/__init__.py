"""What the end-to-end tests, the stress harness and the benchmarks share: one Sandbox for an
isolated build, one way to run a command, the projects they build and the wheelhouse they
install from (tests.harness.wheelhouse, which is also the script that fills it).

Everything imports it as `tests.harness`, with the repository's root on sys.path, and nothing
adds folders to sys.path by hand: pytest puts the root there (`pythonpath` in pyproject.toml),
and the scripts run as modules from the root, which puts it there too:

    python -m tests.stress.stress --wheelhouse target/wheelhouse
    python -m bench.bench --wheelhouse target/wheelhouse
"""

from .process import CommandFailed, run, timed
from .sandbox import Sandbox, clean_environ, file_tree, free_port, venv_with, with_path
from .sources import (
    EXAMPLE,
    FIXTURES,
    MEMBERS,
    ROOT,
    copy_tree,
    linker_config,
    plain_maturin,
    record_link,
    seed_workspace,
)

__all__ = [
    "EXAMPLE",
    "FIXTURES",
    "MEMBERS",
    "ROOT",
    "CommandFailed",
    "Sandbox",
    "clean_environ",
    "copy_tree",
    "file_tree",
    "free_port",
    "linker_config",
    "plain_maturin",
    "record_link",
    "run",
    "seed_workspace",
    "timed",
    "venv_with",
    "with_path",
]
