"""Runs a command and records it as one JUnit test case (pass = exit 0)."""
import subprocess
import sys
from xml.sax.saxutils import escape

out_path, name, *command = sys.argv[1:]
proc = subprocess.run(command, capture_output=True, text=True)
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
failure = ""
if proc.returncode != 0:
    failure = f'<failure message="exit {proc.returncode}">{escape(proc.stderr)}</failure>'
with open(out_path, "w") as f:
    f.write(f'<testsuite name="{name}"><testcase name="{name}">{failure}</testcase></testsuite>\n')
