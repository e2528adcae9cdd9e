"""Best-available seat picking as plain Python: seats together in a row, best rank, centre, no orphan seats.

Vocabulary: a row is the seats sharing (block, row), in the natural order of their numbers (seat 2
before seat 10), then seat id; two seats are adjacent when consecutive in that order. An orphan
(isolated seat) is a free seat left alone between two seats that are not free for it: taken, not
sellable, or of another seat category. A seat at either end of its row is never an orphan, nor is a
wheelchair place (it is sold on its own), nor a seat that was already alone before the pick.
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections import defaultdict, deque
from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from chalicelib.inventory.stock_model import MapSeat, natural_key

RowKey = tuple[str | None, str | None]


class PickSeat(NamedTuple):
    """A seat as picking sees it: a tuple, since a pick over a 20,000-seat hall builds one per seat."""

    seat_id: str
    block: str | None
    row: str | None
    number: str | None  # seat number as text, e.g. "12", "12a"
    x: float | None
    y: float | None
    rank: int | None  # lower is better; None = worst
    accessible: bool  # wheelchair place
    category_id: str | None
    free: bool  # free now AND sellable by this channel (the caller computed it)


def pick_seat(seat: MapSeat, free: bool) -> PickSeat:
    """A seat read from the stock as picking sees it; `free`: free now and sellable by the caller."""
    return PickSeat(
        seat.seat_id,
        seat.block,
        seat.row,
        seat.number,
        seat.x,
        seat.y,
        seat.rank,
        seat.accessible,
        seat.category_id,
        free,
    )


@dataclass(frozen=True)
class OrphanRule:
    """A sales channel's stance on orphan seats: forbidden, unless always allowed or nearly sold out."""

    always_allow: bool = False
    trigger: int = 0  # orphans are allowed once the category's free seats after the hold are below this

    def allows_orphans(self, free_after: int) -> bool:
        """Whether a pick may leave orphans when `free_after` seats of the category stay free after it."""
        return self.always_allow or free_after < self.trigger


NO_ORPHANS = OrphanRule()


@dataclass(frozen=True)
class Pick:
    seat_ids: list[str]  # in plan order: rows in order, seats left to right
    adjacent: bool  # all in one row, consecutive


@dataclass(frozen=True)
class Spread:
    """How one instance (a Lambda process) chooses among the best runs, so that instances selling
    at once do not all chase the same "best" seats from their slightly stale stock reads.

    Each instance draws its own stable preference among rows (from `salt`), weighted by quality: it
    keeps filling the rows it prefers, where the only writes are its own, which it knows. Rows where
    it lost a race (`avoid`) are where another instance sells: they fall back in its preference.
    """

    salt: int
    candidates: int = 1024  # how many of the best runs are considered
    avoid: frozenset[RowKey] = frozenset()

    def preference(self, key: RowKey) -> float:
        """A stable Gumbel draw for the row: log-weights plus these draws pick in proportion."""
        u = (zlib.crc32(f"{self.salt}|{key[0]}|{key[1]}".encode()) + 0.5) / 2**32
        return -math.log(-math.log(u)) - (AVOIDED if key in self.avoid else 0.0)


# How far a row where this instance lost a race falls back (a Gumbel draw spreads about 1.3).
AVOIDED = 4.0


class NotEnoughSeats(Exception):
    """Fewer free seats of the category (and kind: wheelchair or not) than asked for."""

    def __init__(self, available: int) -> None:
        super().__init__(f"Only {available} matching seats are free")
        self.available = available


class OrphanSeatsRefused(Exception):
    """No pick found avoids leaving orphan seats, and the channel's rule forbids them now."""

    def __init__(self, seat_ids: list[str]) -> None:
        super().__init__(f"The pick would leave orphan seats: {', '.join(seat_ids)}")
        self.seat_ids = seat_ids


def row_key(seat: PickSeat) -> RowKey:
    """The row a seat belongs to: its block and row names."""
    return (seat.block, seat.row)


def _row_order(key: RowKey) -> tuple[Any, ...]:
    return (natural_key(key[0]), natural_key(key[1]))


def _rank(seat: PickSeat) -> float:
    return math.inf if seat.rank is None else seat.rank


@dataclass
class _Row:
    """One row in seat order, with what picking needs precomputed once."""

    seats: list[PickSeat]
    wanted: list[bool]
    ranks: list[float]
    places: list[float]  # x when every seat of the row has one, else the position index
    centre: float

    @classmethod
    def of(cls, seats: list[PickSeat], wanted: list[bool]) -> _Row:
        xs = [float(s.x) for s in seats if s.x is not None]
        places = xs if len(xs) == len(seats) else [float(i) for i in range(len(seats))]
        return cls(seats, wanted, [_rank(s) for s in seats], places, (min(places) + max(places)) / 2)

    def distance(self, start: int, stop: int) -> float:
        """How far the seats [start, stop) sit from the row's centre (rounded: ties stay ties)."""
        return round(abs((self.places[start] + self.places[stop - 1]) / 2 - self.centre), 6)


