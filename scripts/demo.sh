#!/usr/bin/env bash
# The main job: compile real models with Kiln, run them, check the numbers
# against independent references and print the results and timings.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh" > /dev/null
exec /usr/bin/python3 "$ROOT/scripts/demo.py"
