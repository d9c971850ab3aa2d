#!/usr/bin/env python3
"""The driver of `scripts/bench http` (scripts/bench prepares the databases, users and tokens, then runs this).

1. The library rate: `rsobench transitions` at 16 workers on its own database of the same PostgreSQL server, for the
   same seconds as each HTTP level (engine.advance against raw SQL; its engine rate is the one compared).
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
did not stop cleanly), 0 otherwise, whether or not the targets were met.
"""
import argparse
import glob
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

TARGET_RATIO = 0.8     # HTTP transitions/s at 16 connections against the library's at 16 workers
TARGET_RSS = 0.10      # RSS at the end within this fraction of RSS after 10% of the requests
TARGET_P99_MS = 50.0   # p99 at 64 connections, both operations
LIBRARY_WORKERS = 16
SHOW_CASES = 1000
WARM_UP_SECONDS = 3.0  # at most; never more than a level's seconds
PATH_STEPS = 5         # transitions per case: registered → counselling → awaiting_approval → approved → travel_arranged → returned
OPERATIONS = [("transitions", "POST /v1/cases/{ref}/transitions/{name}"), ("show", "GET /v1/cases/{ref}")]


def note(message):
    print(f"scripts/bench http: {message}", file=sys.stderr, flush=True)


class Failure(Exception):
    pass


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def resident_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU seconds of a process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def cluster_cpu_seconds(postmaster):
    """CPU seconds of this run's PostgreSQL cluster: its postmaster and every process it started (other clusters on the
    machine are not counted); a backend that has exited is no longer counted (the server keeps its connections)."""
    if postmaster is None:
        return 0.0
    total = cpu_seconds(postmaster)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == postmaster:
            total += cpu_seconds(entry)
    return total


def postmaster_pid():
    """The postmaster of the cluster scripts/pg-throwaway started (RSO_PG_DIR), if it can be read."""
    try:
        with open(os.path.join(os.environ["RSO_PG_DIR"], "data", "postmaster.pid")) as f:
            return int(f.readline())
    except (KeyError, OSError, ValueError):
        return None


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command, timeout, **kwargs):
    """Runs a command with a deadline; its stderr goes to ours unless captured."""
    try:
        return subprocess.run(command, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
    except subprocess.TimeoutExpired:
        raise Failure(f"{' '.join(command[:3])} took more than {timeout:.0f} s: stopped")


# --- 1. the library rate ---------------------------------------------------------------------------------------------

def library_rate(args):
    command = [args.rsobench, "transitions", "--database-url", args.library_url, "--rsoctl", args.rsoctl, "--skip-sqlite",
               "--workers", str(LIBRARY_WORKERS), "--seconds", f"{args.seconds:g}", "--rsoctl-runs", "1", "--json"]
    note("library rate: " + " ".join(command))
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


# --- 5. the report ---------------------------------------------------------------------------------------------------

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
        lines.append(f"HTTP/library at 16: {ratio['http_per_s']:.0f} / {library['per_s']:.0f} transitions/s = "
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
                level = drive(args, address, server.process.pid, postmaster, operation, connections,
                              mine if operation == "transitions" else show_refs)
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
    ratio_value = http16["ok_per_s"] / library["per_s"] if http16 and library["per_s"] else None
    rss_ratio = end_rss / at_10[2]
    p99_values = {name: by[(name, 64)]["p99_ms"] for name, _ in OPERATIONS if (name, 64) in by}
    p99_met = all(v is not None and v < TARGET_P99_MS for v in p99_values.values()) if p99_values else None
    report = {
        "seconds_per_level": args.seconds,
        "warm_up": {"seconds": warm_up_seconds, "connections": levels[0],
                    "levels": [{k: l[k] for k in ("operation", "per_s", "p50_ms", "p99_ms", "failed")} for l in warm_up]},
        "cpus": os.cpu_count(),
        "library": library,
        "levels": measured,
        "rss": {"at_start_kib": start_rss, "at_10_percent_kib": at_10[2], "at_10_percent_request": at_10[1],
                "at_end_kib": end_rss, "requests": total, "ratio": rss_ratio,
                "bytes_per_request": (end_rss - at_10[2]) * 1024 / max(total - at_10[1], 1),
                "peak_kib": max(s[2] for s in sampler.samples),
                "samples": [[round(t, 1), n, rss] for t, n, rss in sampler.samples[::10]]},
        "server": {"command": server.command, "pool_connections": pool, "requests": server.requests, "statuses": {str(k): v for k, v in server.statuses.items()},
                   "problem_lines": problem_lines, "stop": stop},
        "targets": {
            "ratio": {"http_per_s": http16["ok_per_s"] if http16 else None, "value": ratio_value,
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
