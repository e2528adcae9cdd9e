"""Queue rules: the order inside a bucket, the opening draw's fairness, the rate, admission tokens."""

from __future__ import annotations

import random
from collections import Counter

from chalicelib.queue import admission
from chalicelib.queue.model import (
    Draw,
    EntryKey,
    admissions_due,
    bucket_of,
    early_flat,
    early_key,
    entry_id,
    estimated_wait_seconds,
    keys_in_bucket,
    parse_entry_id,
    rank_in_bucket,
)


def test_arrivals_before_the_opening_share_bucket_zero_then_one_bucket_a_second():
    assert [bucket_of(1000, t) for t in (10, 999.9, 1000, 1000.99, 1001, 1059.5)] == [0, 0, 1, 1, 2, 60]


def test_a_bucket_is_ordered_round_robin_over_its_shards_and_rank_inverts_it():
    counts = [3, 0, 1, 2]

    order = list(keys_in_bucket(counts))

    assert order == [(0, 1), (2, 1), (3, 1), (0, 2), (3, 2), (0, 3)]
    assert [rank_in_bucket(counts, shard, seq) for shard, seq in order] == list(range(6))
    assert list(keys_in_bucket(counts, 4)) == order[4:]


def test_the_draw_is_a_permutation_and_its_inverse_finds_each_entry():
    for n in (1, 2, 7, 100, 1000):
        draw = Draw(bytes(range(16)), n)
        ranks = [draw.rank(flat) for flat in range(n)]
        assert sorted(ranks) == list(range(n))
        assert [draw.flat(rank) for rank in ranks] == list(range(n))


def test_the_draw_gives_every_early_arrival_the_same_chance_of_every_place():
    """Over 3,000 draws of 10 early arrivals, the first arrival lands about 300 times on each place."""
    rng = random.Random(7)
    places = Counter(Draw(rng.randbytes(16), 10).rank(0) for _ in range(3000))

    assert set(places) == set(range(10))
    assert all(240 <= count <= 360 for count in places.values()), places


def test_early_entries_map_to_flat_places_and_back():
    counts = [2, 0, 3, 1]
    keys = [early_key(counts, flat) for flat in range(6)]

    assert [early_flat(counts, k.shard, k.seq) for k in keys] == list(range(6))
    assert keys[2] == EntryKey(0, 2, 1)


def test_the_rate_admits_once_a_minute_and_catches_up_two_minutes_at_most():
    assert admissions_due(100, None, 50) == 100
    assert admissions_due(100, 50, 50) == 0  # a re-run in the same minute
    assert admissions_due(100, 50, 51) == 100
    assert admissions_due(100, 50, 58) == 200
    assert admissions_due(0, 50, 51) == 0


def test_the_wait_counts_runs_at_each_minute_after_the_opening():
    assert estimated_wait_seconds(1, 100, now=1_000_030, opens_at=1_000_000) == 50
    assert estimated_wait_seconds(250, 100, now=1_000_030, opens_at=1_000_000) == 50 + 120
    assert estimated_wait_seconds(5, 0, now=0, opens_at=0) is None


def test_entry_ids_carry_a_secret_and_refuse_what_they_cannot_be():
    key = EntryKey(12, 3, 45)

    assert parse_entry_id(entry_id(key, "0123456789abcdef")) == (key, "0123456789abcdef")
    assert parse_entry_id("12-9-45-0123456789abcdef") is None  # no shard 9
    assert parse_entry_id("12-3-45-xyz") is None


def test_an_admission_token_is_refused_when_altered_or_signed_with_another_key():
    key = admission.admission_key("secret-one")
    granted = admission.Admission("demo", "performance.p1", "1-2-3", "203.0.113.7", 1_000)
    token = admission.sign(key, granted)

    assert admission.read(key, token) == granted
    assert admission.read(admission.admission_key("secret-two"), token) is None
    head, body, mac = token.split(".")
    assert admission.read(key, f"{head}.{body[:-2]}AA.{mac}") is None
    assert admission.read(key, "qa1.not-a-token") is None
