"""Ticket distribution: a relay gives its company's tickets to beneficiaries, one by one or by CSV; each
change issues a new barcode and voids the old one; late changes and scanned tickets are refused."""

from __future__ import annotations

import base64
import email
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import clock
from chalicelib.auth import relays
from chalicelib.auth import service as auth
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.catalog import zones
from chalicelib.config import settings
from chalicelib.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from chalicelib.mail import service as mail_service
from chalicelib.outbox import service as outbox
from chalicelib.payments.simulator import SimulatedProvider
from chalicelib.sales import carts, orders, tickets
from chalicelib.sales.carts import Buyer, HoldRequest
from chalicelib.sales.orders import CheckoutRequest
from chalicelib.tickets import distribution, distribution_csv, distribution_mail, distribution_store
from infra.local.mail import verify_sender
from tests.shop_world import World, build_world

ORG = "demo"
CLAIRE = ("Claire Martin", "claire@acme.example")
DAVID = ("David Petit", "david@acme.example")


@pytest.fixture
def world(organisation) -> World:
    return build_world(web={"beneficiary_change_hours": 8})


@pytest.fixture
def mail(world):
    """moto's SES with the sender verified; what it received."""
    mail_service._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    # until the lead registers the document in chalicelib/mail/service.py DOCUMENTS (see the report)
    mail_service.DOCUMENTS.setdefault(
        distribution_mail.DOCUMENT, "chalicelib.tickets.distribution_mail:ticket_attachment"
    )
    yield ses_backends[DEFAULT_ACCOUNT_ID][settings().region].sent_messages
    mail_service._sesv2.cache_clear()


def company(code: str) -> str:
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code=f"T{code}", name="Firm")).id
    return catalog.create(
        ORG, "company", k.CompanySpec(code=code, name=f"{code} Ltd", company_type_id=kind)
    ).id


def relay(company_id: str, who: str) -> Buyer:
    """A relay contact of the company and the shop account acting for it."""
    address = f"{who}@{company_id}.example".lower()
    spec = k.ContactSpec(code=who.upper(), name=who, email=address, company_id=company_id, relay=True)
    contact_id = catalog.create(ORG, "contact", spec).id
    _, _, shopper = auth.register_shopper(ORG, address, who, "relay-password-1")
    from chalicelib.auth import repository as accounts

    accounts.mark_email_verified(ORG, shopper.shopper_id)
    relays.link(ORG, shopper.shopper_id, contact_id)
    return Buyer(ORG, shopper.shopper_id, shopper.shopper_id, address, who)


def shopper_of(buyer: Buyer):
    from chalicelib.auth import repository as accounts

    return accounts.get_shopper(ORG, buyer.shopper_id)


def bought(world: World, buyer: Buyer, *seats: str) -> orders.Order:
    cart = carts.open_cart(ORG, "WEB1", buyer)
    carts.add_to_cart(ORG, cart.cart_id, buyer, HoldRequest(world.performance_id, seat_ids=seats))
    order = orders.checkout(ORG, cart.cart_id, buyer, CheckoutRequest())
    card = next(p for p in reversed(order.payments) if p.method == "card" and p.redirect_url)
    callback = SimulatedProvider().complete(card.redirect_url.split("session=", 1)[1], "succeeded")
    paid = orders.payment_callback(callback["payload"], callback["signature"])
    assert paid.status == "paid"
    return paid


def seats(world: World, *numbers: int) -> list[str]:
    return [world.seat("L", "B", n) for n in numbers]


def barcode_of(ticket_id: str) -> str:
    return distribution_store.read(ticket_id).ticket.document["barcode"]


def scan(barcode: str, world: World) -> str:
    return tickets.scan(ORG, barcode, world.performance_id, "North", "admin").result


def starts_at(world: World) -> datetime:
    return zones.instant(catalog.get(ORG, "performance", world.performance_id).data["starts_at"])


