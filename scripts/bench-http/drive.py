#!/usr/bin/env python3
"""The driver of `scripts/bench http` (scripts/bench prepares the databases, users and tokens, then runs this).

1. The library rate: `rsobench transitions` at 16 workers on its own database of the same PostgreSQL server, for the
   same seconds as each HTTP level (engine.advance against raw SQL; its engine rate is the one compared). This first
   run sizes the levels; the rate compared with HTTP at 16 connections is the mean of two more runs, just before and
   just after that level (the server idle meanwhile), since this machine's speed drifts from one minute to the next.
2. Cases: one `rsoctl import` opens every case the HTTP levels drive (untimed, as rsobench opens its cases untimed),
   enough for three times the library's rate at every level, and 1,000 more for the reads; then VACUUM ANALYZE, so
   that autovacuum's pass over the imported rows does not run (and count) during the levels.
3. `rsoctl serve --listen 127.0.0.1:0` on the HTTP database with its defaults (and any --serve-arg), its log (JSON
   lines on stderr) into a file; the connections it holds to PostgreSQL are counted in pg_stat_activity.
4. A warm-up first, untimed: wrk drives both operations for WARM_UP_SECONDS at the highest connection count, on cases of
   its own, so that the first level does not count the server's first seconds (its connections' first statements
   prepared, its token and user caches filled). Its answers are checked like every level's, and not reported.
   Then at each connection count, highest first, wrk (one thread) drives POST /v1/cases/{ref}/transitions/{name} for the
   seconds given, then GET /v1/cases/{ref} (scripts/bench-http/wrk.lua says how). The highest count goes first so
   that the server has held its most connections and requests in flight before the "10%" reading below: growth
   after it is growth per request, not the cost of more connections.
5. Every 100 ms a sampler reads the server's VmRSS (/proc/PID/status) and counts the `request` lines of its log so
   far. "RSS after 10% of the requests" is the first sample taken once the log held a tenth of all the requests the
   server answered in the run; "after 100%" is read after the last level, before the server is stopped.
6. SIGTERM, and the server must stop by itself within 30 s (exit 0, a `stopped` line).

Prints a table on stdout (JSON with --json); progress on stderr. Exits 1 when the run had errors (a non-2xx answer,
a socket error or timeout, a level that ran out of cases, a 5xx or an error line in the server's log, a server that
did not stop cleanly), 0 otherwise, whether or not the targets were met. The table and the targets are in
report.py; what is read of processes (/proc) in processes.py.
"""
import argparse
import glob
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from processes import children_cpu_seconds, cluster_cpu_seconds, cpu_seconds, load_average, postmaster_pid, resident_kib
from report import OPERATIONS, TARGET_P99_MS, TARGET_RATIO, TARGET_RSS, report_table

LIBRARY_WORKERS = 16
RATIO_CONNECTIONS = 16  # the HTTP level compared with the library's rate, which is measured again around it
SHOW_CASES = 1000
WARM_UP_SECONDS = 3.0  # at most; never more than a level's seconds
PATH_STEPS = 5         # transitions per case: registered → counselling → awaiting_approval → approved → travel_arranged → returned


def note(message):
    print(f"scripts/bench http: {message}", file=sys.stderr, flush=True)


class Failure(Exception):
    pass


