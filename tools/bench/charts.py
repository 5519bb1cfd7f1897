"""Draw the performance page's charts from the benchmarks' JSON.

    hatch run bench:server --rounds 3 --no-rss --json docs/_static/bench/server.json
    hatch run bench:parser --json docs/_static/bench/parser.json
    hatch run bench:router --json docs/_static/bench/router.json
    hatch run bench:charts            # -> docs/_static/bench/{server,parser,router}.png

Every JSON file present in the folder (``--dir``) gets its chart; missing ones are
skipped. ``--table`` also prints the server results as the page's rST table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")  # no display: files only
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent.parent
FOLDER = ROOT / "docs" / "_static" / "bench"
COLOURS = {
    "aioloom": "#2a7ab0",
    "aiohttp": "#d9822b",
    "aiohttp-c": "#d9822b",
    "aiohttp-py": "#f0b27a",
    "bare": "#9e9e9e",
    "h11": "#6a9f58",
    "httptools": "#8e6bb0",
    "starlette": "#6a9f58",
    "falcon": "#8e6bb0",
}
# Reproducible files: no software version or date in the PNG's metadata.
SAVE = {"dpi": 110, "metadata": {"Software": None}, "bbox_inches": "tight"}


def _bars(ax: Any, groups: list[str], series: dict[str, list[float]], ylabel: str) -> None:
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width, label=name, color=COLOURS.get(name))
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups)
    top = max((v for values in series.values() for v in values if v == v), default=1.0)
    ax.set_ylim(0, top * 1.25)  # room for the legend above the bars
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def server_chart(report: dict[str, Any], out: Path) -> None:
    cells = report["cells"]
    loops = sorted({c["loop"] for c in cells}, key=["asyncio", "uvloop"].index)
    workloads = list(dict.fromkeys(c["workload"] for c in cells))
    frameworks = list(dict.fromkeys(c["framework"] for c in cells))
    fig, axes = plt.subplots(1, len(loops), figsize=(5.2 * len(loops), 3.6), sharey=True)
    axes_list = [axes] if len(loops) == 1 else list(axes)
    for i, (ax, loop) in enumerate(zip(axes_list, loops, strict=True)):
        by = {(c["workload"], c["framework"]): c["cpu_us"] for c in cells if c["loop"] == loop}
        series = {f: [by.get((w, f), float("nan")) for w in workloads] for f in frameworks}
        _bars(ax, workloads, series, "" if i else "server CPU µs per request (lower is better)")
        ax.set_title(f"HTTP server under wrk, {loop}")
    highest = max(c["cpu_us"] for c in cells)
    axes_list[0].set_ylim(0, highest * 1.3)  # shared: room for the legend on every panel
    axes_list[0].legend(fontsize=8, loc="upper left", ncols=len(frameworks))
    fig.savefig(out, **SAVE)
    plt.close(fig)


def parser_chart(report: dict[str, Any], out: Path) -> None:
    results: dict[str, dict[str, float]] = report["us_per_message"]
    workloads = list(results)
    names = list(dict.fromkeys(n for row in results.values() for n in row))
    series = {n: [results[w].get(n, float("nan")) for w in workloads] for n in names}
    fig, ax = plt.subplots(figsize=(7, 3.6))
    _bars(ax, workloads, series, "µs per message (lower is better)")
    ax.set_title("Request parser, per message")
    ax.legend(fontsize=8, loc="upper left", ncols=len(names))
    fig.savefig(out, **SAVE)
    plt.close(fig)


def router_chart(report: dict[str, Any], out: Path) -> None:
    cells = report["cells"]
    panels = list(dict.fromkeys((c["shape"], c["lookup"]) for c in cells))
    frameworks = list(dict.fromkeys(c["framework"] for c in cells))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3.4), sharey=True)
    for ax, (shape, lookup) in zip(axes, panels, strict=True):
        for framework in frameworks:
            points = sorted(
                (c["routes"], c["us_per_call"])
                for c in cells
                if (c["shape"], c["lookup"], c["framework"]) == (shape, lookup, framework)
            )
            ax.plot(*zip(*points, strict=True), marker="o", label=framework,
                    color=COLOURS.get(framework))  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("routes")
        ax.set_title(f"{shape}, {'no match' if lookup == '404' else 'last route'}", fontsize=9)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("µs per lookup (lower is better)")
    axes[0].legend(fontsize=7)
    fig.savefig(out, **SAVE)
    plt.close(fig)


def server_table(report: dict[str, Any]) -> str:
    """The server results as the performance page's rST table (aioloom vs aiohttp)."""
    cells = {(c["loop"], c["workload"], c["framework"]): c for c in report["cells"]}
    rows = [("loop", "workload", "aioloom", "aiohttp", "CPU ratio", "req/s ratio")]
    for (loop, workload, framework), cell in cells.items():
        other = cells.get((loop, workload, "aiohttp"))
        if framework != "aioloom" or other is None:
            continue
        rows.append(
            (loop, workload, f"{cell['cpu_us']:.1f}", f"{other['cpu_us']:.1f}",
             f"{cell['cpu_us'] / other['cpu_us']:.2f}", f"{cell['rps'] / other['rps']:.2f}")
        )  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows[1:]]
    return "\n".join([*lines, rule])


CHARTS = {"server": server_chart, "parser": parser_chart, "router": router_chart}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=FOLDER, help="JSON in, PNGs out")
    parser.add_argument("--table", action="store_true", help="print the server table (rST)")
    args = parser.parse_args(argv)
    drawn = 0
    for name, draw in CHARTS.items():
        source = args.dir / f"{name}.json"
        if not source.is_file():
            print(f"skipped {name}: no {source}")
            continue
        report = json.loads(source.read_text())
        draw(report, args.dir / f"{name}.png")
        print(f"drew {args.dir / f'{name}.png'}")
        drawn += 1
        if name == "server" and args.table:
            print(server_table(report))
    return 0 if drawn else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
