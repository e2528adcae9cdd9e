"""The option summary PDF: one page carrying the option's number and details; reportlab loads only
when a summary is drawn."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.options import documents
from chalicelib.options import model as m
from chalicelib.options.repository import Option, PlacedLine

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 1_790_000_000  # 2026-09-21 14:13 UTC

NAMES = {
    "contact": "Anne Martin",
    "contact_email": "anne@lycee.example",
    "company": "Lycee Victor Hugo",
    "event": "Le Misanthrope",
    "requested_performance": "2026-10-01 20:00",
    "placed_performance": "2026-10-02 20:00",
    "fallbacks": ["2026-10-02 20:00"],
    "categories": {"c1": "Cat. 1", "c2": "Cat. 2"},
    "quotas": {"q1": "Groups"},
}


def option(**changes) -> Option:
    values = {
        "option_id": "0123456789abcdef",
        "org_id": "demo",
        "number": 4217,
        "state": m.PLACED,
        "contact_id": "contact-1",
        "company_id": "company-1",
        "created_at": "2026-07-23T10:00:00+00:00",
        "created_by": "admin",
        "channel_id": None,
        "pos_id": None,
        "event_id": "event-1",
        "performance_id": "perf-1",
        "fallback_performance_ids": ["perf-2"],
        "requested": {"c2": 19},
        "accept_upgrade": True,
        "remark": "Two teachers come with the class",
        "editable_until": DEADLINE,
        "deadline": DEADLINE,
        "placed_performance_id": "perf-2",
        "placed": [PlacedLine("c2", 15, "q1"), PlacedLine("c1", 4)],
    }
    return Option(**{**values, **changes})


def pages(document: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", document))


def texts(document: bytes) -> bytes:
    return b"".join(re.findall(rb"stream\r?\n(.*?)endstream", document, re.S))


def tj(text: str) -> bytes:
    """How reportlab writes a line of text (parentheses escaped) in an uncompressed stream."""
    return b"(%s) Tj" % text.replace("(", "\\(").replace(")", "\\)").encode()


def test_the_summary_is_one_pdf_page_with_the_options_number_and_details():
    document = documents.summary_pdf(option(), "Demo Theatre", NAMES, compress=False)

    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    assert pages(document) == 1
    shown = texts(document)
    for text in (
        "Option no. 4217",
        "Demo Theatre",
        "Anne Martin (Lycee Victor Hugo)",
        "Le Misanthrope",
        "2026-10-01 20:00",
        "Placed on",
        "19 places",  # requested
        "Cat. 2",
        "19",
        "Cat. 2, Groups",
        "15",
        "Cat. 1",
        "19 places",  # placed: 15 + 4
        "Valid until",
        documents.when(DEADLINE),
        "Two teachers come with the class",
        "accepts the next category up",
    ):
        assert tj(text) in shown, text


def test_the_summary_is_compressed_by_default():
    document = documents.summary_pdf(option(), "Demo Theatre", NAMES)

    assert pages(document) == 1
    assert b"/FlateDecode" in document
    assert b"(Option no. 4217) Tj" not in document


def test_a_request_shows_until_when_it_can_be_changed_and_no_placement():
    request = option(state=m.REQUESTED, placed=[], placed_performance_id=None)

    shown = texts(documents.summary_pdf(request, "Demo Theatre", NAMES, compress=False))

    assert b"(Requested) Tj" in shown
    assert b"(Editable until) Tj" in shown
    assert b"(Placed) Tj" not in shown
    assert b"(Valid until) Tj" not in shown  # same moment as "editable until" for a request


def test_a_validated_option_shows_its_order_and_payment_date():
    validated = option(state=m.VALIDATED, firm=True, order_id="ORDER7", payment_date="2026-09-01")

    shown = texts(documents.summary_pdf(validated, "Demo Theatre", NAMES, compress=False))

    assert tj("Confirmed (reservation order), firm") in shown
    assert b"(ORDER7) Tj" in shown
    assert b"(2026-09-01) Tj" in shown


def test_missing_names_fall_back_to_ids():
    shown = texts(documents.summary_pdf(option(), "Demo Theatre", {}, compress=False))

    assert b"(contact-1) Tj" in shown
    assert b"(event-1) Tj" in shown
    assert b"(c2, q1) Tj" in shown


def test_long_and_non_latin_texts_stay_on_one_page():
    many = {f"cat{n}": 5 for n in range(80)}
    crowded = option(
        requested=many,
        placed=[PlacedLine(f"cat{n}", 5, "q1") for n in range(80)],
        remark="Łódź 劇場 " + "a very long remark " * 300,
    )
    names = {**NAMES, "event": "Théâtre " * 40, "contact": "Zoë " * 60}

    document = documents.summary_pdf(crowded, "Théâtre " * 30, names, compress=False)

    assert pages(document) == 1
    assert b"(Option no. 4217) Tj" in texts(document)
    assert b"(...) Tj" in texts(document)  # what did not fit is cut


@pytest.mark.parametrize("state", m.STATES)
def test_every_state_has_a_label(state):
    assert (documents.STATE_LABELS[state], state) != ("", state)
    pairs = dict(documents.summary_lines(replace(option(), state=state), NAMES))
    assert pairs["State"] == documents.STATE_LABELS[state]


def test_importing_the_module_does_not_load_reportlab():
    code = (
        "import sys, chalicelib.options.documents, chalicelib.options.report;"
        " print('reportlab' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
