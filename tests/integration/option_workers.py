"""Worker processes for the option concurrency tests: operators placing options at the same time."""

from __future__ import annotations

from typing import Any

ORG = "demo"


def place_options(worker: int, barrier: Any, payload: dict[str, Any]) -> list[tuple]:
    """Place this worker's requested options, all workers at once; record what each got."""
    from chalicelib.errors import Conflict
    from chalicelib.options import service as options
    from chalicelib.options.service import LineIn

    results: list[tuple] = []
    mine = payload["options"][worker]
    options.get(ORG, mine[0])  # open the connections before the rush
    barrier.wait()
    for option_id in mine:
        line = LineIn(payload["category_id"], payload["quantity"])
        try:
            placed = options.place(ORG, option_id, f"operator-{worker}", None, [line])
        except Conflict as exc:
            results.append(("refused", option_id, exc.code))
        else:
            results.append(("placed", option_id, sorted(placed.placed[0].seat_ids)))
    return results