def pdf_text(data: bytes) -> bytes:
    """The text drawn in a PDF: its streams, ASCII85 then Flate encoded, decoded."""
    found = b""
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = stream.strip()
        try:
            found += zlib.decompress(base64.a85decode(raw, adobe=True) if raw.endswith(b"~>") else raw)
        except (ValueError, zlib.error):
            found += stream
    return found


@dataclass
class Sent:
    subject: str
    text: str
    pdfs: dict[str, bytes]  # filename -> content


def sent_to(mail, address: str) -> list[Sent]:
    """What SES received for `address`: with an attachment a raw message, else a plain one."""
    found = []
    for m in mail:
        if address not in str(m.destinations):
            continue
        if not hasattr(m, "raw_data"):
            found.append(Sent(m.subject, m.body, {}))
            continue
        message = email.message_from_string(m.raw_data)
        parts = list(message.walk())
        text = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True)
        pdfs = {
            p.get_filename(): p.get_payload(decode=True)
            for p in parts
            if p.get_content_type() == "application/pdf"
        }
        found.append(Sent(message["Subject"], text.decode(), pdfs))
    return found


@pytest.fixture
def acme(world) -> Buyer:
    return relay(company("ACME"), "Anne")


def test_a_relay_gives_a_ticket_and_the_beneficiary_gets_it_by_email_in_their_name(world, mail, acme):
    order = bought(world, acme, *seats(world, 1, 2))
    first, second = (line.ticket_id for line in order.lines)

    given = distribution.give(shopper_of(acme), first, *CLAIRE)

    assert distribution.beneficiary_of(given.stored) == distribution.Beneficiary(*CLAIRE)
    listed = {e.stored.ticket.ticket_id: e for e in distribution.listing(shopper_of(acme), [order.order_id])}
    assert distribution.beneficiary_of(listed[first].stored).name == "Claire Martin"
    assert distribution.beneficiary_of(listed[second].stored) is None
    assert listed[first].stored.ticket.document["holder"] == "Claire Martin"
    outbox.drain(limit=50)
    [message] = sent_to(mail, CLAIRE[1])
    assert "ACME Ltd gives you a ticket for Hamlet" in message.text
    assert list(message.pdfs) == [f"ticket-{first}.pdf"]
    text = pdf_text(message.pdfs[f"ticket-{first}.pdf"])
    assert b"Beneficiary: Claire Martin" in text
    assert barcode_of(first).encode() in text


def test_giving_a_ticket_voids_the_printed_barcode_and_the_new_one_admits(world, acme):
    order = bought(world, acme, *seats(world, 1, 2))
    first, second = (line.ticket_id for line in order.lines)
    printed, untouched = barcode_of(first), barcode_of(second)

    distribution.give(shopper_of(acme), first, *CLAIRE)

    assert barcode_of(first) != printed
    assert scan(printed, world) == tickets.UNKNOWN
    assert scan(barcode_of(first), world) == tickets.ADMIT
    assert scan(untouched, world) == tickets.ADMIT  # a ticket not given keeps its printed barcode
    voided = distribution_store.read(first).ticket.scans[0]
    assert voided["result"] == tickets.VOIDED


def test_changing_the_beneficiary_voids_the_first_ones_barcode_and_tells_them(world, mail, acme):
    [line] = bought(world, acme, *seats(world, 3)).lines
    distribution.give(shopper_of(acme), line.ticket_id, *CLAIRE)
    claires = barcode_of(line.ticket_id)

    changed = distribution.give(shopper_of(acme), line.ticket_id, *DAVID)

    assert changed.stored.revision == 2
    assert scan(claires, world) == tickets.UNKNOWN
    outbox.drain(limit=50)
    subjects = sorted(m.subject for m in sent_to(mail, CLAIRE[1]))
    assert subjects == ["Ticket withdrawn - Hamlet"]  # her e-ticket, replaced before it went, is not sent
    assert len(sent_to(mail, DAVID[1])) == 1
    assert scan(barcode_of(line.ticket_id), world) == tickets.ADMIT


