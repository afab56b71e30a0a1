"""Runs a command several times and reports its wall time: min and median over the counted runs.

Timing is of the whole process, from outside (time.perf_counter around subprocess.run), after
`warmup` runs that are not counted, so files are in the page cache and the binary is loaded. The
CPU time (user + system, all threads) of each run is kept too: on a shared, loaded machine it moves
less than wall time does.
"""
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Timing:
    runs_ms: list = field(default_factory=list)
    cpu_ms: list = field(default_factory=list)  # user + system of each counted run
    stdout: str = ""  # what the last run printed, for the caller to check or parse

    @property
    def min_ms(self):
        return min(self.runs_ms)

    @property
    def median_ms(self):
        return statistics.median(self.runs_ms)

    @property
    def median_cpu_ms(self):
        return statistics.median(self.cpu_ms)

    def to_json(self):
        return {"runs_ms": [round(x, 3) for x in self.runs_ms], "min_ms": round(self.min_ms, 3),
                "median_ms": round(self.median_ms, 3), "cpu_ms": [round(x, 3) for x in self.cpu_ms]}


class CommandFailed(Exception):
    pass


def time_command(argv, runs=5, warmup=1, env=None, cwd=None):
    """Runs `argv` warmup+runs times; returns a Timing of the counted runs.

    Raises CommandFailed (with the command's stderr) if any run exits non-zero: a benchmark of a
    failing command is meaningless.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    timing = Timing()
    for i in range(warmup + runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                              text=True)
        ms = (time.perf_counter() - t0) * 1000.0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000.0
        if proc.returncode != 0:
            raise CommandFailed(f"{' '.join(map(str, argv))}: exit {proc.returncode}\n{proc.stderr}")
        if i >= warmup:
            timing.runs_ms.append(ms)
            timing.cpu_ms.append(cpu)
        timing.stdout = proc.stdout
    return timing


def log(msg):
    """Progress goes to stderr; stdout is for the result table."""
    print(msg, file=sys.stderr, flush=True)
