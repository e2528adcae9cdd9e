"""A block's seats as opened, in compact parts: what a stock reader needs of a seat that stays free as opened.

The opening writes, beside each block's marker, its seats' unchanging facts (place, rank, category) and
the quota they opened with, as zlib-compressed JSON rows of at most PART_SEATS seats. A reader builds
every seat from these parts as free, then reads from the shards only the seats that are no longer so
(see stock_reads.changed_rows): a cold read of a 20,000-seat hall decodes a few hundred KB of
compressed rows and a few changed seats, instead of 5 MB of DynamoDB JSON with one dict per attribute.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable, Sequence

from chalicelib.db.stock import seat_shard
from chalicelib.inventory.stock_model import SEAT_FREE, MapSeat, StockSeat

# Seats per part: 2,000 rows stay far below DynamoDB's 400 KB item even with long seat ids.
PART_SEATS = 2000


def _plain_number(value: float | int | None) -> float | int | None:
    """As a stock read gives numbers back: an int when whole."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def encode(seats: Sequence[StockSeat], shards: int) -> list[bytes]:
    """The block's seats as compressed parts. Each part names its repeated strings once (zone, block,
    row, number, category, quota: rows give their index) and each seat's shard among `shards`, so
    that a reader builds a seat with list look-ups only."""
    parts = []
    for n in range(0, len(seats), PART_SEATS):
        strings: dict[str | None, int] = {}
        index = functools.partial(_index, strings)
        rows = [
            [
                s.seat_id,
                seat_shard(s.seat_id, shards),
                *map(index, (s.zone, s.block, s.row, s.number)),
                *map(_plain_number, (s.x, s.y, s.rank)),
                bool(s.accessible),
                index(s.category_id),
                index(s.quota_id),
            ]
            for s in seats[n : n + PART_SEATS]
        ]
        part = {"shards": shards, "strings": list(strings), "seats": rows}
        parts.append(zlib.compress(json.dumps(part, separators=(",", ":")).encode()))
    return parts


def _index(strings: dict[str | None, int], value: str | None) -> int:
    return strings.setdefault(value, len(strings))


def opened_seats(parts: Iterable[bytes], shards: int) -> list[list[MapSeat]]:
    """Every seat of the parts, free with the quota it opened with, per shard of `shards`.

    Each seat is made with tuple.__new__, not MapSeat(...): its generated __new__ is a Python call,
    a fifth of the decoding of 20,000 seats.
    """
    by_shard: list[list[MapSeat]] = [[] for _ in range(shards)]
    new = tuple.__new__
    for blob in parts:
        part = json.loads(zlib.decompress(blob))
        text = part["strings"]
        same = part["shards"] == shards  # else each seat's shard is worked out again
        for seat_id, shard, zone, block, row, number, x, y, rank, accessible, category, quota in part[
            "seats"
        ]:
            by_shard[shard if same else seat_shard(seat_id, shards)].append(
                new(
                    MapSeat,
                    (  # in MapSeat's order of fields
                        seat_id,
                        text[zone],
                        text[block],
                        text[row],
                        text[number],
                        x,
                        y,
                        text[category],
                        accessible,
                        text[quota],
                        SEAT_FREE,
                        None,
                        rank,
                    ),
                )
            )
    return by_shard
