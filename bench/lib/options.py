"""The options every benchmark shares, and the dataset they select.

    --size tiny|1M|10M   a standard dataset (generated and cached, see datasets.py)
    --data DIR           or an existing folder of trail log files (*.json.gz)
    --runs N             counted runs of each side (default 5, or what the benchmark says)
    --warmup N           uncounted runs first (default 1)
    --threads N          threads for both sides (default: the machine's cores)
"""
import argparse
import os

import datasets
from timing import log


def parser(description, default_size="1M", default_runs=5):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--size", default=default_size, choices=list(datasets.SIZES),
                   help=f"standard dataset (default {default_size})")
    p.add_argument("--data", metavar="DIR", help="use this folder of *.json.gz log files instead")
    p.add_argument("--runs", type=int, default=default_runs,
                   help=f"counted runs of each side (default {default_runs})")
    p.add_argument("--warmup", type=int, default=1, help="uncounted runs first (default 1)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="threads for cairn and the peer (default: the machine's cores)")
    return p


def cairn_bin():
    path = os.environ.get("CAIRN_BIN")
    if not path:
        raise SystemExit("CAIRN_BIN is not set: run benchmarks through bench/run")
    return path


def bench_program(name):
    """A program built from bench/<name>.cc."""
    d = os.environ.get("CAIRN_BENCH_BIN_DIR") or os.path.join(os.path.dirname(cairn_bin()), "bench")
    path = os.path.join(d, name)
    if not os.access(path, os.X_OK):
        raise SystemExit(f"bench program {path} is missing: build with `make build`")
    return path


def dataset(args):
    if args.data:
        if not os.path.isdir(args.data):
            raise SystemExit(f"--data {args.data}: not a folder")
        return datasets.from_folder(args.data)
    return datasets.ensure(args.size, cairn_bin(), log=log)
