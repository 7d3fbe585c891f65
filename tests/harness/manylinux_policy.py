"""ziglink's table of the manylinux policies (src/target/manylinux/policies.json), made from the
policy data of the auditwheel installed here:

    python -m tests.harness.manylinux_policy src/target/manylinux/policies.json

`nox -s manylinux-policy` runs it with the auditwheel version the test suite pins, and the e2e
suite checks that the committed table is what this gives. build.rs compiles the file into
static tables. The table keeps what ziglink's
post-link check asks: per policy its glibc, its aliases, the libraries a wheel may load from the
system, the symbols of those libraries it may not use, and per architecture the symbol versions
(GLIBC_, GLIBCXX_, CXXABI_, GCC_, ZLIB_ ...) it may ask for. The generic `linux` policy, which
allows everything, is left out.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
from pathlib import Path
from typing import Any

SOURCE_FILE = "auditwheel/policy/manylinux-policy.json"


def auditwheel_policies() -> tuple[str, list[dict[str, Any]]]:
    """The installed auditwheel's version and its manylinux policies, as it ships them."""
    version = importlib.metadata.version("auditwheel")
    files = importlib.metadata.files("auditwheel") or []
    (data,) = [f for f in files if str(f).replace("\\", "/") == SOURCE_FILE]
    return version, json.loads(Path(data.locate()).read_text())


def glibc_of(name: str) -> str:
    """`manylinux_2_17` -> `2.17`."""
    _, major, minor = name.rsplit("_", 2)
    return f"{int(major)}.{int(minor)}"


def table() -> dict[str, Any]:
    """The table ziglink keeps, from the installed auditwheel."""
    version, policies = auditwheel_policies()
    out = []
    for policy in sorted(policies, key=lambda p: -p["priority"]):
        if policy["name"] == "linux":
            continue
        out.append(
            {
                "name": policy["name"],
                "glibc": glibc_of(policy["name"]),
                "aliases": policy["aliases"],
                "libraries": sorted(policy["lib_whitelist"]),
                "forbidden_symbols": {
                    lib: sorted(symbols) for lib, symbols in sorted(policy["blacklist"].items())
                },
                "versions": {
                    arch: {prefix: list(names) for prefix, names in sorted(prefixes.items())}
                    for arch, prefixes in sorted(policy["symbol_versions"].items())
                },
            }
        )
    return {"source": f"auditwheel {version}, {SOURCE_FILE}", "policies": out}


def render(data: dict[str, Any]) -> str:
    """The table as written to the file: one key per line down to each list, each list on one
    line, so that a new auditwheel's changes read as a short diff."""

    def emit(value: Any, indent: int) -> str:
        pad = "  " * indent
        if isinstance(value, dict):
            items = [f"{pad}  {json.dumps(k)}: {emit(v, indent + 1)}" for k, v in value.items()]
            return "{\n" + ",\n".join(items) + f"\n{pad}}}" if items else "{}"
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            items = [f"{pad}  {emit(v, indent + 1)}" for v in value]
            return "[\n" + ",\n".join(items) + f"\n{pad}]"
        return json.dumps(value)

    return emit(data, 0) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    args.output.write_text(render(table()))
    print(f"wrote {args.output} from {table()['source']}")


if __name__ == "__main__":
    main()
