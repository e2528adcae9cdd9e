"""The option status report against moto: its figures are the sums of the options, its filters and
its CSV; and the option emails (confirmation with the PDF summary, expiry notice) in the outbox."""

from __future__ import annotations

import csv
import email
import io
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import clock
from chalicelib.catalog import kinds as k
from chalicelib.catalog import service as catalog
from chalicelib.config import settings
from chalicelib.errors import Conflict
from chalicelib.mail import service as mail
from chalicelib.options import documents, report, repository
from chalicelib.options import model as m
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn
from chalicelib.outbox import service as worker
from chalicelib.shop.model import parse_time
from infra.local.mail import verify_sender
from tests.service.test_options import activity_settings
from tests.service.test_stock_helpers import open_in_process
from tests.shop_world import World, build_world
from tests.shopper_accounts import link_relay

ORG = "demo"


@pytest.fixture
def world(organisation) -> World:
    built = build_world(pit=40)
    activity_settings(built, options_allowed=True, options_count_against_availability=True)
    return built


@pytest.fixture
def other(world) -> World:
    """A second event (Carmen, in another season and a month later) on the same hall and layout."""
    first = catalog.get(ORG, "performance", world.performance_id).data
    hamlet = catalog.get(ORG, "event", first["event_id"]).data
    season = catalog.create(
        ORG, "season", k.SeasonSpec(code="S2", name="S2", starts_on="2027-09-01", ends_on="2028-07-01")
    ).id
    spec = {**hamlet, "season_id": season, "code": "CARMEN", "name": "Carmen"}
    event = catalog.create(ORG, "event", k.EventSpec(**spec)).id
    starts_at = parse_time(first["starts_at"]) + timedelta(days=30)
    performance = k.PerformanceSpec(
        event_id=event, hall_id=first["hall_id"], layout_id=first["layout_id"], code="P2", starts_at=starts_at
    )
    built = replace(world.built, performance_id=catalog.create(ORG, "performance", performance).id)
    open_in_process(built, "exec-2")
    return replace(world, built=built)


def new_contact(code: str, name: str) -> str:
    """A school's relay (so the contact may also act online, e.g. withdraw a request)."""
    kind = catalog.create(ORG, "company_type", k.CompanyTypeSpec(code=f"T{code}", name="School")).id
    school = catalog.create(
        ORG, "company", k.CompanySpec(code=f"C{code}", name=f"School of {name}", company_type_id=kind)
    ).id
    email = f"{code.lower()}@school.example"
    spec = k.ContactSpec(code=code, name=name, email=email, company_id=school, relay=True)
    contact_id = catalog.create(ORG, "contact", spec).id
    link_relay(ORG, email, contact_id)  # her shop account, invited and accepted
    return contact_id


def ask(world: World, contact: str, quantities: dict[str, int]) -> options.Option:
    request = RequestIn(world.performance_id, {world.category(c): q for c, q in quantities.items()})
    return options.request_for_contact(ORG, "admin", contact, request)


def place(world: World, option: options.Option, lines: list[tuple[str, int, str | None]]) -> None:
    granted = [
        LineIn(world.category(c), q, world.built.quotas[quota] if quota else None) for c, q, quota in lines
    ]
    options.place(ORG, option.option_id, "admin", None, granted)


@pytest.fixture
def many(world, other):
    """Options in every state on two performances."""
    anne, bob = new_contact("ANNE", "Anne"), new_contact("BOB", "Bob")
    ask(world, anne, {"CAT2": 6, "CAT1": 2})  # requested
    ask(world, bob, {"CAT2": 3})  # requested
    ask(other, bob, {"PIT": 5})  # requested, other performance

    waiting = ask(world, anne, {"CAT1": 4})
    options.refuse(ORG, waiting.option_id, "admin")
    options.put_on_waiting_list(ORG, waiting.option_id, "admin")  # requested (waiting list)

    pending = ask(world, bob, {"CAT2": 7})
    options.refuse(ORG, pending.option_id, "admin")  # refusal pending: counts nowhere

    placed = ask(world, anne, {"CAT2": 5, "PIT": 3})
    place(world, placed, [("CAT2", 4, "WEB"), ("PIT", 3, None)])  # placed

    placed_any = ask(world, bob, {"CAT2": 2})
    place(world, placed_any, [("CAT2", 2, None)])  # placed, in any quota

    ordered = ask(world, anne, {"CAT2": 3})
    place(world, ordered, [("CAT2", 3, "WEB")])
    ordered_bob = ask(world, bob, {"PIT": 6})
    place(world, ordered_bob, [("PIT", 6, "WEB")])
    assert all(o.ok for o in options.validate(ORG, [ordered.option_id, ordered_bob.option_id], "admin"))

    refused = ask(world, bob, {"CAT1": 1})
    options.refuse(ORG, refused.option_id, "admin")
    options.validate(ORG, [refused.option_id], "admin")  # refused

    withdrawn = ask(world, anne, {"CAT2": 1})
    assert options.withdraw(ORG, "anne@school.example", withdrawn.option_id).state == m.CANCELLED

    lapsing = ask(other, anne, {"CAT2": 2})
    place(other, lapsing, [("CAT2", 2, None)])
    with clock.at(options.get(ORG, lapsing.option_id).deadline + 1):
        assert options.expire(lapsing.option_id)
    return {"anne": anne, "bob": bob}


