"""Figure: `python -X importtime` of what `kiosk run` imports before the home screen, next to
what the minimal app imports (medians over --samples runs of each, alternating): the packages
the kiosk adds, and the slowest of the modules it adds."""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import defaultdict

from bench.sandbox import Sandbox

NAME = "imports"
STATEMENTS = {
    "kiosk": "import kiosk.cli, kiosk.config, kiosk.db.session, kiosk.i18n, kiosk.app",
    "minimal": "import textual.app, textual.widgets._static",
}
TOP = 15


def import_times(statement: str, env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """module -> (own µs, cumulative µs), for one run."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", statement],
                          env=env, capture_output=True, text=True, check=True)
    times = {}
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "[us]" not in line:
            own, cumulative, module = line.removeprefix("import time:").split("|")
            times[module.strip()] = (int(own), int(cumulative))
    return times


def medians(runs: list[dict[str, tuple[int, int]]]) -> dict[str, tuple[float, float]]:
    """module -> (own ms, cumulative ms), medians over the runs."""
    modules = set.intersection(*(set(run) for run in runs))
    return {
        module: tuple(statistics.median(run[module][i] for run in runs) / 1000 for i in (0, 1))
        for module in modules
    }


def by_package(times: dict[str, tuple[float, float]]) -> dict[str, float]:
    packages: dict[str, float] = defaultdict(float)
    for module, (own, _cumulative) in times.items():
        packages[module.split(".")[0]] += own
    return packages


def measure(box: Sandbox, samples: int, warmups: int) -> dict:
    runs: dict[str, list] = {app: [] for app in STATEMENTS}
    for round_no in range(warmups + samples):  # alternately, like the start-up figure
        for app in STATEMENTS if round_no % 2 == 0 else reversed(STATEMENTS):
            times = import_times(STATEMENTS[app], box.env)
            if round_no >= warmups:
                runs[app].append(times)
    kiosk, minimal = medians(runs["kiosk"]), medians(runs["minimal"])
    kiosk_packages, minimal_packages = by_package(kiosk), by_package(minimal)
    added = sorted(kiosk_packages, key=lambda p: kiosk_packages[p] - minimal_packages.get(p, 0),
                   reverse=True)[:TOP]
    slowest = sorted(set(kiosk) - set(minimal), key=lambda m: kiosk[m][0], reverse=True)[:TOP]
    return {
        "unit": "ms",
        "statements": STATEMENTS,
        "runs": samples,
        "total": {"kiosk": sum(kiosk_packages.values()), "minimal": sum(minimal_packages.values())},
        "packages": [(p, kiosk_packages[p], minimal_packages.get(p, 0.0)) for p in added],
        "modules": [(m, *kiosk[m]) for m in slowest],
    }


def report(result: dict) -> str:
    total = result["total"]
    lines = [
        f"Import time, median of {result['runs']} runs of python -X importtime -c ...",
        f"  kiosk   `{result['statements']['kiosk']}`: {total['kiosk']:.0f} ms",
        f"  minimal `{result['statements']['minimal']}`: {total['minimal']:.0f} ms",
        "  packages by what the kiosk adds (own time, kiosk / minimal):",
    ]
    lines += [f"    {kiosk:6.1f} / {minimal:6.1f} ms  {package}"
              for package, kiosk, minimal in result["packages"]]
    lines.append("  slowest modules the minimal app does not import (own / cumulative):")
    lines += [f"    {own:6.1f} / {cumulative:6.1f} ms  {module}"
              for module, own, cumulative in result["modules"]]
    return "\n".join(lines)
