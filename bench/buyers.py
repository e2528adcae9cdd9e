"""Tickets sold per second by N concurrent buyers, over HTTP, against the local stack of `make run`."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LEVELS = (1, 4, 8, 16)
SECONDS = 20.0  # buyers start purchases for this long at each level, then finish the one under way
TICKETS = 2  # per purchase: best available in a seat category
POS = "WEB"
ATTEMPTS = 3  # a buyer whose hold failed tries another category this many times


@dataclass
class Purchase:
    tickets: int = 0
    holds: list[float] = field(default_factory=list)  # every hold call, refused ones too
    checkout: float = 0.0
    callback: float = 0.0
    total: float = 0.0
    failures: list[str] = field(default_factory=list)  # "step status code", one per refused call


class Buyer:
    """One shopper's browser: a guest session, a cart, a hold, checkout, the card page, the callback."""

    def __init__(self, api: str, org: str) -> None:
        self.api, self.org = api, org
        self.http = requests.Session()
        self.path = ""  # the call under way, named when it fails
        self.resets = 0  # connections refused or reset while opening

    def connect(self) -> None:
        """Open the kept-alive connection before the rush: `chalice local` listens with socketserver's
        backlog of 5, and 16 connections opened at once get some reset (local only; not API Gateway)."""
        for attempt in range(5):
            try:
                self.http.get(f"{self.api}/health", timeout=60)
                return
            except requests.ConnectionError:
                self.resets += 1
                time.sleep(0.1 * (attempt + 1))

    def post(self, path: str, body: Any, token: str | None = None, **headers: str) -> requests.Response:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.path = path.split("?")[0].rsplit("/", 1)[-1]
        return self.http.post(self.api + path, json=body, headers=headers, timeout=60)

    def buy(self, performance_id: str, categories: list[str]) -> Purchase:
        done, began = Purchase(), time.perf_counter()
        token = self.post(f"/shop/{self.org}/guest", {}).json()["token"]
        cart = self.post(f"/shop/{self.org}/pos/{POS}/carts", {}, token).json()["cart_id"]
        for category in random.sample(categories, min(ATTEMPTS, len(categories))):
            started = time.perf_counter()
            body = {"performance_id": performance_id, "category_id": category, "quantity": TICKETS}
            answer = self.post(f"/shop/{self.org}/carts/{cart}/holds", body, token)
            done.holds.append(time.perf_counter() - started)
            if answer.status_code == 201:
                break
            done.failures.append(_failure("hold", answer))
        else:
            return done
        started = time.perf_counter()
        body = {"email": "buyer@example.com", "name": "Bench Buyer"}
        path = f"/shop/{self.org}/carts/{cart}/checkout"
        answer = self.post(path, body, token, **{"Idempotency-Key": uuid.uuid4().hex})
        done.checkout = time.perf_counter() - started
        if answer.status_code != 201:
            done.failures.append(_failure("checkout", answer))
            return done
        session = answer.json()["payment_url"].split("session=", 1)[1]
        # the session token is URL-safe base64: it goes into the query as it is
        paid = self.post(f"/payments/simulator?session={session}", {"outcome": "succeeded"}).json()
        started = time.perf_counter()
        answer = self.post(
            "/" + paid["callback_url"].split("://", 1)[1].split("/", 1)[1],
            {"payload": paid["payload"], "signature": paid["signature"]},
        )
        done.callback = time.perf_counter() - started
        if answer.status_code != 200 or answer.json().get("status") != "paid":
            done.failures.append(_failure("callback", answer))
            return done
        done.tickets, done.total = TICKETS, time.perf_counter() - began
        return done


def _failure(step: str, answer: requests.Response) -> str:
    try:
        error = answer.json()
    except ValueError:
        return f"{step} {answer.status_code} {answer.text[:60]}"
    return f"{step} {answer.status_code} {error.get('code', '')} ({str(error.get('message', ''))[:60]})"


