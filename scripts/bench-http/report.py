"""The report of `scripts/bench http` (scripts/bench-http/drive.py measures; this lays the figures out), and the
issue's targets it checks them against."""
import json
import os

TARGET_RATIO = 0.8     # HTTP transitions/s at 16 connections against the library's at 16 workers
TARGET_RSS = 0.10      # RSS at the end within this fraction of RSS after 10% of the requests
TARGET_P99_MS = 50.0   # p99 at 64 connections, both operations
OPERATIONS = [("transitions", "POST /v1/cases/{ref}/transitions/{name}"), ("show", "GET /v1/cases/{ref}")]


def mark(met):
    return "not measured" if met is None else ("✓" if met else "✗")


def layout(rows, right):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
            for row in rows]


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def report_table(report):
    lines = [f"scripts/bench http — rsoctl serve on {report['library']['server']}, driven by wrk (1 thread, keep-alive) on "
             f"loopback, {report['seconds_per_level']:g} s per operation and level, after an unreported warm-up of "
             f"{report['warm_up']['seconds']:g} s per operation at {report['warm_up']['connections']} connections;",
             "transitions: fresh AVRR cases driven registered → returned (5 transitions each) as rsobench transitions "
             "drives them through engine.advance; reads: GET of 1,000 cases in turn; latencies are per request."]
    header = ["operation", "connections", "requests/s", "p50 ms", "p99 ms", "non-2xx", "RSS after (MiB)",
              "CPU µs/request (server+PG+wrk)", "CPUs busy"]
    rows = [header]
    for name, label in OPERATIONS:
        for level in sorted((l for l in report["levels"] if l["operation"] == name), key=lambda l: l["connections"]):
            non2xx = str(level["non_2xx"])
            socket_errors = sum(level["socket_errors"].values())
            if socket_errors:
                non2xx += f" (+{socket_errors} socket)"
            if level["starved"]:
                non2xx += " (ran out of cases)"
            rows.append([label, str(level["connections"]), f"{level['per_s']:.0f}", ms(level["p50_ms"]), ms(level["p99_ms"]),
                         non2xx, f"{level['rss_after_kib'] / 1024:.1f}",
                         "+".join(str(level["cpu_us_per_request"][k]) for k in ("server", "postgres", "wrk")),
                         f"{level['cpus_busy']:.2f}"])
    lines += layout(rows, right={1, 2, 3, 4, 5, 6, 7, 8})
    library, targets = report["library"], report["targets"]
    server = report["server"]
    lines.append(f"server: rsoctl serve {' '.join(server['command'][6:]) or '(its defaults)'}, "
                 f"holding {server['pool_connections'] if server['pool_connections'] is not None else '?'} connections "
                 "to PostgreSQL; a token is looked up once per 5 s (TokenGate)")
    lines.append(f"library: engine.advance at {library['workers']} workers (rsobench transitions, {library['seconds']:.0f} s, "
                 f"same PostgreSQL server, its own database; pool of {library['workers']} connections): "
                 f"{library['per_s']:.0f} transitions/s, p50 {library['p50_ms']:.1f} ms, p99 {library['p99_ms']:.1f} ms "
                 f"(raw SQL {library['raw_per_s']:.0f}/s); CPU µs/transition rsobench+PG "
                 f"{library['cpu_us_per_transition']['rsobench']:.0f}+{library['cpu_us_per_transition']['postgres']:.0f} "
                 "(rsobench counts every postgres process on the machine)")
    ratio = targets["ratio"]
    if ratio["http_per_s"] is not None:
        around = ratio.get("library_bracket_per_s") or []
        measured = (f"the mean of the library's {' and '.join(f'{r:.0f}' for r in around)} just before and after"
                    if around else "the library's first run")
        lines.append(f"HTTP/library at 16: {ratio['http_per_s']:.0f} / {ratio['library_per_s']:.0f} transitions/s ({measured}) = "
                     f"{ratio['value']:.2f} {mark(ratio['met'])} (target ≥ {TARGET_RATIO})")
    rss = report["rss"]
    lines.append(f"server RSS: after 10% of the {rss['requests']} requests {rss['at_10_percent_kib'] / 1024:.1f} MiB "
                 f"(at request {rss['at_10_percent_request']}), at the end {rss['at_end_kib'] / 1024:.1f} MiB: "
                 f"{rss['ratio']:.3f} {mark(targets['rss']['met'])} (target within ±{TARGET_RSS:.0%}); "
                 f"{rss['bytes_per_request']:+.0f} bytes per request in between; "
                 f"at start {rss['at_start_kib'] / 1024:.1f} MiB, peak {rss['peak_kib'] / 1024:.1f} MiB")
    p99 = targets["p99"]
    if p99["values_ms"]:
        lines.append("p99 at 64 connections: " + ", ".join(f"{name} {value:.1f} ms" for name, value in p99["values_ms"].items())
                     + f" {mark(p99['met'])} (target < {TARGET_P99_MS:.0f} ms)")
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(server["statuses"].items()))
    lines.append(f"server log: {server['requests']} requests ({statuses}); {len(server['problem_lines'])} warning or error "
                 f"line(s); SIGTERM: exit {server['stop']['exit_code']}, "
                 + ("stopped cleanly" if server["stop"]["clean"] else "did NOT stop cleanly"))
    for entry in server["problem_lines"][:10]:
        lines.append(f"  {json.dumps(entry, ensure_ascii=False)}")
    lines.append(f"load average before {report['load_average']['before']}, after {report['load_average']['after']}; "
                 f"{os.cpu_count()} CPUs shared by wrk, the server, PostgreSQL (and rsobench before)")
    if report["busy_at_start"]:
        lines.append(f"warning: load average {report['load_average']['before']} before the run: other work on the "
                     "machine skews these figures")
    if report["errors"]:
        lines.append("THIS RUN HAD ERRORS: " + "; ".join(report["errors"]))
    else:
        lines.append("errors: none (every request answered 2xx, no socket errors, no 5xx or error in the server's log)")
    lines.append(f"targets: HTTP transitions ≥ {TARGET_RATIO}× library at 16 connections: {mark(ratio['met'])}; "
                 f"RSS at the end within {TARGET_RSS:.0%} of RSS after 10%: {mark(targets['rss']['met'])}; "
                 f"p99 at 64 connections < {TARGET_P99_MS:.0f} ms: {mark(p99['met'])}")
    return "\n".join(lines)
