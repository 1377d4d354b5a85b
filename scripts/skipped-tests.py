#!/usr/bin/env python3
"""Lists the tests CTest skipped, with their reasons, from its JUnit report (ctest --output-junit).

    scripts/skipped-tests.py JUNIT_XML [--allow FILE]

A test counts as skipped when CTest did not run it or reported it skipped (a gtest GTEST_SKIP, a
shell test's exit code 77), and also when it passed but printed a line "SKIPPED: <reason>" (a
shell test that left out a part). The reason is the gtest skip message or the text after
"SKIPPED:".

With --allow, FILE holds one regular expression per line (# starts a comment); every skip whose
reason matches none of them is an error, and the exit status is 1. CI uses this: a test that skips
there is a test that does not exist, unless the reason is one CI cannot change.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET


def gtest_reasons(output):
    """The messages of GTEST_SKIP() << "...": the lines after "file:line: Skipped"."""
    reasons, lines, i = [], output.splitlines(), 0
    while i < len(lines):
        if lines[i].endswith(": Skipped"):
            message = []
            i += 1
            while i < len(lines) and lines[i].strip() and not lines[i].startswith("[  SKIPPED ]"):
                message.append(lines[i].strip())
                i += 1
            reasons.append(" ".join(message))
        else:
            i += 1
    return reasons


def script_reasons(output):
    return [m.group(1).strip() for m in re.finditer(r"^SKIPPED: (.*)$", output, re.MULTILINE)]


def skips(junit_path):
    """(test name, reason) for every skip in the report."""
    found = []
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        name = case.get("name", "?")
        output = case.findtext("system-out") or ""
        status = case.get("status", "")
        skipped = case.find("skipped")
        reasons = gtest_reasons(output) + script_reasons(output)
        if status in ("notrun", "disabled") or skipped is not None:
            if not reasons:
                message = skipped.get("message", "") if skipped is not None else ""
                reasons = [f"not run ({message or status})"]
            found += [(name, reason) for reason in reasons]
        elif status == "run":
            found += [(name, reason) for reason in script_reasons(output)]
    return found


def load_allowed(path):
    patterns = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(re.compile(line))
    return patterns


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit")
    parser.add_argument("--allow", help="file of allowed skip reasons (regular expressions)")
    args = parser.parse_args()

    found = skips(args.junit)
    allowed = load_allowed(args.allow) if args.allow else None
    refused = 0
    for name, reason in found:
        if allowed is None:
            print(f"skipped: {name}: {reason}")
        elif any(p.search(reason) for p in allowed):
            print(f"skipped (allowed): {name}: {reason}")
        else:
            print(f"SKIPPED, NOT ALLOWED: {name}: {reason}")
            refused += 1
    print(f"{len(found)} skip(s) in {args.junit}" + (f", {refused} not allowed" if allowed else ""))
    if refused:
        print(f"A test that skips here does not run: give it what it needs, or, if the reason is "
              f"one this machine cannot change, add it to {args.allow}.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
