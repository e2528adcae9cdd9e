"""Reads shared within one piece of work: once per block, a copy each time, every time outside one."""

from __future__ import annotations

from chalicelib.db import shared_reads


def counting_read():
    made: list[int] = []

    def read():
        made.append(1)
        return {"lines": [1, 2]}

    return made, read


def test_within_a_block_a_key_is_read_once_and_each_caller_gets_its_own_copy():
    made, read = counting_read()
    with shared_reads.shared():
        first = shared_reads.remembered(("order", "A"), read)
        first["lines"].append(3)
        second = shared_reads.remembered(("order", "A"), read)
        shared_reads.remembered(("order", "B"), read)

    assert second == {"lines": [1, 2]}
    assert len(made) == 2  # A once, B once


def test_outside_a_block_and_in_the_next_one_every_read_asks_again():
    made, read = counting_read()
    shared_reads.remembered("k", read)
    shared_reads.remembered("k", read)
    with shared_reads.shared():
        shared_reads.remembered("k", read)
    with shared_reads.shared():
        shared_reads.remembered("k", read)

    assert len(made) == 4