def test_a_ticket_taken_back_voids_the_beneficiarys_barcode(world, acme):
    [line] = bought(world, acme, *seats(world, 3)).lines
    distribution.give(shopper_of(acme), line.ticket_id, *CLAIRE)
    claires = barcode_of(line.ticket_id)

    back = distribution.take_back(shopper_of(acme), line.ticket_id)

    assert distribution.beneficiary_of(back.stored) is None
    assert back.stored.ticket.document["holder"] == acme.name
    assert scan(claires, world) == tickets.UNKNOWN
    assert scan(barcode_of(line.ticket_id), world) == tickets.ADMIT


def test_a_late_change_is_refused_with_the_deadline_on_the_venues_clock(world, acme):
    [line] = bought(world, acme, *seats(world, 4)).lines
    distribution.give(shopper_of(acme), line.ticket_id, *CLAIRE)
    start = starts_at(world)
    deadline = zones.local_iso(start - timedelta(hours=8), "Europe/Paris")

    with clock.at(start - timedelta(hours=8, seconds=1)):
        assert distribution.entry_of(distribution.relay_of(shopper_of(acme)), line.ticket_id).locked is None
    with clock.at(start - timedelta(hours=7)):
        with pytest.raises(Conflict) as late:
            distribution.give(shopper_of(acme), line.ticket_id, *DAVID)
        with pytest.raises(Conflict) as taken_back:
            distribution.take_back(shopper_of(acme), line.ticket_id)

    assert late.value.details == {
        "reason": "beneficiary_change_closed",
        "ticket_id": line.ticket_id,
        "deadline": deadline,
    }
    assert re.search(r"[+-]\d\d:\d\d$", deadline)
    assert taken_back.value.details["reason"] == "beneficiary_change_closed"
    assert distribution.beneficiary_of(distribution_store.read(line.ticket_id)).name == "Claire Martin"


def test_the_deadline_keeps_the_wall_time_across_a_daylight_saving_change():
    # Paris moves to summer time on 29 March 2026: 24 hours before 20:00 on the 29th is 20:00 on the 28th
    start = datetime(2026, 3, 29, 18, 0, tzinfo=UTC)  # 20:00 +02:00

    deadline = distribution.change_deadline(start.isoformat(), 24, "Europe/Paris")

    assert zones.local_iso(deadline, "Europe/Paris") == "2026-03-28T20:00:00+01:00"


