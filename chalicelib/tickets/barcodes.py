"""E-ticket barcodes: the ticket id and a truncated HMAC, in base32 so a QR code stores it compactly."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

from chalicelib.auth import tokens

# The version prefix lets a later format coexist with tickets already printed.
PREFIX = "G1"
LABEL = b"ticket-barcode"
MAC_BYTES = 14  # 16 id bytes + 14 = 30 bytes: exactly 48 base32 characters, no padding, 112-bit MAC
LENGTH = len(PREFIX) + (16 + MAC_BYTES) * 8 // 5
_TICKET_ID = re.compile(r"[0-9a-f]{32}")


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


def _mac(ticket: bytes) -> bytes:
    # A key derived for this use only: the same secret never keys two different MACs.
    key = hmac.new(barcode_secret().encode("utf-8"), LABEL, hashlib.sha256).digest()
    return hmac.new(key, PREFIX.encode("ascii") + ticket, hashlib.sha256).digest()[:MAC_BYTES]


def issue(ticket_id: str) -> str:
    """The barcode printed on a ticket: 'G1' and 48 characters of A-Z and 2-7."""
    if not isinstance(ticket_id, str) or not _TICKET_ID.fullmatch(ticket_id):
        raise ValueError("A ticket id is 32 lowercase hex characters (uuid4().hex)")
    ticket = bytes.fromhex(ticket_id)
    return PREFIX + base64.b32encode(ticket + _mac(ticket)).decode("ascii")


def read(barcode: str) -> str | None:
    """The ticket id a barcode carries, or None when it is malformed or we did not sign it."""
    if not isinstance(barcode, str):
        return None
    # Upper-cased for codes typed by hand at the door; the QR code itself is already upper case.
    code = barcode.strip().upper()
    if len(code) != LENGTH or not code.startswith(PREFIX):
        return None
    try:
        raw = base64.b32decode(code[len(PREFIX) :])
    except (binascii.Error, ValueError):
        return None
    ticket, mac = raw[:16], raw[16:]
    if not hmac.compare_digest(_mac(ticket), mac):
        return None
    return ticket.hex()