def categories_on_sale(api: str, org: str, performance_id: str) -> tuple[list[str], int]:
    """Seat categories with free seats at this point of sale (best available picks among them),
    and the free seats in all."""
    path = f"{api}/shop/{org}/pos/{POS}/performances/{performance_id}/availability"
    found = requests.get(path, timeout=60).json()
    categories = [c["seat_category_id"] for c in found["categories"] if c["seats_free"] >= TICKETS * 10]
    return categories, found["total_free"]


@dataclass
class Level:
    buyers: int
    seconds: float
    purchases: list[Purchase]
    free_before: int
    cpu: dict[str, float]  # CPU seconds each process used during the level
    resets: int  # connections reset while the buyers opened them, before the rush

    @property
    def tickets(self) -> int:
        return sum(p.tickets for p in self.purchases)


def cpu_seconds(pids: list[int]) -> dict[str, float]:
    """CPU time used so far by the stack's processes (from /proc) and by this one."""
    used = {"this process (buyers, moto)": time.process_time()}
    for pid in pids:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        label = "DynamoDB Local" if name == "java" else "chalice local"
        used[label] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return used


def run_level(api: str, org: str, performance_id: str, buyers: int, seconds: float, pids: list[int]) -> Level:
    """`buyers` threads buy on one performance (an on-sale rush) until `seconds` have passed."""
    categories, free = categories_on_sale(api, org, performance_id)
    purchases: list[Purchase] = []
    resets: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(buyers + 1)
    deadline = [0.0]

    def shopper() -> None:
        buyer = Buyer(api, org)
        buyer.connect()
        with lock:
            resets.append(buyer.resets)
        start.wait()
        while time.perf_counter() < deadline[0]:
            try:
                done = buyer.buy(performance_id, categories)
            except (requests.RequestException, KeyError, ValueError) as exc:
                failure = f"{buyer.path} {type(exc).__name__}: {str(exc)[-90:]}"
                done = Purchase(failures=[failure])
            with lock:
                purchases.append(done)

    threads = [threading.Thread(target=shopper, name=f"buyer-{n}") for n in range(buyers)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began, cpu = time.perf_counter(), cpu_seconds(pids)
    start.wait()
    for thread in threads:
        thread.join()
    used = {name: spent - cpu.get(name, 0.0) for name, spent in cpu_seconds(pids).items()}
    return Level(buyers, time.perf_counter() - began, purchases, free, used, sum(resets))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(levels: list[Level]) -> None:
    header = (
        f"{'buyers':>6}{'purchases':>10}{'tickets':>8}{'tickets/s':>10}"
        f"{'hold p50':>9}{'p95':>7}{'checkout p50':>13}{'p95':>7}{'callback p50':>13}{'p95':>7}"
        f"{'purchase p50':>13}{'refused':>8}"
    )
    print(f"\n{header}\n{'-' * len(header)}")
    for level in levels:
        sold = [p for p in level.purchases if p.tickets]

        def ms(values: list[float], share: float) -> str:
            return f"{percentile(values, share) * 1000:.0f}"

        holds = [h for p in level.purchases for h in p.holds]
        checkouts = [p.checkout for p in level.purchases if p.checkout]
        callbacks = [p.callback for p in sold]
        refused = sum(len(p.failures) for p in level.purchases)
        rate = level.tickets / level.seconds
        print(
            f"{level.buyers:>6}{len(level.purchases):>10}{level.tickets:>8}{rate:>10.1f}"
            f"{ms(holds, 0.5):>9}{ms(holds, 0.95):>7}{ms(checkouts, 0.5):>13}{ms(checkouts, 0.95):>7}"
            f"{ms(callbacks, 0.5):>13}{ms(callbacks, 0.95):>7}{ms([p.total for p in sold], 0.5):>13}"
            f"{refused:>8}"
        )
    print("\nlatencies in ms: hold over every hold call (refused ones too), the others over the calls made.")
    print("CPU ms per ticket sold (from /proc; steadier than wall time on a shared machine):")
    for level in levels:
        spent = {name: 1000 * cpu / max(1, level.tickets) for name, cpu in sorted(level.cpu.items())}
        listed = ", ".join(f"{name} {ms:.0f}" for name, ms in spent.items())
        server = spent.get("chalice local", 0.0)
        ceiling = (
            f"; one chalice process (one GIL) tops out near {1000 / server:.0f} tickets/s" if server else ""
        )
        print(f"  {level.buyers:>2} buyers: {listed}{ceiling}")
    for level in levels:
        failures = Counter(f for p in level.purchases for f in p.failures)
        if failures:
            listed = ", ".join(f"{what} x{n}" for what, n in failures.most_common())
            print(f"refused calls with {level.buyers} buyers: {listed}")
        if level.resets:
            print(f"connections reset while {level.buyers} buyers opened them (retried): {level.resets}")


def start_stack(state_dir: Path) -> Any:
    from infra.local.dynamodb import free_port
    from infra.local.stack import LocalStack

    port = free_port()
    # the payment provider's callback and the payment page are on this port, not 8000
    os.environ["GUICHET_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    stack = LocalStack(port=port, state_dir=state_dir, chalice_output=state_dir / "chalice.log", say=print)
    stack.start()
    return stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="per level (default %(default)s)")
    parser.add_argument("--buyers", type=int, nargs="*", default=list(LEVELS))
    args = parser.parse_args()
    began = time.perf_counter()
    os.environ.setdefault("GUICHET_TOKEN_SECRET", "bench-" + "s" * 40)
    os.environ.setdefault("GUICHET_TEST_STACK", "true")  # the simulated card provider pays
    # chalice local and the in-process workflows log at WARNING: one JSON line a request is not measured
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    with tempfile.TemporaryDirectory(prefix="guichet-buyers-") as state:
        print("starting the local stack (DynamoDB Local, moto, chalice local, demo seed)...", flush=True)
        stack = start_stack(Path(state))
        try:
            seconds, engine = stack.startup_seconds, stack.dynamodb_engine
            print(f"started in {seconds:.0f} s: {stack.api_url}; DynamoDB: {engine}")
            levels = measure(stack, args.buyers, args.seconds)
        finally:
            stack.stop()
    print(
        f"\nWhat was measured: {TICKETS} tickets a purchase (guest session, cart, best-available hold in a"
        "\nrandom seat category, checkout by card with an Idempotency-Key, the simulator's payment page,"
        "\nthe signed callback that sells the seats, writes the tickets and emails the PDF), each level"
        "\non its own demo performance (1,584 seats), all buyers at once: an on-sale rush, no think time."
        "\nThe server is ONE `chalice local` process (threaded, one GIL) on this machine's cores, shared"
        "\nwith DynamoDB Local (Java), moto and the buyers' threads: a ceiling of this box, not of Lambda,"
        "\nwhere each instance serves one request at a time and instances multiply."
    )
    report(levels)
    print(f"\ntotal wall time {time.perf_counter() - began:.1f} s (stack start and stop included)")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores; load average at the end {load} (1, 5, 15 min)")


def measure(stack: Any, levels: list[int], seconds: float) -> list[Level]:
    api, org = stack.api_url, stack.org
    on_sale = requests.get(f"{api}/shop/{org}/pos/{POS}/performances", timeout=60).json()["items"]
    if len(on_sale) < len(levels) + 1:
        raise SystemExit(f"{len(on_sale)} performances on sale at {POS}; need {len(levels) + 1}")
    warm = Buyer(api, org)  # chalice local builds each route's models on its first call: not counted
    for _ in range(2):
        warm.buy(on_sale[0]["id"], categories_on_sale(api, org, on_sale[0]["id"])[0])
    done = []
    for n, buyers in enumerate(levels, start=1):
        level = run_level(api, org, on_sale[n]["id"], buyers, seconds, stack.pids)
        rate = level.tickets / level.seconds
        print(
            f"{buyers:>2} buyers: {level.tickets} tickets in {level.seconds:.1f} s ({rate:.1f}/s);"
            f" {level.free_before} seats were free at {POS}",
            flush=True,
        )
        done.append(level)
    return done


if __name__ == "__main__":
    main()
