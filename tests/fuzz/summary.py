"""Closing summary of a schemathesis run, for tests/fuzz/run.sh.

Usage: summary.py REPORT_DIR SCHEMATHESIS_EXIT_CODE

Reads REPORT_DIR/junit.xml (one test case per API operation) and REPORT_DIR/report.json (the run's
verdict), lists every failure as operation, check and HTTP status, and ends with the line
`fuzz: N passed, M failed` counting API operations. A run that fails with no failing operation
(schema not loadable, internal error, ...) counts as one failure, so M > 0 whenever the exit code
is not 0. Exits 0 only when schemathesis exited 0 and nothing failed.
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

CHECK = re.compile(r"^- (ST\d+ .+)$", re.M)
STATUS = re.compile(r"^\[(\d{3})\] ", re.M)


def main() -> int:
    report, rc = Path(sys.argv[1]), int(sys.argv[2])
    junit, verdict = report / "junit.xml", report / "report.json"
    if not junit.is_file() or not verdict.is_file():
        print(f"fuzz: schemathesis exited with {rc} and wrote no report to {report}", file=sys.stderr)
        print("fuzz: 0 passed, 1 failed")
        return rc or 1
    run = json.loads(verdict.read_text(encoding="utf-8"))

    passed, failed, lines = 0, 0, []
    for case in ET.parse(junit).getroot().iter("testcase"):
        problems = case.findall("failure") + case.findall("error")
        if case.find("skipped") is not None and not problems:
            continue
        if not problems:
            passed += 1
            continue
        failed += 1
        for problem in problems:
            text = problem.text or problem.get("message") or ""
            # A failure block names its checks (`- ST103 Undocumented status code`) and the response
            # (`[400] Bad Request:`); an error block is an exception in the run, not a response.
            checks = CHECK.findall(text) or [f"error: {problem.get('message') or text.splitlines()[0]}"]
            status = STATUS.search(text)
            for check in checks:
                lines.append(f"  {case.get('name')}: {check}" + (f" (HTTP {status.group(1)})" if status else ""))

    # Failures of the run-level checks, and errors with no operation, show up only in report.json.
    in_junit = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    for group in run.get("failures", []):
        for label in group.get("operations", []):
            if label not in in_junit:
                failed += 1
                in_junit.add(label)
                lines.append(f"  {label}: {group['code']} {group['title']}")
    if rc != 0 and failed == 0:
        failed = 1
        errors = ", ".join(e["title"] for e in run.get("errors", [])) or f"stop reason {run.get('stop_reason')}"
        lines.append(f"  the run itself: schemathesis exited with {rc} ({errors})")

    cases = run.get("test_cases", {})
    print()
    print(
        f"fuzz: {cases.get('generated', 0)} test cases in {run.get('running_time', 0):.0f} s, "
        f"{cases.get('unique_failures', 0)} unique failures; reports in {report}"
    )
    if lines:
        print("fuzz: failing operations (details and curl reproductions in schemathesis.txt):")
        print("\n".join(lines))
    print(f"fuzz: {passed} passed, {failed} failed")
    if rc != 0:
        return rc
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
