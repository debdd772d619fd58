"""Figure: wall time from spawning a process to leaving an interactive home screen, for the
kiosk and for a minimal Textual app, sampled alternately in the same run. Each sample also
reports where its time went (bench/samples/stopwatch.py) and its CPU time."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.sandbox import Sandbox
from bench.stats import summary

NAME = "startup"
TARGET_RATIO = 1.3
SAMPLES_DIR = Path(__file__).parent / "samples"
APPS = ("kiosk", "minimal")
OUTSIDE = "python start-up and exit"  # what the process spent outside the script's phases


def run_sample(argv: list[str], env: dict[str, str]) -> dict:
    """Wall time from spawn to exit, with the phases and CPU time the sample reports."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {done.returncode}:\n{done.stderr}")
    reported = json.loads(done.stdout.strip().splitlines()[-1])
    phases = reported["phases"]
    phases[OUTSIDE] = wall - sum(phases.values())
    return {"wall": wall, "cpu": reported["cpu"], "phases": phases}


def measure(box: Sandbox, samples: int, warmups: int) -> dict:
    commands = {
        "kiosk": [sys.executable, str(SAMPLES_DIR / "kiosk_app.py"), box.db_url],
        "minimal": [sys.executable, str(SAMPLES_DIR / "minimal_app.py")],
    }
    runs: dict[str, list[dict]] = {app: [] for app in APPS}
    for round_no in range(warmups + samples):
        for app in APPS if round_no % 2 == 0 else reversed(APPS):
            run = run_sample(commands[app], box.env)
            if round_no >= warmups:
                runs[app].append(run)
    result: dict = {"unit": "s", "warmups": warmups, "target_ratio": TARGET_RATIO}
    for app in APPS:
        result[app] = summary([run["wall"] for run in runs[app]])
        result[app]["cpu"] = summary([run["cpu"] for run in runs[app]])
        result[app]["phases"] = {
            phase: statistics.median(run["phases"][phase] for run in runs[app])
            for phase in runs[app][0]["phases"]
        }
    result["ratio"] = result["kiosk"]["median"] / result["minimal"]["median"]
    result["cpu_ratio"] = result["kiosk"]["cpu"]["median"] / result["minimal"]["cpu"]["median"]
    return result


def report(result: dict) -> str:
    ratio, target = result["ratio"], result["target_ratio"]
    verdict = "met" if ratio <= target else "NOT met"
    lines = ["Start-up to an interactive home screen (process spawn to exit, 100x30, headless)"]
    for app in APPS:
        wall, cpu = result[app], result[app]["cpu"]
        lines.append(f"  {app:<8} median {ms(wall['median'])}   p95 {ms(wall['p95'])}"
                     f"   CPU median {ms(cpu['median'])}   ({len(wall['samples'])} samples)")
    lines.append(f"  ratio of medians kiosk/minimal: {ratio:.2f} (target <= {target}: {verdict});"
                 f" CPU time ratio {result['cpu_ratio']:.2f}")
    lines.append(f"  where the time goes (medians)      {'kiosk':>8} {'minimal':>8}")
    phases = dict.fromkeys([*result["kiosk"]["phases"], *result["minimal"]["phases"]])
    for phase in phases:
        cells = [result[app]["phases"].get(phase) for app in APPS]
        shown = " ".join(ms(cell) if cell is not None else f"{'-':>8}" for cell in cells)
        lines.append(f"    {phase:<32} {shown}")
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:5.0f} ms"
