"""Adds up the JUnit XML files of every suite and prints the total line."""
import pathlib
import sys
import xml.etree.ElementTree as ET

results = pathlib.Path(sys.argv[1])
passed = failed = skipped = 0
for xml in sorted(results.glob("*.xml")):
    suite_failed = 0
    for case in ET.parse(xml).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            suite_failed += 1
            print(f"FAILED [{xml.stem}] {case.get('classname', '')} {case.get('name')}")
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
expected = {"lit", "gtest", "embed", "onnx", "pytest"}
for name in sorted(expected - {p.stem for p in results.glob("*.xml")}):
    failed += 1
    print(f"FAILED [{name}] the suite produced no results")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
