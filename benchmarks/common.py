"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], out_path: Path) -> float:
    """Wall time of one process run from the repository root, its stdout saved to ``out_path``."""
    start = time.perf_counter()
    with open(out_path, "w") as out:
        subprocess.run(cmd, stdout=out, check=True, cwd=ROOT)
    return time.perf_counter() - start
