"""What every pytest run under tests/ shares: in a session CI runs, a test that would be skipped
fails instead. Such a session sets ZIGLINK_NO_SKIPS (the noxfile does, for `tests` and `e2e`): a
skip there means something the session was meant to prove went unproven, and a green run would
say it was proven. Elsewhere (`nox -s unit` on a release host, a developer's partial run) a skip
stays a skip, with its reason. A skip in a fixture or mark shows as an error, one in the test as
a failure: neither passes."""

from __future__ import annotations

import os

import pytest

NO_SKIPS = "ZIGLINK_NO_SKIPS"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and os.environ.get(NO_SKIPS)) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"skipped in a session that allows no skips ({NO_SKIPS}): {reason}"