def run(command, timeout, **kwargs):
    """Runs a command with a deadline; its stderr goes to ours unless captured."""
    try:
        return subprocess.run(command, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
    except subprocess.TimeoutExpired:
        raise Failure(f"{' '.join(command[:3])} took more than {timeout:.0f} s: stopped")


# --- 1. the library rate ---------------------------------------------------------------------------------------------

def library_rate(args, stage="first, to size the levels"):
    command = [args.rsobench, "transitions", "--database-url", args.library_url, "--rsoctl", args.rsoctl, "--skip-sqlite",
               "--workers", str(LIBRARY_WORKERS), "--seconds", f"{args.seconds:g}", "--rsoctl-runs", "1", "--json"]
    note(f"library rate ({stage}): " + " ".join(command))
    result = run(command, timeout=12 * args.seconds + 300, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise Failure(f"rsobench transitions exited with {result.returncode}")
    report = json.loads(result.stdout)
    level = next(l for l in report["postgres"]["transitions"] if l["workers"] == LIBRARY_WORKERS)
    return {"server": report["postgres"]["server"], "workers": LIBRARY_WORKERS, "per_s": level["engine_per_s"],
            "p50_ms": level["engine_p50_ms"], "p99_ms": level["engine_p99_ms"], "raw_per_s": level["raw_per_s"],
            "transitions": level["engine_transitions"], "seconds": level["engine_seconds"],
            "cpu_us_per_transition": {"rsobench": level["engine_client_cpu_us"], "postgres": level["engine_server_cpu_us"]}}


# --- 2. the cases ----------------------------------------------------------------------------------------------------

def cases_per_level(library_per_s, seconds, connections):
    """Fresh cases one level may drive: three times the library's rate (or 1,500 transitions/s if that is more), and two
    for every connection that may hold a case half-way at the end."""
    transitions = max(3 * library_per_s, 1500) * seconds
    return math.ceil(transitions / PATH_STEPS) + 2 * connections


def expand(blocks):
    """The references of an import, from its {"first", "last", "count"} blocks (AVRR-YYYY-NNNNNN, one number after another)."""
    references = []
    for block in blocks:
        first, last, count = block["first"], block["last"], block["count"]
        prefix, digits = first.rsplit("-", 1)
        last_prefix, last_digits = last.rsplit("-", 1)
        start, end = int(digits), int(last_digits)
        if last_prefix != prefix or end - start + 1 != count:
            raise Failure(f"the import's references {first} … {last} are not {count} consecutive numbers")
        references += [f"{prefix}-{number:0{len(digits)}d}" for number in range(start, end + 1)]
    return references


def open_cases(args, count):
    csv_path = os.path.join(args.work, "cases.csv")
    with open(csv_path, "w") as f:
        # The fields rsobench opens its cases with (TransitionStep.openingFields).
        f.write("full_name,host_country,nationality,category,sex,travel_document\n")
        for number in range(count):
            f.write(f"Bench Traveller {number},THA,MMR,irregular_migrant,female,none\n")
    note(f"opening {count} AVRR cases with rsoctl import (untimed)")
    started = time.monotonic()
    result = run([args.rsoctl, "import", "avrr", csv_path, "--format", "json", "--database-url", args.http_url,
                  "--actor", args.caseworker], timeout=900, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise Failure(f"rsoctl import exited with {result.returncode}")
    imported = json.loads(result.stdout)
    references = expand(imported["references"])
    if len(references) != count:
        raise Failure(f"rsoctl import opened {len(references)} cases, not {count}")
    note(f"opened {count} cases in {time.monotonic() - started:.1f} s")
    # Autovacuum's first pass over the imported rows (visibility map, statistics) would otherwise run during the first
    # levels, and its CPU would be counted as theirs: the library's cases are opened one by one, leaving no such debt.
    psql = find_psql()
    if psql is None:
        raise Failure("psql not found: cannot VACUUM ANALYZE the imported cases")
    started = time.monotonic()
    if run([psql, "-qX", "-v", "ON_ERROR_STOP=1", "-d", args.http_url, "-c", "VACUUM ANALYZE"], timeout=900).returncode != 0:
        raise Failure("VACUUM ANALYZE after the import failed")
    note(f"VACUUM ANALYZE of the imported cases in {time.monotonic() - started:.1f} s (untimed)")
    return references


# --- 3. the server and its log ---------------------------------------------------------------------------------------

class Server:
    def __init__(self, args):
        self.pid_file = args.pid_file
        self.log_path = os.path.join(args.work, "server.log")
        self.log = open(self.log_path, "wb")
        command = [args.rsoctl, "serve", "--listen", "127.0.0.1:0", "--database-url", args.http_url] + args.serve_arg
        self.command = command
        note(" ".join(command) + f" (log: {self.log_path})")
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        with open(args.pid_file, "w") as f:
            f.write(f"{self.process.pid}\n")
        self.offset = 0
        self.partial = b""
        self.requests = 0
        self.statuses = {}
        self.other_lines = []  # every line that is not a request's
        self.lock = threading.Lock()
        self.address = None

    def read_log(self):
        """Takes in what the server wrote since the last call: counts request lines, keeps the others."""
        with open(self.log_path, "rb") as f:
            f.seek(self.offset)
            chunk = f.read()
        self.offset += len(chunk)
        lines = (self.partial + chunk).split(b"\n")
        self.partial = lines.pop()
        with self.lock:
            for line in lines:
                if b'"message":"request"' in line:
                    self.requests += 1
                    match = re.search(rb'"status":(\d+)', line)
                    status = int(match.group(1)) if match else 0
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                elif line.strip():
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        entry = {"level": "?", "message": line.decode(errors="replace")}
                    self.other_lines.append(entry)
                    if entry.get("message") == "listening":
                        self.address = entry.get("address")

    def wait_listening(self, deadline_s=60):
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            self.read_log()
            if self.address:
                return self.address
            if self.process.poll() is not None:
                raise Failure(f"rsoctl serve exited with {self.process.returncode} before listening:\n{self.tail()}")
            time.sleep(0.05)
        raise Failure(f"rsoctl serve did not log \"listening\" within {deadline_s} s:\n{self.tail()}")

    def tail(self, lines=20):
        with open(self.log_path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")

    def rss_kib(self):
        return resident_kib(self.process.pid)

    def stop(self, deadline_s=30):
        """SIGTERM, then up to deadline_s for the server to finish and exit; SIGKILL after that."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=deadline_s)
            clean = True
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=30)
            clean = False
        # Reaped: scripts/bench's exit trap must not signal whatever process gets this number next.
        os.remove(self.pid_file)
        self.log.close()
        self.read_log()
        stopped = any(entry.get("message") == "stopped" for entry in self.other_lines)
        return {"exit_code": code, "within_deadline": clean, "stopped_line": stopped,
                "clean": clean and code == 0 and stopped}


class Sampler(threading.Thread):
    """Every 100 ms: (seconds since start, requests in the log so far, VmRSS KiB)."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.samples = []
        self.halt = threading.Event()
        self.started = time.monotonic()

    def sample(self):
        self.server.read_log()
        rss = self.server.rss_kib()
        with self.server.lock:
            count = self.server.requests
        if rss is not None:
            self.samples.append((time.monotonic() - self.started, count, rss))
        return count, rss

    def run(self):
        while not self.halt.wait(0.1):
            self.sample()


def find_psql():
    return shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"),
                                                    key=lambda p: [int(x) for x in re.findall(r"\d+", p)], reverse=True)), None)


def server_connections(url):
    """How many connections the server holds to its database (pg_stat_activity), or None if psql is not at hand."""
    psql = find_psql()
    if psql is None:
        return None
    database = url.rsplit("/", 1)[1]
    result = run([psql, "-qXAt", "-d", url, "-c",
                  f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"],
                 timeout=30, stdout=subprocess.PIPE, text=True)
    return int(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip().isdigit() else None


def health_ready(address):
    try:
        with urllib.request.urlopen(f"http://{address}/health/ready", timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# --- 4. the levels ---------------------------------------------------------------------------------------------------

def drive(args, address, server_pid, postmaster, operation, connections, references, seconds=None, stage=""):
    seconds = seconds or args.seconds
    refs_path = os.path.join(args.work, f"{operation}-{connections}{'-warm-up' if stage else ''}.refs")
    with open(refs_path, "w") as f:
        f.write("\n".join(references) + "\n")
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", args.wrk_script, f"http://{address}", "--", operation, refs_path, "1"]
    plural = "s" if connections != 1 else ""
    note(f"{stage}{operation}, {connections} connection{plural}: " + " ".join(command))
    before = (cpu_seconds(server_pid), cluster_cpu_seconds(postmaster), children_cpu_seconds())
    result = run(command, timeout=seconds + 120, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = (cpu_seconds(server_pid), cluster_cpu_seconds(postmaster), children_cpu_seconds())
    with open(os.path.join(args.work, f"wrk-{operation}-{connections}{'-warm-up' if stage else ''}.out"), "w") as f:
        f.write(result.stdout)
    lines = [l for l in result.stdout.splitlines() if l.startswith("rso-bench-result ")]
    if result.returncode != 0 or not lines:
        raise Failure(f"wrk exited with {result.returncode} and no result:\n{result.stdout[-3000:]}")
    measured = json.loads(lines[-1][len("rso-bench-result "):])
    measured["operation"] = operation
    measured["connections"] = connections
    measured["per_s"] = measured["requests"] / measured["duration_s"]
    measured["ok_per_s"] = measured["ok"] / measured["duration_s"]
    measured["non_2xx"] = measured["failed"]
    # CPU per request of the server, of PostgreSQL and of wrk, and how many of the machine's CPUs were busy with them.
    used = [a - b for a, b in zip(after, before)]
    measured["cpu_us_per_request"] = {name: round(seconds / max(measured["requests"], 1) * 1e6)
                                      for name, seconds in zip(["server", "postgres", "wrk"], used)}
    measured["cpus_busy"] = round(sum(used) / measured["duration_s"], 2)
    socket_errors = sum(measured["socket_errors"].values())
    note(f"{stage}{operation}, {connections} connection{plural}: {measured['per_s']:.0f} requests/s, p50 {measured['p50_ms']} ms, "
         f"p99 {measured['p99_ms']} ms, non-2xx {measured['failed']}, socket errors {socket_errors}, "
         f"CPU µs/request {measured['cpu_us_per_request']}, {measured['cpus_busy']} CPUs busy"
         + (", RAN OUT OF CASES" if measured["starved"] else ""))
    return measured


def main():
    parser = argparse.ArgumentParser(description="scripts/bench http's driver (run by scripts/bench http).")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per operation and level (and for the library)")
    parser.add_argument("--connections", default="1,4,16,64", help="connection counts, comma-separated")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for rsoctl serve, e.g. --serve-arg=--pool=16 (repeat for more)")
    for required in ["--rsoctl", "--rsobench", "--library-url", "--http-url", "--work", "--pid-file", "--wrk-script",
                     "--caseworker"]:
        parser.add_argument(required, required=True)
    args = parser.parse_args()
    try:
        levels = sorted({int(part) for part in args.connections.split(",")}, reverse=True)
        if not levels or min(levels) < 1 or args.seconds <= 0:
            raise ValueError
    except ValueError:
        parser.error("--connections takes positive whole numbers separated by commas, e.g. 1,4,16,64; --seconds a positive number")

    before = load_average()
    library = library_rate(args)
    per_level = {c: cases_per_level(library["per_s"], args.seconds, c) for c in levels}
    warm_up_seconds = min(WARM_UP_SECONDS, args.seconds)
    warm_up_cases = cases_per_level(library["per_s"], warm_up_seconds, levels[0])
    references = open_cases(args, SHOW_CASES + warm_up_cases + sum(per_level.values()))
    show_refs, warm_up_refs, rest = (references[:SHOW_CASES], references[SHOW_CASES:SHOW_CASES + warm_up_cases],
                                     references[SHOW_CASES + warm_up_cases:])

    postmaster = postmaster_pid()
    pool = None
    server = Server(args)
    sampler = None
    measured = []
    warm_up = []
    bracket = []
    stop = None
    try:
        address = server.wait_listening()
        status, body = health_ready(address)
        if status != 200:
            raise Failure(f"GET /health/ready answered {status}: {body}")
        pool = server_connections(args.http_url)
        note(f"server listening on {address}, ready; it holds {pool} connections to PostgreSQL")
        sampler = Sampler(server)
        start_rss = sampler.sample()[1]
        sampler.start()
        for operation, _ in OPERATIONS:
            warm_up.append(drive(args, address, server.process.pid, postmaster, operation, levels[0],
                                 warm_up_refs if operation == "transitions" else show_refs,
                                 seconds=warm_up_seconds, stage="warm-up: "))
        time.sleep(1)
        for connections in levels:
            mine, rest = rest[:per_level[connections]], rest[per_level[connections]:]
            for operation, _ in OPERATIONS:
                bracketed = operation == "transitions" and connections == RATIO_CONNECTIONS
                if bracketed:
                    bracket.append(library_rate(args, stage="just before the HTTP level it is compared with"))
                level = drive(args, address, server.process.pid, postmaster, operation, connections,
                              mine if operation == "transitions" else show_refs)
                if bracketed:
                    bracket.append(library_rate(args, stage="just after the HTTP level it is compared with"))
                level["rss_after_kib"] = server.rss_kib()
                measured.append(level)
                time.sleep(1)
        sampler.halt.set()
        sampler.join()
        time.sleep(0.2)
        total, end_rss = sampler.sample()
    finally:
        if sampler:
            sampler.halt.set()
        note("stopping the server (SIGTERM)")
        stop = server.stop()
        keep = os.environ.get("RSO_BENCH_ARTIFACTS")
        if keep:
            os.makedirs(keep, exist_ok=True)
            shutil.copy(server.log_path, os.path.join(keep, "server.log"))
            note(f"the server's log kept in {keep}/server.log")
    after = load_average()

    at_10 = next((s for s in sampler.samples if s[1] >= total / 10), sampler.samples[-1])
    errors = []
    for level in warm_up + measured:
        name = f"{'the warm-up of ' if level in warm_up else ''}{level['operation']} at {level['connections']}"
        if level["failed"]:
            errors.append(f"{name}: {level['failed']} non-2xx answers ({level['statuses']})")
        socket_errors = {k: v for k, v in level["socket_errors"].items() if v}
        if socket_errors:
            errors.append(f"{name}: socket errors {socket_errors}")
        if level["starved"]:
            errors.append(f"{name}: ran out of cases before the end (its rate is too low)")
        if level["unmatched"]:
            errors.append(f"{name}: {level['unmatched']} 2xx answers not matched to a request")
    server_5xx = sum(count for code, count in server.statuses.items() if code >= 500)
    if server_5xx:
        errors.append(f"the server logged {server_5xx} 5xx answers")
    problem_lines = [e for e in server.other_lines if e.get("level") not in ("info", "notice", "debug", "trace")]
    if problem_lines:
        errors.append(f"the server logged {len(problem_lines)} warning or error line(s)")
    if not stop["clean"]:
        errors.append(f"the server did not stop cleanly after SIGTERM ({stop})")

    by = {(l["operation"], l["connections"]): l for l in measured}
    http16 = by.get(("transitions", 16))
    # The library's rate just before and just after the HTTP level, averaged: this machine's speed drifts by a fifth
    # from one minute to the next, and a single library run minutes earlier made the ratio swing with it.
    library_per_s = sum(b["per_s"] for b in bracket) / len(bracket) if bracket else library["per_s"]
    ratio_value = http16["ok_per_s"] / library_per_s if http16 and library_per_s else None
    rss_ratio = end_rss / at_10[2]
    p99_values = {name: by[(name, 64)]["p99_ms"] for name, _ in OPERATIONS if (name, 64) in by}
    p99_met = all(v is not None and v < TARGET_P99_MS for v in p99_values.values()) if p99_values else None
    report = {
        "seconds_per_level": args.seconds,
        "warm_up": {"seconds": warm_up_seconds, "connections": levels[0],
                    "levels": [{k: l[k] for k in ("operation", "per_s", "p50_ms", "p99_ms", "failed")} for l in warm_up]},
        "cpus": os.cpu_count(),
        "library": library,
        "library_bracket": bracket,
        "levels": measured,
        "rss": {"at_start_kib": start_rss, "at_10_percent_kib": at_10[2], "at_10_percent_request": at_10[1],
                "at_end_kib": end_rss, "requests": total, "ratio": rss_ratio,
                "bytes_per_request": (end_rss - at_10[2]) * 1024 / max(total - at_10[1], 1),
                "peak_kib": max(s[2] for s in sampler.samples),
                "samples": [[round(t, 1), n, rss] for t, n, rss in sampler.samples[::10]]},
        "server": {"command": server.command, "pool_connections": pool, "requests": server.requests, "statuses": {str(k): v for k, v in server.statuses.items()},
                   "problem_lines": problem_lines, "stop": stop},
        "targets": {
            "ratio": {"http_per_s": http16["ok_per_s"] if http16 else None, "library_per_s": library_per_s,
                      "library_bracket_per_s": [b["per_s"] for b in bracket], "value": ratio_value,
                      "met": None if ratio_value is None else ratio_value >= TARGET_RATIO, "target": TARGET_RATIO},
            "rss": {"value": rss_ratio, "met": abs(rss_ratio - 1) <= TARGET_RSS, "target": TARGET_RSS},
            "p99": {"values_ms": p99_values, "met": p99_met, "target_ms": TARGET_P99_MS},
        },
        "load_average": {"before": before, "after": after},
        "busy_at_start": float(before.split()[0]) > 0.5 * (os.cpu_count() or 1),
        "errors": errors,
    }
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(report_table(report))
    return 1 if errors else 0


class Interrupted(Exception):
    pass


def interrupted(number, frame):
    raise Interrupted(signal.Signals(number).name)


if __name__ == "__main__":
    # SIGTERM (scripts/bench's deadline, or a user) unwinds like SIGINT, so that the server is stopped on the way out.
    signal.signal(signal.SIGTERM, interrupted)
    try:
        sys.exit(main())
    except Failure as failure:
        note(f"error: {failure}")
        sys.exit(1)
    except (Interrupted, KeyboardInterrupt) as signal_name:
        note(f"interrupted ({signal_name if isinstance(signal_name, Interrupted) else 'SIGINT'})")
        sys.exit(143 if isinstance(signal_name, Interrupted) else 130)
