"""E-ticket barcodes: the ticket id and a truncated HMAC, in base32 so a QR code stores it compactly.

A ticket given to a beneficiary (or taken back) gets a new barcode: the "G2" format carries the
ticket's barcode revision beside its id, so ticket control refuses the barcodes printed before
(their revision is no longer the ticket's). A ticket never changed keeps its first "G1" barcode.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from chalicelib.auth import tokens

# The version prefix lets a later format coexist with tickets already printed.
PREFIX = "G1"
LABEL = b"ticket-barcode"
MAC_BYTES = 14  # 16 id bytes + 14 = 30 bytes: exactly 48 base32 characters, no padding, 112-bit MAC
LENGTH = len(PREFIX) + (16 + MAC_BYTES) * 8 // 5
_TICKET_ID = re.compile(r"[0-9a-f]{32}")
# Revised barcodes: 16 id bytes + 2 revision bytes + 12 MAC bytes = 30 bytes, 48 characters too.
REVISED = "G2"
REVISION_BYTES = 2
REVISED_MAC_BYTES = 12
MAX_REVISION = 2 ** (8 * REVISION_BYTES) - 1


@dataclass(frozen=True)
class Read:
    """What a barcode carries: its ticket and the barcode revision it was issued for (0: the first)."""

    ticket_id: str
    revision: int


def barcode_secret() -> str:
    """The barcodes' own secret (GUICHET_BARCODE_SECRET or the secret at GUICHET_BARCODE_SECRET_ARN).

    Rotating the token keys then leaves printed tickets valid. A deployment without one derives the
    barcode key from the token secret, as before, so that its printed tickets stay valid.
    """
    if os.environ.get("GUICHET_BARCODE_SECRET"):
        return os.environ["GUICHET_BARCODE_SECRET"]
    arn = os.environ.get("GUICHET_BARCODE_SECRET_ARN")
    if arn:
        from aws_lambda_powertools.utilities import parameters

        return str(parameters.get_secret(arn, max_age=300))
    return tokens.signing_secret()


def _mac(ticket: bytes, prefix: str = PREFIX, size: int = MAC_BYTES) -> bytes:
    # A key derived for this use only: the same secret never keys two different MACs.
    key = hmac.new(barcode_secret().encode("utf-8"), LABEL, hashlib.sha256).digest()
    return hmac.new(key, prefix.encode("ascii") + ticket, hashlib.sha256).digest()[:size]


def issue(ticket_id: str, revision: int = 0) -> str:
    """The barcode printed on a ticket: 'G1' (revision 0) or 'G2', and 48 characters of A-Z and 2-7."""
    if not isinstance(ticket_id, str) or not _TICKET_ID.fullmatch(ticket_id):
        raise ValueError("A ticket id is 32 lowercase hex characters (uuid4().hex)")
    if not isinstance(revision, int) or isinstance(revision, bool) or not 0 <= revision <= MAX_REVISION:
        raise ValueError(f"A barcode revision is a whole number from 0 to {MAX_REVISION}")
    ticket = bytes.fromhex(ticket_id)
    if revision == 0:
        return PREFIX + base64.b32encode(ticket + _mac(ticket)).decode("ascii")
    signed = ticket + revision.to_bytes(REVISION_BYTES, "big")
    mac = _mac(signed, REVISED, REVISED_MAC_BYTES)
    return REVISED + base64.b32encode(signed + mac).decode("ascii")


def decode(barcode: str) -> Read | None:
    """The ticket and revision a barcode carries, or None when it is malformed or we did not sign it."""
    if not isinstance(barcode, str):
        return None
    # Upper-cased for codes typed by hand at the door; the QR code itself is already upper case.
    code = barcode.strip().upper()
    prefix = code[: len(PREFIX)]
    if len(code) != LENGTH or prefix not in (PREFIX, REVISED):
        return None
    try:
        raw = base64.b32decode(code[len(PREFIX) :])
    except (binascii.Error, ValueError):
        return None
    if prefix == PREFIX:
        ticket, mac = raw[:16], raw[16:]
        return Read(ticket.hex(), 0) if hmac.compare_digest(_mac(ticket), mac) else None
    signed, mac = raw[: 16 + REVISION_BYTES], raw[16 + REVISION_BYTES :]
    if not hmac.compare_digest(_mac(signed, REVISED, REVISED_MAC_BYTES), mac):
        return None
    revision = int.from_bytes(signed[16:], "big")
    # revision 0 is only ever printed as G1: a G2 code claiming it is not one of ours
    return Read(signed[:16].hex(), revision) if revision else None


def read(barcode: str) -> str | None:
    """The ticket id a barcode carries, or None when it is malformed or we did not sign it.

    It does not say whether the barcode is the ticket's current one: ticket control compares
    `decode(barcode).revision` with the ticket's."""
    found = decode(barcode)
    return found.ticket_id if found else None
