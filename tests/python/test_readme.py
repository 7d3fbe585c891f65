"""The README and the user guide (docs/guide/) as a reader meets them: every relative link leads
to a file and, for an `#anchor`, to a heading GitHub gives that anchor; the README stays short;
its two set-up commands are the ones CI runs; and the shell blocks that need no project, network or
build (`ziglink targets`, `--help`, `explain`, `doctor`) run as pasted with the ziglink binary
cargo built, printing what the page shows after them."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs" / "guide").glob("*.md"))]
MAX_README_LINES = 350

FENCE = re.compile(r"^\s*```")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# A line that is cheap to run here: no project, network or zig work, only ziglink reporting.
RUNNABLE = re.compile(r"^(?:[A-Z][A-Z0-9_]*=\S*\s+)*ziglink (?:targets|--help|explain|doctor)\b")
SHELL_SYNTAX = re.compile(r"[|&;<>$`(){}*?]")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def prose(text: str) -> str:
    """The text outside fenced code blocks and code spans, where links are links."""
    kept, fenced = [], False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            kept.append("")
        else:
            kept.append("" if fenced else line)
    return CODE_SPAN.sub("", "\n".join(kept))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text lower-cased, punctuation but `-` and `_`
    dropped, spaces turned into hyphens."""
    text = LINK.sub(r"\1", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set:
    seen: dict[str, int] = {}
    found = set()
    for line in prose(path.read_text(encoding="utf-8")).split("\n"):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    text = prose(path.read_text(encoding="utf-8"))
    return [(text.count("\n", 0, m.start()) + 1, m.group(2)) for m in LINK.finditer(text)]


def test_there_are_guide_pages_and_the_readme_links_each_one():
    guide = [p for p in PAGES if p != README]
    assert guide, "docs/guide/ holds no pages"
    linked = {target.split("#")[0] for _, target in links(README)}
    unlinked = [relative(p) for p in guide if relative(p) not in linked]
    assert not unlinked, f"the README's Documentation index does not link {unlinked}"


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_relative_links_lead_to_a_file_and_a_heading(page):
    broken = []
    for line, target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        where = f"{relative(page)}:{line}: {target}"
        if not dest.exists():
            broken.append(f"{where}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{where}: no heading in {dest.name} has the anchor #{anchor}")
    assert not broken, "\n".join(broken)


def test_slugs_follow_github():
    assert slug("Coming from `maturin --zig` or `cargo zigbuild`") == (
        "coming-from-maturin---zig-or-cargo-zigbuild"
    )
    assert slug("Keeping zig's cache between CI runs") == "keeping-zigs-cache-between-ci-runs"
    assert slug("Sharing a build cache (sccache)") == "sharing-a-build-cache-sccache"


def test_the_readme_is_short():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_README_LINES, (
        f"README.md has {lines} lines, more than {MAX_README_LINES}: move a topic to docs/guide/"
    )


class Block(NamedTuple):
    page: Path
    line: int  # of the opening fence
    lang: str
    body: list[str]


def blocks(page: Path) -> list[Block]:
    found, current = [], None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if current is None:
            match = re.match(r"^\s*```(\S*)", line)
            if match:
                current = Block(page, number, match.group(1), [])
        elif FENCE.match(line):
            found.append(current)
            current = None
        else:
            current.body.append(line)
    return found


def commands(block: Block) -> list[str]:
    """The block's commands, a line each once `\\` continuations are joined, without comments."""
    joined, out = "\n".join(block.body).replace("\\\n", " "), []
    for line in joined.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def test_the_readme_set_up_commands_are_the_ones_ci_runs():
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Try it, test it") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    sh = [b for b in blocks(README) if b.lang == "sh" and start < b.line <= end]
    assert [len(b.body) for b in sh] == [1, 1], "Try it, test it: two one-line sh blocks"
    example, suite = (b.body[0] for b in sh)

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    marker = ci.index("# The README's test command, verbatim.")
    assert suite == ci[marker + 1], "the README's test command is not the one .ci/run runs"

    install = "python3 -m pip install nox uv"
    assert suite.split(" && ")[1:2] == [install]
    assert example == f"{install} && python3 -m nox -s example"

    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    sessions = {
        name or func
        for name, func in re.findall(
            r'@nox\.session(?:\((?:name="([^"]+)")?[^)]*\))?\ndef (\w+)', noxfile
        )
    }
    for command in (example, suite):
        for session in re.search(r"nox -s ([\w -]+)$", command).group(1).split():
            assert session in sessions, f"`{command}` names no nox session {session}"


class Runnable(NamedTuple):
    block: Block
    lines: list[str]
    shown: list[str]  # the ```text block right after it, if any


def runnable() -> list[Runnable]:
    found = []
    for page in PAGES:
        all_blocks = blocks(page)
        text = page.read_text(encoding="utf-8").splitlines()
        for i, block in enumerate(all_blocks):
            lines = commands(block)
            if block.lang != "sh" or not lines:
                continue
            if not all(RUNNABLE.match(c) and not SHELL_SYNTAX.search(c) for c in lines):
                continue
            shown: list[str] = []
            if i + 1 < len(all_blocks) and all_blocks[i + 1].lang == "text":
                after = text[block.line + len(block.body) + 1 : all_blocks[i + 1].line - 1]
                if not any(x.strip() for x in after):
                    shown = all_blocks[i + 1].body
            found.append(Runnable(block, lines, shown))
    return found


RUNNABLE_BLOCKS = runnable()


def test_the_pages_have_blocks_that_run_here():
    names = {RUNNABLE.match(c).group(0).split()[-1] for r in RUNNABLE_BLOCKS for c in r.lines}
    assert {"targets", "--help", "explain", "doctor"} <= names, names


def ziglink_bin() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    exe = target / "debug" / "ziglink"
    if not exe.is_file():
        pytest.fail(f"{exe} does not exist: run `cargo build` first (`nox -s tests` does)")
    return exe


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory) -> dict[str, str]:
    """The environment a pasted command gets: the built ziglink first on PATH, no ziglink
    settings of the caller's, a zig stand-in that only tells its version, and a zig cache of
    its own."""
    exe = ziglink_bin()
    tmp = tmp_path_factory.mktemp("readme")
    zig = tmp / "zig"
    zig.write_text('#!/bin/sh\nif [ "$1" = version ]; then echo 0.17.1; fi\nexit 0\n')
    zig.chmod(zig.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIGLINK_")}
    env.update(
        ZIGLINK_ZIG=str(zig),
        ZIG_GLOBAL_CACHE_DIR=str(tmp / "zig-cache"),
        PATH=os.pathsep.join([str(exe.parent), env.get("PATH", "")]),
    )
    env.pop("SDKROOT", None)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="the commands run in sh")
@pytest.mark.parametrize(
    "case",
    RUNNABLE_BLOCKS,
    ids=[f"{relative(r.block.page)}:{r.block.line}" for r in RUNNABLE_BLOCKS],
)
def test_the_block_runs_as_pasted(case, shell_env, tmp_path):
    # The folder a reader pastes into: `@linker-arguments` names the file rustc writes, with
    # one argument a line.
    (tmp_path / "linker-arguments").write_text("-m64\nmain.o\n-lgcc_s\n-o\napp\n")
    errors = [x for x in case.shown if x.startswith("ziglink: error:")]
    where = f"{relative(case.block.page)}:{case.block.line}"
    output = ""
    for command in case.lines:
        run = subprocess.run(
            ["sh", "-c", command],
            check=False,
            cwd=tmp_path,
            env=shell_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        output += run.stdout + run.stderr
        said = f"{where}: `{command}` exited with {run.returncode}:\n{run.stdout}{run.stderr}"
        if errors:
            assert run.returncode != 0, said
        else:
            assert run.returncode == 0, said
    for line in errors or case.shown[:1]:
        assert line in output, f"{where}: the page shows {line!r}, the commands printed:\n{output}"
