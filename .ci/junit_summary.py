"""Prints, for each JUnit report in a folder, how many tests passed, failed and were skipped,
and the names of those that did not pass: what a CI run proved, per session."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

for report in sorted(Path(sys.argv[1]).glob("*.xml")):
    cases = list(ET.parse(report).getroot().iter("testcase"))
    outcome = {}
    for case in cases:
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcome[name] = next((k for k in ("failure", "error", "skipped") if k in kinds), "passed")
    counts = {
        k: sum(1 for v in outcome.values() if v == k)
        for k in ("passed", "failure", "error", "skipped")
    }
    print(
        f"ci: {report.stem}: {counts['passed']} passed, {counts['failure'] + counts['error']} failed, {counts['skipped']} skipped"
    )
    for name, kind in outcome.items():
        if kind != "passed":
            print(f"ci:   {kind}: {name}")
