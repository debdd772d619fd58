"""`python -m bench [FIGURE …]`: measure the figures, print them, and keep them as JSON under
bench/results/."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from bench import (county, imports, machine, memory, notices, printing, reports, signin,
                   startup)
from bench.sandbox import sandbox

FIGURES = {figure.NAME: figure for figure in (startup, imports, printing, signin, notices,
                                              county, reports, memory)}
RESULTS_DIR = Path(__file__).parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("figures", nargs="*", metavar="FIGURE",
                        help=f"which figures ({', '.join(FIGURES)}; default all)")
    parser.add_argument("--samples", type=int, default=15, help="timed samples per app")
    parser.add_argument("--warmups", type=int, default=2, help="untimed runs first")
    args = parser.parse_args(argv)
    unknown = set(args.figures) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figure {', '.join(sorted(unknown))}")

    started = dt.datetime.now().astimezone()
    host = machine.describe()
    print(f"{host['nproc']} x {host['cpu']}, Python {host['python']}, Textual {host['textual']}")
    results = {}
    with sandbox() as box:
        for name in args.figures or FIGURES:
            figure = FIGURES[name]
            results[name] = figure.measure(box, samples=args.samples, warmups=args.warmups)
            print(figure.report(results[name]), flush=True)

    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started:%Y%m%d-%H%M%S}.json"
    record = {"started": started.isoformat(), "argv": sys.argv, "machine": host, "figures": results}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
