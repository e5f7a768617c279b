"""pytest setup for the Python API tests: the `kiln` package comes from
$KILN_PYTHON_PATH (default /work/main/build/python_packages), the tools from
$KILN_TOOLS_DIR (default /work/main/build/bin)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_PATH = os.environ.get("KILN_PYTHON_PATH",
                             "/work/main/build/python_packages")
TOOLS_DIR = Path(os.environ.get("KILN_TOOLS_DIR", "/work/main/build/bin"))
sys.path.insert(0, PYTHON_PATH)


@pytest.fixture
def run_tool():
    """Runs build/bin/<name> with arguments; returns the CompletedProcess."""
    def run(name, *args, timeout=300):
        return subprocess.run([str(TOOLS_DIR / name), *map(str, args)],
                              capture_output=True, text=True, timeout=timeout)
    return run
