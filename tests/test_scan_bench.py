"""The pipeline benchmark runs and prints its table (timings are not judged here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_pipeline_smoke():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_pipeline.py"),
                             "--pages", "1"], capture_output=True, text=True, timeout=240,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["page", "input"]
    rows = [line for line in lines if line.startswith("A4 ")]
    assert len(rows) == 4
    assert all(float(row.split()[-1]) > 0 for row in rows)
    assert "worst ratio" in lines[-1]
