"""Seating plan import: CSV parsing alone, then import, seats and export through the API on moto."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# (blocks, rows, seats per row)
SIZES = ((10, 40, 50), (25, 40, 50))
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "GUICHET_STAGE": "bench",
        "GUICHET_TOKEN_SECRET": "bench-secret-that-is-long-enough-for-hs256",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
sys.path.insert(0, str(ROOT))


def grid_csv(blocks: int, rows: int, seats: int) -> str:
    lines = ["zone,block,row,number,x,y,rank,accessible"]
    for b in range(blocks):
        lines.extend(
            f"Stalls,B{b},R{r},{n},{b * 60 + n},{r * 2},{r + 1},false"
            for r in range(rows)
            for n in range(1, seats + 1)
        )
    return "\n".join(lines) + "\n"


def median_ms(action) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


class Backoffice:
    """The app in process (chalice.test) over moto, logged in as an organisation's administrator."""

    def __init__(self, http) -> None:
        self.http = http
        self.token = None
        login = {"org_id": "bench", "login": "admin", "password": "admin-password"}
        self.token = self.call("POST", "/backoffice/login", login)["token"]

    def call(self, method: str, path: str, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = {"body": json.dumps(body)} if body is not None else {}
        response = getattr(self.http, method.lower())(path, headers=headers, **payload)
        assert response.status_code < 300, response.body[:500]
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return json.loads(response.body) if is_json else response.body


def measure(backoffice: Backoffice, hall_id: str, size: tuple[int, int, int]) -> str:
    from chalicelib.catalog import plans

    text = grid_csv(*size)
    made: list[str] = []

    def import_once() -> None:
        body = {"hall_id": hall_id, "code": f"P{len(made)}-{size[0]}", "name": "P", "format": "csv"}
        made.append(
            backoffice.call("POST", "/backoffice/seating-plans/import", {**body, "content": text})["plan"][
                "id"
            ]
        )

    parse = median_ms(lambda: plans.parse_csv(text))
    imported = median_ms(import_once)
    drawn = median_ms(lambda: backoffice.call("GET", f"/backoffice/seating-plans/{made[0]}/seats"))
    exported = median_ms(lambda: backoffice.call("GET", f"/backoffice/seating-plans/{made[0]}/export"))
    seats = size[0] * size[1] * size[2]
    return (
        f"{seats:>6,} seats, {len(text) / 1e6:.1f} MB CSV: parse {parse:5.0f} ms, import {imported:5.0f} ms, "
        f"seats {drawn:5.0f} ms, export {exported:5.0f} ms"
    )


def main() -> None:
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        from app import app
        from chalicelib.auth import service as auth
        from chalicelib.db.tables import create_tables

        create_tables(boto3.client("dynamodb"))
        auth.create_organisation("bench", "Bench", "admin", "admin-password")
        with Client(app) as client:
            backoffice = Backoffice(client.http)
            venue = backoffice.call("POST", "/backoffice/venues", {"code": "V", "name": "V"})
            hall = {"venue_id": venue["id"], "code": "H", "name": "H"}
            hall_id = backoffice.call("POST", "/backoffice/halls", hall)["id"]
            print(f"runs per figure: {RUNS} (median), app in process over moto")
            for size in SIZES:
                print(measure(backoffice, hall_id, size))


if __name__ == "__main__":
    main()