def expected_sums() -> dict[tuple[str, str | None, str], Counter]:
    """The report computed independently: straight from the stored options, by state."""
    sums: dict[tuple[str, str | None, str], Counter] = {}
    for option in repository.all_of_org(ORG):
        if option.state in ("requested", "waiting_list"):
            for category, quantity in option.requested.items():
                sums.setdefault((option.performance_id, None, category), Counter())["requested"] += quantity
        column = {"placed": "placed", "validated": "ordered"}.get(option.state)
        if column:
            for line in option.placed:
                key = (option.placed_performance_id, line.quota_id, line.category_id)
                sums.setdefault(key, Counter())[column] += line.quantity
    return sums


def as_sums(rows: list[report.ReportRow]) -> dict[tuple[str, str | None, str], Counter]:
    sums = {}
    for row in rows:
        key = (row.performance_id, row.quota_id, row.category_id)
        assert key not in sums, f"two rows for {key}"
        sums[key] = Counter({"requested": row.requested, "placed": row.placed, "ordered": row.ordered})
        sums[key] = +sums[key]  # drop zeros, as the expected sums hold none
    return sums


def test_the_figures_are_the_sums_of_the_options(world, other, many):
    rows = report.status_report(ORG)

    assert as_sums(rows) == expected_sums()
    states = Counter(o.state for o in repository.all_of_org(ORG))
    assert states == {
        m.REQUESTED: 3,
        m.WAITING_LIST: 1,
        m.REFUSAL_PENDING: 1,
        m.PLACED: 2,
        m.VALIDATED: 2,
        m.REFUSED: 1,
        m.CANCELLED: 1,
        m.EXPIRED: 1,
    }
    # by hand: requests 6+2+3+5+4, placed 4+3+2, ordered 3+6
    assert report.totals(rows) == report.Totals(requested=20, placed=9, ordered=9)


def test_rows_carry_names_and_are_sorted(world, other, many):
    rows = report.status_report(ORG, performance_id=world.performance_id)

    cat1, cat2, pit = (world.category(c) for c in ("CAT1", "CAT2", "PIT"))
    web = world.built.quotas["WEB"]
    assert [(r.category_id, r.quota_id) for r in rows] == [
        (cat1, None),
        (cat2, None),
        (cat2, web),
        (pit, None),
        (pit, web),
    ]
    cat2_web = rows[2]
    assert (cat2_web.placed, cat2_web.ordered, cat2_web.requested) == (4, 3, 0)
    assert cat2_web.category_name == "CAT2" and cat2_web.quota_name == "WEB"
    assert rows[1].quota_name == report.ANY_QUOTA and rows[1].requested == 6 + 3
    assert rows[1].placed == 2  # the placement that named no quota
    starts_at = catalog.get(ORG, "performance", world.performance_id).data["starts_at"]
    assert cat2_web.event_name == "Hamlet"
    stored = parse_time(str(starts_at))  # stored in UTC (20:00, two months ahead); the venue is in Paris
    assert (stored.utcoffset(), stored.hour) == (timedelta(0), 20)
    local = stored.astimezone(ZoneInfo("Europe/Paris"))
    assert cat2_web.timezone == "Europe/Paris"
    assert cat2_web.starts_at == local.isoformat()
    assert cat2_web.performance_label == f"Hamlet - {local:%Y-%m-%d %H:%M} {local.isoformat()[-6:]}"


def test_filters(world, other, many):
    everything = report.status_report(ORG)
    web = world.built.quotas["WEB"]

    def only(predicate) -> list[report.ReportRow]:
        return [r for r in everything if predicate(r)]

    assert report.status_report(ORG, performance_id=other.performance_id) == only(
        lambda r: r.performance_id == other.performance_id
    )
    other_event = catalog.get(ORG, "performance", other.performance_id).data["event_id"]
    assert report.status_report(ORG, event_id=other_event) == only(lambda r: r.event_id == other_event)
    season = catalog.get(ORG, "event", other_event).data["season_id"]
    assert report.status_report(ORG, season_id=season) == only(lambda r: r.event_id == other_event)
    assert report.status_report(ORG, quota_id=web) == only(lambda r: r.quota_id == web)
    assert all(r.quota_id == web for r in report.status_report(ORG, quota_id=web))
    pit = world.category("PIT")
    by_category = report.status_report(ORG, category_id=pit)
    assert by_category == only(lambda r: r.category_id == pit)
    assert report.totals(by_category) == report.Totals(requested=5, placed=3, ordered=6)
    both = report.status_report(ORG, performance_id=world.performance_id, category_id=pit, quota_id=web)
    assert [(r.placed, r.ordered) for r in both] == [(0, 6)]
    assert report.status_report(ORG, performance_id="nothing-here") == []
    assert len(everything) > len(report.status_report(ORG, performance_id=world.performance_id)) > 0


