"""Cold-start import cost: importing `app` as a ratio to importing boto3 alone (median of fresh processes)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
ENV = {
    **os.environ,
    "GUICHET_TOKEN_SECRET": "bench",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "PYTHONDONTWRITEBYTECODE": "0",
}


def median_seconds(statement: str) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, env=ENV, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    median_seconds("import app")  # warm the bytecode cache once
    interpreter = median_seconds("pass")
    boto3 = median_seconds("import boto3") - interpreter
    app = median_seconds("import app") - interpreter
    print(f"runs per figure          : {RUNS}")
    print(f"python start (ms)        : {interpreter * 1000:.1f}")
    print(f"import boto3 (ms)        : {boto3 * 1000:.1f}")
    print(f"import app (ms)          : {app * 1000:.1f}")
    print(f"app / boto3 import ratio : {app / boto3:.2f}")


if __name__ == "__main__":
    main()
