"""pytest setup for the model tests: the `kiln` package comes from
$KILN_PYTHON_PATH (default /work/main/build/python_packages)."""
import os
import sys

PYTHON_PATH = os.environ.get("KILN_PYTHON_PATH",
                             "/work/main/build/python_packages")
sys.path.insert(0, PYTHON_PATH)
