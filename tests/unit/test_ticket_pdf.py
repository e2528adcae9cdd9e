"""The ticket PDF has one page per ticket, each carrying its barcode; reportlab loads only when used."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from chalicelib.tickets import barcodes, pdf

ROOT = Path(__file__).resolve().parents[2]


def ticket(**changes) -> pdf.PrintedTicket:
    values = {
        "barcode": barcodes.issue(uuid.uuid4().hex),
        "event_name": "Le Misanthrope",
        "starts_at": "Sat 14 March 2026, 20:30",
        "venue": "Grand Theatre",
        "place": "Stalls, row C, seat 12",
        "category": "Cat. 1",
        "audience": "Full price",
        "price": "35.00 EUR",
    }
    return pdf.PrintedTicket(**{**values, **changes})


def sheet(tickets: list[pdf.PrintedTicket]) -> pdf.TicketSheet:
    return pdf.TicketSheet(
        organisation="Demo Theatre", order_reference="7F3K2Q", buyer="Jeanne Dupont", tickets=tickets
    )


def pages(document: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", document))


@pytest.mark.parametrize("count", [1, 3])
def test_the_pdf_has_one_page_per_ticket(count):
    document = pdf.render(sheet([ticket() for _ in range(count)]))

    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    assert pages(document) == count
    assert re.search(rb"/Count %d\b" % count, document)


def test_each_page_carries_its_own_barcode_and_details():
    tickets = [ticket(), ticket(place="Standing pit", event_name="Carmen", price="12.50 EUR")]

    document = pdf.render(sheet(tickets), compress=False)

    streams = re.findall(rb"stream\r?\n(.*?)endstream", document, re.S)
    texts = [s for s in streams if b" Tj" in s]
    assert len(texts) == 2
    for text, printed in zip(texts, tickets, strict=True):
        assert b"(%s) Tj" % printed.barcode.encode() in text
    assert b"(Carmen) Tj" in texts[1]
    assert b"(Standing pit) Tj" in texts[1]
    assert b"(12.50 EUR) Tj" in texts[1]
    assert b"(Order 7F3K2Q - Jeanne Dupont) Tj" in texts[0]
    assert b"(Ticket 2 of 2) Tj" in texts[1]


def test_the_pdf_is_compressed_by_default():
    printed = ticket()

    document = pdf.render(sheet([printed]))

    assert printed.barcode.encode() not in document
    assert b"/FlateDecode" in document


def test_long_and_non_latin_texts_do_not_break_the_page():
    printed = ticket(event_name="Łódź " + "very long title " * 20, venue="劇場 " * 40)
    document = pdf.render(pdf.TicketSheet("Théâtre " * 30, "7F3K2Q", "Zoë " * 40, [printed]), compress=False)

    assert pages(document) == 1
    assert b"(%s) Tj" % printed.barcode.encode() in document


def test_an_empty_sheet_is_refused():
    with pytest.raises(ValueError):
        pdf.render(sheet([]))


def test_importing_the_module_does_not_load_reportlab():
    code = "import sys, chalicelib.tickets.pdf; print('reportlab' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_ticket_given_to_a_beneficiary_shows_their_name_and_one_not_given_none():
    given, kept = ticket(beneficiary="Claire Martin"), ticket()

    document = pdf.render(sheet([given, kept]), compress=False)

    texts = [s for s in re.findall(rb"stream\r?\n(.*?)endstream", document, re.S) if b" Tj" in s]
    assert b"(Beneficiary: Claire Martin) Tj" in texts[0]
    assert b"Beneficiary" not in texts[1]