def test_a_scanned_ticket_can_be_neither_given_again_nor_taken_back(world, acme):
    first, second = (line.ticket_id for line in bought(world, acme, *seats(world, 5, 6)).lines)
    distribution.give(shopper_of(acme), first, *CLAIRE)
    assert scan(barcode_of(first), world) == tickets.ADMIT
    assert scan(barcode_of(second), world) == tickets.ADMIT

    for attempt in (
        lambda: distribution.give(shopper_of(acme), first, *DAVID),
        lambda: distribution.take_back(shopper_of(acme), first),
        lambda: distribution.give(shopper_of(acme), second, *DAVID),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.details["reason"] == "ticket_scanned"
    assert distribution.beneficiary_of(distribution_store.read(first)).name == "Claire Martin"


def test_a_cancelled_ticket_is_refused(world, acme):
    order = bought(world, acme, *seats(world, 7))
    orders.cancel_by_operator(ORG, order.order_id, "admin", "card")

    with pytest.raises(Conflict) as refused:
        distribution.give(shopper_of(acme), order.lines[0].ticket_id, *CLAIRE)

    assert refused.value.details["reason"] == "ticket_cancelled"


def test_only_relays_distribute_and_only_their_companys_tickets(world, acme):
    order = bought(world, acme, *seats(world, 8))
    other = relay(company("OTHER"), "Otto")
    _, _, plain = auth.register_shopper(ORG, "bob@example.com", "Bob", "bob-password-1")

    with pytest.raises(PermissionDenied):
        distribution.give(plain, order.lines[0].ticket_id, *CLAIRE)
    with pytest.raises(NotFound):
        distribution.give(shopper_of(other), order.lines[0].ticket_id, *CLAIRE)
    with pytest.raises(NotFound):
        distribution.listing(shopper_of(other), [order.order_id])


def test_another_relay_of_the_same_company_distributes_its_orders(world, acme):
    order = bought(world, acme, *seats(world, 9))
    colleague = relay(
        catalog.get(ORG, "contact", shopper_of(acme).relay_contact_id).data["company_id"], "Carl"
    )

    given = distribution.give(shopper_of(colleague), order.lines[0].ticket_id, *CLAIRE)

    assert distribution.beneficiary_of(given.stored).name == "Claire Martin"


def test_of_two_changes_read_at_once_only_the_first_written_wins(world, acme):
    [line] = bought(world, acme, *seats(world, 10)).lines
    relay_ = distribution.relay_of(shopper_of(acme))
    both_read = distribution.entry_of(relay_, line.ticket_id)
    mine = distribution.change_for(both_read, relay_, distribution.Beneficiary(*CLAIRE))
    theirs = distribution.change_for(both_read, relay_, distribution.Beneficiary(*DAVID))

    distribution_store.apply([mine[0]], mine[1])
    with pytest.raises(Conflict) as lost:
        distribution_store.apply([theirs[0]], theirs[1])

    assert lost.value.details == {"reason": "ticket_changed", "ticket_ids": [line.ticket_id]}
    assert distribution.beneficiary_of(distribution_store.read(line.ticket_id)).name == "Claire Martin"


def test_a_barcode_read_before_a_change_is_not_admitted_after_it(world, acme):
    [line] = bought(world, acme, *seats(world, 10)).lines
    read_at_the_door = distribution_store.read(line.ticket_id)
    distribution.give(shopper_of(acme), line.ticket_id, *CLAIRE)

    admitted = distribution_store.admit(line.ticket_id, read_at_the_door.revision, {"at": clock.iso()})

    assert admitted is False
    assert distribution_store.read(line.ticket_id).ticket.status == "valid"


def fill(text: str, values: dict[str, tuple[str, str]]) -> str:
    lines = text.strip().split("\r\n")
    out = [lines[0]]
    for row in lines[1:]:
        ticket_id = row.split(",")[0]
        name, address = values.get(ticket_id, ("", ""))
        out.append(row.rsplit(",", 2)[0] + f",{name},{address}")
    return "\r\n".join(out) + "\r\n"


def test_the_export_lists_the_orders_tickets_in_the_venues_time(world, acme):
    order = bought(world, acme, *seats(world, 1, 2))

    text = distribution_csv.export(shopper_of(acme), [order.order_id])

    rows = text.strip().split("\r\n")
    assert rows[0] == (
        "ticket_id,event,performance,place,category,audience,beneficiary_name,beneficiary_email"
    )
    first = rows[1].split(",")
    assert first[0] == order.lines[0].ticket_id
    assert first[1] == "Hamlet"
    assert first[2] == zones.local_iso(starts_at(world), "Europe/Paris")
    assert len(rows) == 3


def test_an_imported_file_gives_the_filled_rows_and_leaves_the_empty_ones(world, mail, acme):
    order = bought(world, acme, *seats(world, 1, 2, 3))
    first, second, third = (line.ticket_id for line in order.lines)
    text = fill(distribution_csv.export(shopper_of(acme), [order.order_id]), {first: CLAIRE, third: DAVID})

    imported = distribution_csv.import_file(shopper_of(acme), text)

    assert sorted(e.stored.ticket.ticket_id for e in imported.distributed) == sorted([first, third])
    assert (imported.empty, imported.unchanged) == (1, 0)
    assert distribution_store.read(second).revision == 0
    outbox.drain(limit=50)
    assert len(sent_to(mail, CLAIRE[1])) == len(sent_to(mail, DAVID[1])) == 1

    again = distribution_csv.import_file(shopper_of(acme), distribution_csv.export(shopper_of(acme), None))
    assert (again.distributed, again.unchanged, again.empty) == ([], 2, 1)


def test_a_file_with_a_wrong_row_applies_nothing_and_says_each_line_and_field(world, acme):
    order = bought(world, acme, *seats(world, 1, 2))
    theirs = bought(world, relay(company("OTHER"), "Otto"), *seats(world, 5)).lines[0].ticket_id
    first, second = (line.ticket_id for line in order.lines)
    text = (
        "ticket_id,beneficiary_name,beneficiary_email\r\n"
        f"{first},Claire Martin,claire@acme.example\r\n"
        f"{second},David Petit,not-an-address\r\n"
        f"{'f' * 32},Eve,eve@acme.example\r\n"
        f"{theirs},Otto,otto@acme.example\r\n"
        f"{first},Claire Martin,claire@acme.example\r\n"
    )

    with pytest.raises(InvalidInput) as wrong:
        distribution_csv.import_file(shopper_of(acme), text)

    found = [(e["line"], e["field"], e["code"]) for e in wrong.value.details["errors"]]
    assert found == [
        (3, "beneficiary_email", "invalid"),
        (4, "ticket_id", "unknown"),
        (5, "ticket_id", "unknown"),
        (6, "ticket_id", "duplicate"),
    ]
    assert distribution_store.read(first).revision == 0  # line 2 was right, yet not applied


def test_a_file_naming_a_scanned_ticket_applies_nothing(world, acme):
    first, second = (line.ticket_id for line in bought(world, acme, *seats(world, 1, 2)).lines)
    assert scan(barcode_of(second), world) == tickets.ADMIT
    text = (
        "\ufeffticket_id;beneficiary_name;beneficiary_email\r\n"  # as a French spreadsheet saves it
        f"{first};Claire Martin;claire@acme.example\r\n"
        f"{second};David Petit;david@acme.example\r\n"
    )

    with pytest.raises(Conflict) as locked:
        distribution_csv.import_file(shopper_of(acme), text)
    assert distribution_store.read(first).revision == 0
    scanned_again = "ticket_id,beneficiary_name,beneficiary_email\r\n" + f"{second},,\r\n"
    assert distribution_csv.import_file(shopper_of(acme), scanned_again).empty == 1  # an empty row is fine

    assert locked.value.details["reason"] == "tickets_locked"
    assert [(e["line"], e["field"], e["code"]) for e in locked.value.details["errors"]] == [
        (3, "ticket_id", "ticket_scanned")
    ]
    assert distribution_store.read(first).revision == 0


def test_an_email_for_a_ticket_given_again_before_it_went_is_obsolete(world, acme):
    [line] = bought(world, acme, *seats(world, 2)).lines
    given = distribution.give(shopper_of(acme), line.ticket_id, *CLAIRE)
    distribution.give(shopper_of(acme), line.ticket_id, *DAVID)

    with pytest.raises(outbox.Obsolete):
        distribution_mail.ticket_attachment(
            {"document": "ticket", "ticket_id": line.ticket_id, "revision": given.stored.revision}
        )


def test_a_barcode_scanned_while_its_ticket_is_given_answers_unknown_not_already_used(
    world, acme, monkeypatch
):
    [line] = bought(world, acme, *seats(world, 10)).lines
    printed = barcode_of(line.ticket_id)
    read_at_the_door = distribution_store.read(line.ticket_id)
    distribution.give(shopper_of(acme), line.ticket_id, *CLAIRE)  # lands between the door's read and write
    real_read, reads = distribution_store.read, []

    def door_read(ticket_id):
        reads.append(ticket_id)
        return read_at_the_door if len(reads) == 1 else real_read(ticket_id)

    monkeypatch.setattr(distribution_store, "read", door_read)

    assert scan(printed, world) == tickets.UNKNOWN
    monkeypatch.undo()
    stored = distribution_store.read(line.ticket_id)
    assert stored.ticket.status == "valid"
    assert [s["result"] for s in stored.ticket.scans] == [tickets.VOIDED]
    assert scan(barcode_of(line.ticket_id), world) == tickets.ADMIT