def _group(seats: Iterable[PickSeat]) -> dict[RowKey, list[PickSeat]]:
    grouped: dict[RowKey, list[PickSeat]] = defaultdict(list)
    for seat in seats:
        grouped[(seat.block, seat.row)].append(seat)
    return grouped


def _rows(grouped: dict[RowKey, list[PickSeat]], keys: Iterable[RowKey]) -> list[list[PickSeat]]:
    """The rows named in `keys`, in plan order (block, then row), each in seat order.

    Seat order is the natural order of the numbers, then seat id. The few distinct numbers of the
    house are ranked once, so sorting compares small integers instead of natural keys.
    """
    ordered = sorted(keys, key=_row_order)
    numbers = {s.number for key in ordered for s in grouped[key]}
    natural = {k: i for i, k in enumerate(sorted({natural_key(n) for n in numbers}))}
    place = {n: natural[natural_key(n)] for n in numbers}
    return [sorted(grouped[key], key=lambda s: (place[s.number], s.seat_id)) for key in ordered]


def _keeps_company(seat: PickSeat, neighbour: PickSeat, neighbour_taken: bool) -> bool:
    return neighbour.free and not neighbour_taken and neighbour.category_id == seat.category_id


def _alone(row: Sequence[PickSeat], p: int, taken: Container[int]) -> bool:
    """Whether row[p] is a free seat whose two neighbours are not free for it, once `taken` are taken."""
    seat = row[p]
    if p == 0 or p == len(row) - 1 or p in taken:
        return False
    if not seat.free or seat.accessible or seat.category_id is None:
        return False
    return not _keeps_company(seat, row[p - 1], p - 1 in taken) and not _keeps_company(
        seat, row[p + 1], p + 1 in taken
    )


def _orphans(row: Sequence[PickSeat], taken: Container[int], around: Iterable[int]) -> list[int]:
    """Positions among `around` (the neighbours of taken seats) that the taking leaves newly alone."""
    return [
        p
        for p in sorted(set(around))
        if 0 <= p < len(row) and _alone(row, p, taken) and not _alone(row, p, ())
    ]


def _neighbours(positions: Iterable[int]) -> set[int]:
    return {n for p in positions for n in (p - 1, p + 1)}


def orphans_created(seats: Sequence[PickSeat], taking: Collection[str]) -> list[str]:
    """The free seats a shopper's choice would leave alone between non-free seats, in plan order.

    `seats` are all the performance's seats, `taking` the ids the shopper wants. Only rows holding a
    chosen seat are looked at, and only the neighbours of chosen seats can become orphans: a seat
    already alone before the choice is not reported, nor one at a row's end. Unknown ids are ignored.
    """
    chosen = set(taking)
    touched = {(s.block, s.row) for s in seats if s.seat_id in chosen}
    result = []
    for row in _rows(_group(s for s in seats if (s.block, s.row) in touched), touched):
        taken = {i for i, s in enumerate(row) if s.seat_id in chosen}
        result += [row[p].seat_id for p in _orphans(row, taken, _neighbours(taken))]
    return result


@dataclass(frozen=True)
class _Window:
    key: tuple[Any, ...]
    row: int
    start: int
    stop: int


def _left_alone(seat: PickSeat, outer: PickSeat, inner: PickSeat, outer_taken: bool = False) -> bool:
    """Whether `seat`, kept company by the free seat `inner` until it is taken, is then left alone.

    `seat` is not at a row's end and not taken; `outer` is its other neighbour.
    """
    return (
        seat.free
        and not seat.accessible
        and seat.category_id is not None
        and seat.category_id == inner.category_id
        and not _keeps_company(seat, outer, outer_taken)
    )


def _run_leaves_orphan(row: Sequence[PickSeat], start: int, stop: int) -> bool:
    """Whether taking the free seats [start, stop) leaves a seat alone just outside them.

    The same answer as `_orphans` for a single run of free seats, without building sets: it runs once
    per candidate run of the house.
    """
    return (start >= 2 and _left_alone(row[start - 1], row[start - 2], row[start])) or (
        stop <= len(row) - 2 and _left_alone(row[stop], row[stop + 1], row[stop - 1])
    )


