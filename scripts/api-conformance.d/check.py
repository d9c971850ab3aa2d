"""Helpers of scripts/api-conformance (python3, standard library only).

    check.py report JSON_REPORT LABEL    one summary line from a schemathesis JSON run report (`--report json`)
    check.py server-log LOG MARKERS      the server's stderr: requests by status, 5xx, lines that are not JSON
                                         objects, and any marker (LABEL<TAB>VALUE lines: the seeded personal
                                         values, the tokens, ...) found in it; exit 1 on any of these
    check.py db-url ADMIN_URL DBNAME     ADMIN_URL with its database replaced by DBNAME
    check.py get FIELD                   FIELD of the JSON object on stdin
"""

import collections
import json
import sys
import urllib.parse


def report(path, label):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    operations = data.get("operations", {})
    cases = data.get("test_cases", {})
    failures = data.get("failures", [])
    errors = data.get("errors", [])
    kinds = ", ".join(f"{failure.get('code')} {failure.get('title')} x{failure.get('count')}" for failure in failures)
    print(
        f"api-conformance: {label} pass: {operations.get('tested', 0)}/{operations.get('selected', 0)} operations "
        f"tested, {cases.get('generated', 0)} test cases, {cases.get('unique_failures', 0)} unique failure(s)"
        + (f" ({kinds})" if kinds else "")
        + f", {len(errors)} error(s), {data.get('running_time', 0):.1f} s, stop: {data.get('stop_reason')}"
    )
    for failure in failures:
        for operation in failure.get("operations", []):
            print(f"api-conformance:   {failure.get('code')} {failure.get('title')}: {operation}")
    for error in errors:
        print(f"api-conformance:   error: {json.dumps(error)[:300]}")


def server_log(path, markers_path):
    problems = 0
    statuses = collections.Counter()
    server_errors = collections.Counter()
    not_json = []
    other = collections.Counter()
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            not_json.append(line)
            continue
        if entry.get("message") == "request":
            status = entry.get("status")
            statuses[f"{str(status)[:1]}xx" if isinstance(status, int) else str(status)] += 1
            if isinstance(status, int) and status >= 500:
                server_errors[(entry.get("method"), entry.get("route"), status)] += 1
        else:
            other[str(entry.get("message"))[:60]] += 1
    print(
        f"api-conformance: server log: {sum(statuses.values())} requests ("
        + ", ".join(f"{key} {count}" for key, count in sorted(statuses.items()))
        + f"), {sum(other.values())} other line(s)"
    )
    for (method, route, status), count in sorted(server_errors.items(), key=str):
        print(f"api-conformance: FAIL: the server answered {status} to {method} {route} ({count}x)")
        problems += 1
    if not_json:
        print(f"api-conformance: FAIL: {len(not_json)} line(s) of the server's log are not JSON objects; the first:")
        for line in not_json[:5]:
            print(f"api-conformance:   {line[:300]}")
        problems += 1
    with open(markers_path, encoding="utf-8") as f:
        for line in f:
            label, _, value = line.rstrip("\n").partition("\t")
            if value and value in text:
                print(f"api-conformance: FAIL: the server's log contains {label} ({value!r}) "
                      f"{text.count(value)} time(s)")
                problems += 1
    return 1 if problems else 0


def db_url(admin_url, name):
    parts = urllib.parse.urlsplit(admin_url)
    print(urllib.parse.urlunsplit(parts._replace(path="/" + name)))


def get(field):
    value = json.load(sys.stdin)[field]
    print(value if isinstance(value, str) else json.dumps(value))


def main(argv):
    if len(argv) == 4 and argv[1] == "report":
        report(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "server-log":
        return server_log(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "db-url":
        db_url(argv[2], argv[3])
        return 0
    if len(argv) == 3 and argv[1] == "get":
        get(argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
