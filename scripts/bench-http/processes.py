"""What scripts/bench-http/drive.py reads of processes from /proc: load, resident memory, CPU seconds (of one
process, of one PostgreSQL cluster, of this script's children)."""
import os
import resource


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
