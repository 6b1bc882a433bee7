"""One line per distinct failure in a Schemathesis text report:
role, operation, check, status and the problem's first field error or detail.
Usage: python3 failures.py ROLE REPORT.txt ..."""

import json
import re
import sys


def failures(text: str):
    if "= FAILURES =" not in text:
        return
    text = text.split("= FAILURES =", 1)[1].split("= WARNINGS =", 1)[0].split("= SUMMARY =", 1)[0]
    operation = check = None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if m := re.match(r"^_{3,} (.*?) _{3,}$", line):
            operation = m.group(1)
        elif m := re.match(r"^- (ST\d+ .*)", line):
            check = m.group(1)
        elif (m := re.match(r"^\[(\d+)\]", line)) and i + 2 < len(lines):
            body = lines[i + 2].strip().strip("`")
            what = body[:120]
            try:
                problem = json.loads(body)
                errors = problem.get("errors") or []
                what = (
                    f"{errors[0]['field']}: {errors[0]['message']}"
                    if errors
                    else problem.get("detail") or problem.get("title") or what
                )
            except (ValueError, AttributeError, KeyError, IndexError):
                pass
            yield operation, check, m.group(1), what[:140]


def main() -> None:
    args = sys.argv[1:]
    seen = set()
    for role, path in zip(args[::2], args[1::2]):
        with open(path, encoding="utf-8") as f:
            for failure in failures(f.read()):
                if failure not in seen:
                    seen.add(failure)
                    print(f"{role:10} {' | '.join(failure)}")


if __name__ == "__main__":
    main()
