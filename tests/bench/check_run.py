"""Checks a benchmark run: the rows ace-dt printed, and the requests it made.

    check_run.py rows EXPECTED.json ACTUAL.json
        Exits 1, naming the first differences, unless ACTUAL contains exactly
        the rows of EXPECTED in the same order. Prints the row count.

    check_run.py requests MINIMUM.txt LOG.txt
        MINIMUM lists the request paths the result requires, LOG the lines
        "METHOD PATH STATUS" the latency proxy wrote during one run.
        Prints "REQUESTS EXTRA MISSING" on the first line, then one line
        per extra request ("extra: METHOD PATH", a repeated request counts
        as extra) and per required path never requested ("missing: PATH").
"""

import collections
import json
import sys

MAX_LISTED = 20


def check_rows(expected_file, actual_file):
    with open(expected_file) as f:
        expected = json.load(f)
    try:
        with open(actual_file) as f:
            actual = json.load(f)
    except json.JSONDecodeError as error:
        print(f"{actual_file} is not valid JSON: {error}", file=sys.stderr)
        return 1

    pairs = [(row.get("reference"), row.get("digest")) for row in actual]
    expected_pairs = [(row["reference"], row["digest"]) for row in expected]
    if pairs == expected_pairs:
        print(len(pairs))
        return 0

    print(f"wrong output: {len(pairs)} rows, expected {len(expected_pairs)}", file=sys.stderr)
    missing = sorted(set(expected_pairs) - set(pairs))
    unexpected = sorted(set(pairs) - set(expected_pairs))
    for reference, digest in missing[:MAX_LISTED]:
        print(f"  missing row: {reference} {digest}", file=sys.stderr)
    for reference, digest in unexpected[:MAX_LISTED]:
        print(f"  unexpected row: {reference} {digest}", file=sys.stderr)
    if not missing and not unexpected:
        print("  the rows are right but in another order (or repeated)", file=sys.stderr)
    return 1


def check_requests(minimum_file, log_file):
    with open(minimum_file) as f:
        minimum = collections.Counter(line.strip() for line in f if line.strip())
    requests = collections.Counter()
    with open(log_file) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                requests[(parts[0], parts[1])] += 1

    extra = []
    for (method, path), count in sorted(requests.items()):
        allowed = minimum[path] if method == "GET" else 0
        extra += [f"{method} {path}"] * max(0, count - allowed)
    fetched = {path for (method, path) in requests if method == "GET"}
    missing = sorted(path for path in minimum if path not in fetched)

    print(sum(requests.values()), len(extra), len(missing))
    for request in extra:
        print(f"extra: {request}")
    for path in missing:
        print(f"missing: {path}")
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "rows":
        return check_rows(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 4 and sys.argv[1] == "requests":
        return check_requests(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
