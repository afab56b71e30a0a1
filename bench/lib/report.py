"""Prints benchmark results as aligned tables, cairn beside its peer.

    query            cairn ms   duckdb ms    ratio
    gunzip              612.0      2260.0     3.7x
    geo-mean                                  3.7x

ratio = peer ms / cairn ms: how many times faster cairn is (below 1.0x: slower).
Run as a program, it reads {"peer": "duckdb", "rows": [{"name":..,"cairn_ms":..,"peer_ms":..}]}
on stdin and prints the comparison table, so benchmarks in any language can use it.
"""
import json
import math
import sys


def format_table(headers, rows):
    """Left-aligns the first column and right-aligns the rest; returns the lines as one string."""
    cells = [list(map(str, headers))] + [[_cell(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for r in cells:
        parts = [r[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(r[1:], widths[1:])]
        lines.append("   ".join(parts).rstrip())
    return "\n".join(lines)


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(cairn_ms, peer_ms):
    if not cairn_ms or cairn_ms <= 0 or peer_ms is None:
        return None
    return peer_ms / cairn_ms


def geo_mean(values):
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def comparison_table(rows, peer="duckdb", title="query"):
    """rows: dicts with name, cairn_ms, peer_ms. Returns the table with a ratio column and geo-mean;
    `title` heads the first column."""
    body = []
    ratios = []
    for r in rows:
        x = ratio(r["cairn_ms"], r.get("peer_ms"))
        ratios.append(x)
        peer_ms = r.get("peer_ms")
        body.append([r["name"], float(r["cairn_ms"]), None if peer_ms is None else float(peer_ms), _x(x)])
    body.append(["geo-mean", None, None, _x(geo_mean(ratios))])
    return format_table([title, "cairn ms", f"{peer} ms", "ratio"], body)


def _x(v):
    return None if v is None else f"{v:.1f}x" if v >= 0.95 else f"{v:.2f}x"


def main():
    doc = json.load(sys.stdin)
    print(comparison_table(doc["rows"], doc.get("peer", "duckdb")))


if __name__ == "__main__":
    main()
