"""Ticket barcodes round-trip, and any changed, truncated or foreign barcode reads as nothing."""

from __future__ import annotations

import re
import uuid

import pytest

from chalicelib import config
from chalicelib.tickets import barcodes

TICKET = "0123456789abcdef0123456789abcdef"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def test_a_barcode_reads_back_as_its_ticket_id():
    ticket = uuid.uuid4().hex

    assert barcodes.read(barcodes.issue(ticket)) == ticket


def test_a_barcode_is_versioned_short_and_upper_case_alphanumeric():
    code = barcodes.issue(TICKET)

    assert re.fullmatch(r"G1[A-Z2-7]{48}", code)
    assert barcodes.issue(TICKET) == code


def test_different_tickets_have_different_barcodes():
    assert barcodes.issue(TICKET) != barcodes.issue(TICKET[:-1] + "0")


def test_changing_any_one_character_is_refused():
    code = barcodes.issue(TICKET)

    for position in range(len(code)):
        for replacement in ("A", "7", "G"):
            if code[position] != replacement:
                changed = code[:position] + replacement + code[position + 1 :]
                assert barcodes.read(changed) is None, (position, replacement)


def test_a_barcode_with_a_forged_mac_is_refused():
    import base64

    forged = "G1" + base64.b32encode(bytes.fromhex(TICKET) + bytes(barcodes.MAC_BYTES)).decode()

    assert len(forged) == len(barcodes.issue(TICKET))
    assert barcodes.read(forged) is None


def test_a_barcode_from_another_secret_is_refused(monkeypatch):
    monkeypatch.setenv("GUICHET_TOKEN_SECRET", "someone-elses-secret-that-is-long-enough")
    config.reset()
    try:
        foreign = barcodes.issue(TICKET)
    finally:
        monkeypatch.undo()
        config.reset()

    assert foreign != barcodes.issue(TICKET)
    assert barcodes.read(foreign) is None


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "G1",
        "G1" + "A" * 47,
        "G1" + "A" * 49,
        "G2" + "A" * 48,
        "1G" + "A" * 48,
        "G1" + "é" * 48,
        "G1" + "=" * 48,
    ],
)
def test_a_malformed_barcode_reads_as_nothing(garbage):
    assert barcodes.read(garbage) is None


def test_a_truncated_or_extended_real_barcode_is_refused():
    code = barcodes.issue(TICKET)

    assert barcodes.read(code[:-1]) is None
    assert barcodes.read(code + "A") is None
    assert barcodes.read("G2" + code[2:]) is None


def test_a_barcode_typed_by_hand_in_lower_case_with_spaces_around_is_read():
    assert barcodes.read(f"  {barcodes.issue(TICKET).lower()}\n") == TICKET


def test_a_non_string_reads_as_nothing():
    assert barcodes.read(None) is None  # type: ignore[arg-type]
    assert barcodes.read(b"G1") is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", ["", "0123", TICKET.upper(), TICKET + "0", "g" * 32, "01234567-89ab-cdef-0123-456789abcdef"]
)
def test_issue_refuses_what_is_not_a_ticket_id(bad):
    with pytest.raises(ValueError):
        barcodes.issue(bad)


def test_every_alphabet_character_is_used_over_many_barcodes():
    # Guards against a silently constant or low-entropy encoding.
    seen = set("".join(barcodes.issue(uuid.uuid4().hex)[2:] for _ in range(50)))

    assert seen == set(ALPHABET)


def test_a_barcode_stays_valid_when_the_token_key_rotates(monkeypatch):
    monkeypatch.setenv("GUICHET_BARCODE_SECRET", "the-barcodes-own-secret-long-enough")
    printed = barcodes.issue(TICKET)
    monkeypatch.setenv("GUICHET_TOKEN_SECRET", "a-rotated-token-secret-long-enough")
    config.reset()
    try:
        assert barcodes.read(printed) == TICKET
    finally:
        monkeypatch.undo()
        config.reset()


def test_a_barcode_signed_with_another_barcode_secret_is_refused(monkeypatch):
    monkeypatch.setenv("GUICHET_BARCODE_SECRET", "the-barcodes-own-secret-long-enough")
    printed = barcodes.issue(TICKET)
    monkeypatch.setenv("GUICHET_BARCODE_SECRET", "another-barcode-secret-long-enough")

    assert barcodes.read(printed) is None


def test_a_revised_barcode_carries_its_ticket_and_revision_and_is_as_long():
    code = barcodes.issue(TICKET, 3)

    assert re.fullmatch(r"G2[A-Z2-7]{48}", code)
    assert barcodes.decode(code) == barcodes.Read(TICKET, 3)
    assert barcodes.read(code) == TICKET


def test_each_revision_has_its_own_barcode_and_the_first_keeps_the_printed_format():
    printed = barcodes.issue(TICKET)

    assert barcodes.issue(TICKET, 0) == printed
    assert barcodes.decode(printed) == barcodes.Read(TICKET, 0)
    assert len({printed, *(barcodes.issue(TICKET, n) for n in (1, 2, 3))}) == 4


def test_a_revision_changed_in_a_revised_barcode_is_refused():
    import base64

    code = barcodes.issue(TICKET, 1)
    raw = bytearray(base64.b32decode(code[2:]))
    raw[17] = 2  # the revision's low byte: 1 -> 2, the MAC left as it was
    forged = "G2" + base64.b32encode(bytes(raw)).decode()

    assert barcodes.decode(forged) is None


def test_a_revised_barcode_claiming_revision_zero_is_refused():
    import base64
    import hashlib
    import hmac

    key = hmac.new(barcodes.barcode_secret().encode(), barcodes.LABEL, hashlib.sha256).digest()
    signed = bytes.fromhex(TICKET) + bytes(2)
    mac = hmac.new(key, b"G2" + signed, hashlib.sha256).digest()[:12]

    assert barcodes.decode("G2" + base64.b32encode(signed + mac).decode()) is None


@pytest.mark.parametrize("bad", [-1, barcodes.MAX_REVISION + 1, True, 1.0])
def test_issue_refuses_a_revision_out_of_range(bad):
    with pytest.raises(ValueError):
        barcodes.issue(TICKET, bad)