def _best_runs(rows: list[_Row], quantity: int, keep: int = 1) -> tuple[list[_Window], _Window | None]:
    """The `keep` best runs of `quantity` wanted seats that leave no orphan (best first), and the best
    one that does.

    Best: worst rank in the run first (None worst), then closest to the row's centre, then plan order.
    The worst rank of each run comes from a sliding window, so the whole house is read once. The run
    leaving orphans only matters while no clean run is known; after that it may not be the best one.
    """
    kept: list[tuple[tuple[Any, ...], _Window]] = []  # a max-heap on the key: negated components
    lonely: _Window | None = None

    def bar() -> tuple[Any, ...] | None:  # the key a run must beat to be kept
        return None if len(kept) < keep else tuple(-k for k in kept[0][0])

    for r, row in enumerate(rows):
        worst_kept = bar()
        if worst_kept is not None and min(row.ranks) > worst_kept[0]:
            continue  # no run of this row can rank as well as the runs kept
        n, i = len(row.seats), 0
        while i < n:
            if not row.wanted[i]:
                i += 1
                continue
            start = i
            while i < n and row.wanted[i]:
                i += 1
            if i - start < quantity:
                continue
            worst: deque[int] = deque()
            for j in range(start, i):
                while worst and row.ranks[worst[-1]] <= row.ranks[j]:
                    worst.pop()
                worst.append(j)
                a = j - quantity + 1
                if a < start:
                    continue
                while worst[0] < a:
                    worst.popleft()
                rank = row.ranks[worst[0]]
                if worst_kept is not None and rank > worst_kept[0]:
                    continue
                key = (rank, row.distance(a, j + 1), r, a)
                if worst_kept is not None and key >= worst_kept:
                    continue  # once clean runs are known, runs leaving orphans no longer matter
                if _run_leaves_orphan(row.seats, a, j + 1):
                    if not kept and (lonely is None or key < lonely.key):
                        lonely = _Window(key, r, a, j + 1)
                    continue
                entry = (tuple(-k for k in key), _Window(key, r, a, j + 1))
                if len(kept) < keep:
                    heapq.heappush(kept, entry)
                else:
                    heapq.heapreplace(kept, entry)
                worst_kept = bar()
    return sorted((w for _, w in kept), key=lambda w: w.key), lonely


def _pieces(rows: list[_Row], pool: list[list[bool]], picked: dict[int, set[int]]) -> list[_Window]:
    """Runs of pool seats not picked yet, largest first, then best worst rank, centre and plan order."""
    pieces = []
    for r, row in enumerate(rows):
        taken = picked.get(r, set())
        n, i = len(row.seats), 0
        while i < n:
            if not pool[r][i] or i in taken:
                i += 1
                continue
            start = i
            while i < n and pool[r][i] and i not in taken:
                i += 1
            key = (start - i, max(row.ranks[start:i]), row.distance(start, i), r, start)
            pieces.append(_Window(key, r, start, i))
    return sorted(pieces, key=lambda w: w.key)


def _best_in_piece(row: _Row, piece: _Window, size: int, picked: set[int], clean_only: bool) -> int | None:
    """Start of the best `size` seats inside a piece: fewest orphans, best worst rank, then centre."""
    seats, last = row.seats, len(row.seats) - 1
    best: tuple[Any, ...] | None = None
    for a in range(piece.start, piece.stop - size + 1):
        b = a + size  # only the seats just outside [a, b) can be left alone by taking it
        lonely = (
            a >= 2
            and a - 1 not in picked
            and _left_alone(seats[a - 1], seats[a - 2], seats[a], a - 2 in picked)
        ) + (
            b < last
            and b not in picked
            and _left_alone(seats[b], seats[b + 1], seats[b - 1], b + 1 in picked)
        )
        if lonely and clean_only:
            continue
        key = (lonely, max(row.ranks[a:b]), row.distance(a, b), a)
        if best is None or key < best:
            best = key
    return None if best is None else best[-1]


def _fill(
    rows: list[_Row], pool: list[list[bool]], picked: dict[int, set[int]], wanted: int, clean: bool
) -> int:
    """Greedy: take from the largest pieces first; `clean` takes only seats leaving no orphan.

    A clean pass takes from each piece the most seats it can without an orphan (fewer if it must).
    Returns how many seats are still missing.
    """
    remaining = wanted
    for piece in _pieces(rows, pool, picked):
        if remaining == 0:
            break
        taken = picked.setdefault(piece.row, set())
        most = min(remaining, piece.stop - piece.start)
        for size in range(most, 0, -1) if clean else (most,):
            start = _best_in_piece(rows[piece.row], piece, size, taken, clean)
            if start is not None:
                taken.update(range(start, start + size))
                remaining -= size
                break
    return remaining


@dataclass(frozen=True)
class _Outcome:
    pick: Pick
    orphans: list[str]


def _outcome(rows: list[_Row], picked: dict[int, set[int]]) -> _Outcome:
    seat_ids: list[str] = []
    orphans: list[str] = []
    for r in sorted(r for r, taken in picked.items() if taken):
        seats, taken = rows[r].seats, picked[r]
        seat_ids += [seats[p].seat_id for p in sorted(taken)]
        orphans += [seats[p].seat_id for p in _orphans(seats, taken, _neighbours(taken))]
    used = [r for r, taken in picked.items() if taken]
    adjacent = len(used) == 1 and max(picked[used[0]]) - min(picked[used[0]]) + 1 == len(picked[used[0]])
    return _Outcome(Pick(seat_ids, adjacent), orphans)


