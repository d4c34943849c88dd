"""examples/user_project passes its own tests under the installed plugin.

The sample is run as its owner would run it: pytest in its folder, with its
own configuration, and no fixture from lora_lab's own tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "user_project"

# A guard against a hung run, not a speed check.
RUN_TIMEOUT = 300


def test_the_sample_user_project_passes() -> None:
    declared = sum(
        len(re.findall(r"^def test_", path.read_text(), flags=re.MULTILINE))
        for path in (PROJECT / "tests").glob("test_*.py")
    )

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )

    report = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, report
    assert declared >= 5
    summary = result.stdout.strip().splitlines()[-1]
    passed = re.fullmatch(r"(\d+) passed in .*", summary)
    assert passed is not None, report  # nothing skipped, nothing deselected
    assert int(passed[1]) >= declared, report
    assert not (PROJECT / "conftest.py").exists()
    assert not (PROJECT / "tests" / "conftest.py").exists()
