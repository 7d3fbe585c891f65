"""Prints, for each JUnit report in a folder, how many tests passed, failed and were skipped,
the names of those that did not pass, and the slowest: what a CI run proved, per session, and
where its time went."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SLOWEST = 8

for report in sorted(Path(sys.argv[1]).glob("*.xml")):
    cases = list(ET.parse(report).getroot().iter("testcase"))
    outcome = {}
    seconds = {}
    for case in cases:
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcome[name] = next((k for k in ("failure", "error", "skipped") if k in kinds), "passed")
        seconds[name] = float(case.get("time") or 0)
    counts = {
        k: sum(1 for v in outcome.values() if v == k)
        for k in ("passed", "failure", "error", "skipped")
    }
    print(
        f"ci: {report.stem}: {counts['passed']} passed, {counts['failure'] + counts['error']} "
        f"failed, {counts['skipped']} skipped, {sum(seconds.values()):.0f} s in tests"
    )
    for name, kind in outcome.items():
        if kind != "passed":
            print(f"ci:   {kind}: {name}")
    for name in sorted(seconds, key=seconds.get, reverse=True)[:SLOWEST]:
        print(f"ci:   {seconds[name]:6.0f} s  {name}")