def _choose(rows: list[_Row], runs: list[_Window], spread: Spread | None) -> _Window:
    """The best run, or with a spread a run drawn with weights falling from the best to the last kept."""
    if spread is None or len(runs) == 1:
        return runs[0]
    size = len(runs)
    scores = [
        math.log((size - n) / size) + spread.preference(row_key(rows[run.row].seats[run.start]))
        for n, run in enumerate(runs)
    ]
    return runs[max(range(size), key=scores.__getitem__)]


def _run(rows: list[_Row], window: _Window) -> _Outcome:
    return _outcome(rows, {window.row: set(range(window.start, window.stop))})


def _split(rows: list[_Row], pool: list[list[bool]], quantity: int) -> _Outcome:
    """The pool's seats spread over rows: a clean greedy pass, then the rest wherever it fits best."""
    picked: dict[int, set[int]] = {}
    remaining = _fill(rows, pool, picked, quantity, clean=True)
    if remaining:
        _fill(rows, pool, picked, remaining, clean=False)
    return _outcome(rows, picked)


def best_available(
    seats: Sequence[PickSeat],
    category_id: str,
    quantity: int,
    *,
    accessible: bool = False,
    rule: OrphanRule = NO_ORPHANS,
    spread: Spread | None = None,
) -> Pick:
    """The box office's "best available" `quantity` free seats of a seat category.

    Wanted seats: free, of the category, and wheelchair places when `accessible` (then only those),
    never wheelchair places otherwise. The first of these that gives a pick wins:

    1. A run of `quantity` adjacent wanted seats leaving no orphan: best worst rank in the run (None
       worst), then closest to the row's centre (by x when every seat of the row has one, else by
       position), then plan order (block, row, then leftmost).
    2. If `rule.allows_orphans(free seats of the category after the pick)`, the best such run that
       leaves orphans.
    3. Seats split across rows (adjacent=False), from the best-ranked seats only (ranks no worse than
       the `quantity`-th best wanted seat): largest runs first, each taking the most seats it can
       without leaving an orphan; the pick is returned if it leaves none.
    4. The same split from all wanted seats, whatever their rank, if it leaves no orphan.
    5. If the rule allows orphans, the split of step 3 with its orphans; otherwise
       `OrphanSeatsRefused`, carrying the orphans of the pick the rule would have allowed (the run of
       step 2 when one exists, else the split of step 3).

    With a `spread`, step 1 draws among the `spread.candidates` best runs (see Spread) instead of
    always taking the first. The split is greedy: in rare layouts it may refuse a pick a cleverer
    arrangement would find.
    Raises ValueError when `quantity` < 1 and NotEnoughSeats when fewer wanted seats are free.
    """
    if quantity < 1:
        raise ValueError("quantity must be at least 1")

    grouped = _group(seats)
    # Only rows holding a wanted seat matter: a pick and the orphans it leaves stay in those rows.
    # Wanted: free, of the category, and of the asked kind (wheelchair place or not).
    keys = {
        (s.block, s.row)
        for s in seats
        if s.free and s.category_id == category_id and s.accessible == accessible
    }
    rows = [
        _Row.of(row, [s.free and s.category_id == category_id and s.accessible == accessible for s in row])
        for row in _rows(grouped, keys)
    ]
    available = sum(map(sum, (row.wanted for row in rows)))
    if available < quantity:
        raise NotEnoughSeats(available)
    free_after = sum(1 for s in seats if s.free and s.category_id == category_id) - quantity
    allowed = rule.allows_orphans(free_after)

    clean, lonely = _best_runs(rows, quantity, spread.candidates if spread else 1)
    if clean:
        return _run(rows, _choose(rows, clean, spread)).pick
    if lonely is not None and allowed:
        return _run(rows, lonely).pick

    ranks = (rank for row in rows for w, rank in zip(row.wanted, row.ranks, strict=True) if w)
    bar = heapq.nsmallest(quantity, ranks)[-1]
    best_ranked = [[w and rank <= bar for w, rank in zip(row.wanted, row.ranks, strict=True)] for row in rows]
    best = _split(rows, best_ranked, quantity)
    if not best.orphans:
        return best.pick
    if best_ranked != [row.wanted for row in rows]:
        wide = _split(rows, [row.wanted for row in rows], quantity)
        if not wide.orphans:
            return wide.pick
    if allowed:
        return best.pick
    raise OrphanSeatsRefused((best if lonely is None else _run(rows, lonely)).orphans)