def test_csv_parses_with_a_header_and_the_rows(world, other, many):
    rows = report.status_report(ORG)

    parsed = list(csv.DictReader(io.StringIO(report.to_csv(rows))))
    header = next(csv.reader(io.StringIO(report.to_csv(rows))))

    assert tuple(header) == report.CSV_COLUMNS
    assert len(parsed) == len(rows)
    for line, row in zip(parsed, rows, strict=True):
        assert line["performance_id"] == row.performance_id
        assert line["quota_id"] == (row.quota_id or "")
        assert line["category"] == row.category_name
        assert (int(line["requested"]), int(line["placed"]), int(line["ordered"])) == (
            row.requested,
            row.placed,
            row.ordered,
        )
    with_total = list(csv.DictReader(io.StringIO(report.to_csv(rows, include_total=True))))
    assert with_total[:-1] == parsed
    assert with_total[-1]["performance"] == "Total"
    assert int(with_total[-1]["requested"]) == report.totals(rows).requested
    assert report.to_csv([]).strip() == ",".join(report.CSV_COLUMNS)


def test_an_organisation_without_options_has_an_empty_report(world):
    assert report.status_report(ORG) == []
    assert report.totals([]) == report.Totals(0, 0, 0)


# The emails.


@pytest.fixture
def outbox(aws):
    """moto's SES with the app's sender verified; the messages it received."""
    mail._sesv2.cache_clear()
    verify_sender(None, settings().region, settings().mail_from)
    yield ses_backends[DEFAULT_ACCOUNT_ID][settings().region].sent_messages
    mail._sesv2.cache_clear()


def sent(entry):
    """The email once the outbox worker has tried to send it."""
    worker.drain()
    return mail.get_email(ORG, entry.email_id)


def test_the_confirmation_goes_with_the_pdf_summary(world, outbox):
    anne = new_contact("ANNE", "Anne")
    option = ask(world, anne, {"CAT2": 6})
    place(world, option, [("CAT2", 4, "WEB")])
    option = options.get(ORG, option.option_id)

    queued = documents.send_confirmation(option)
    entry = sent(queued)

    assert queued.status == "pending" and queued.attachments == ()  # the PDF is drawn when it is sent
    assert entry.status == "sent" and entry.error is None
    assert entry.kind == "option_confirmation" and entry.reference == f"option-{option.number}"
    assert entry.to == "anne@school.example"
    assert f"option no. {option.number} is placed" in entry.text
    assert "Hamlet" in entry.subject and "CAT2: 4" in entry.text
    assert documents.when(option.deadline) in entry.text
    assert [(a.filename, a.content_type) for a in entry.attachments] == [
        (f"option-{option.number}.pdf", "application/pdf")
    ]
    listed, _ = mail.list_outbox(ORG, kind="option_confirmation")
    # newest first: the one sent now, after the one placing the option sent by itself
    assert listed[0].email_id == entry.email_id and len(listed) == 2
    message = email.message_from_string(outbox[-1].raw_data)
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["application/pdf"].get_payload(decode=True).startswith(b"%PDF-")


def test_each_state_has_its_own_wording(world, outbox):
    anne = new_contact("ANNE", "Anne")
    option = ask(world, anne, {"CAT2": 2})
    requested = sent(documents.send_confirmation(option))
    place(world, option, [("CAT2", 2, None)])
    options.validate(ORG, [option.option_id], "admin")
    validated = sent(documents.send_confirmation(options.get(ORG, option.option_id)))

    assert "received your option request" in requested.text
    assert "is confirmed under reservation" in validated.text
    assert {requested.status, validated.status} == {"sent"}
    listed, _ = mail.list_outbox(ORG, reference=f"option-{option.number}")
    assert len(listed) == 4  # these two, and the ones placing and validating sent by themselves


def test_the_expiry_notice_lands_in_the_outbox(world, outbox):
    anne = new_contact("ANNE", "Anne")
    option = ask(world, anne, {"CAT2": 2})
    place(world, option, [("CAT2", 2, None)])
    with pytest.raises(Conflict):  # not expired yet
        documents.send_expiry_notice(options.get(ORG, option.option_id))
    deadline = options.get(ORG, option.option_id).deadline
    with clock.at(deadline + 1):
        options.expire(option.option_id)
    expired = options.get(ORG, option.option_id)

    entry = sent(documents.send_expiry_notice(expired))

    assert expired.state == m.EXPIRED
    assert entry.status == "sent" and entry.kind == "option_expired"
    assert entry.reference == f"option-{option.number}" and entry.attachments == ()
    assert "has expired" in entry.text and documents.when(deadline) in entry.text
    listed, _ = mail.list_outbox(ORG, kind="option_expired")
    assert [e.email_id for e in listed] == [entry.email_id]


def test_an_unverified_sender_is_recorded_as_failed(world, aws):
    mail._sesv2.cache_clear()  # nothing verified in moto's SES
    anne = new_contact("ANNE", "Anne")
    option = ask(world, anne, {"CAT2": 2})

    entry = sent(documents.send_confirmation(option))

    assert entry.status == "failed"
    assert mail.list_outbox(ORG, kind="option_confirmation")[0][0].status == "failed"
    mail._sesv2.cache_clear()
