"""The file adapter's allotment format, as pure functions: an Allotment as CSV text and as JSON text,
and back (what a file distributor, or the simulated one, reads)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields
from typing import Any

from chalicelib.distributors.adapters import Allotment, AllotmentPlace, MissingMappings
from chalicelib.errors import InvalidInput

FORMAT = "guichet-allotment/1"
CSV_COLUMNS = tuple(f.name for f in fields(AllotmentPlace))
# Which mapping kind gives each distributor id of a place, and from which of our ids.
MAPPED = (
    ("distributor_performance_id", "performance", "performance_id"),
    ("distributor_seat_category_id", "seat_category", "seat_category_id"),
    ("distributor_zone_id", "zone", "zone"),
)


def map_places(
    places: list[AllotmentPlace], distributor_ids: dict[tuple[str, str], str], plan_id: str
) -> tuple[list[AllotmentPlace], MissingMappings]:
    """The places with the distributor's ids from `distributor_ids` ((kind, our id) -> its id; a zone's
    our id is `<plan_id>/<zone>`, its block's `<plan_id>/<zone>/<block>`, the block's mapping first),
    and the mappings that are missing (a place without one keeps None there)."""
    missing = MissingMappings()
    mapped = []
    for place in places:
        found: dict[str, str | None] = {}
        for target, kind, source in MAPPED:
            if kind == "zone":
                keys = [f"{plan_id}/{place.zone}/{place.block}"] if place.block else []
                keys.append(f"{plan_id}/{place.zone}")
            else:
                keys = [getattr(place, source)]
            value = next((distributor_ids[(kind, k)] for k in keys if (kind, k) in distributor_ids), None)
            if value is None:
                missing.add(kind, keys[-1])
            found[target] = value
        mapped.append(AllotmentPlace(**{**asdict(place), **found}))
    return mapped, missing


def allotment_csv(allotment: Allotment) -> str:
    """One line per seat or standing area, after a header; the version and time on every line so that
    a file read alone says which export it is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("interface_id", "version", "generated_at", *CSV_COLUMNS))
    head = (allotment.interface_id, allotment.version, allotment.generated_at)
    for place in allotment.places:
        writer.writerow((*head, *("" if value is None else value for value in astuple(place))))
    return out.getvalue()


def astuple(place: AllotmentPlace) -> tuple[Any, ...]:
    return tuple(getattr(place, name) for name in CSV_COLUMNS)


def allotment_json(allotment: Allotment) -> str:
    """`{"format", "interface_id", "version", "generated_at", "places": [...]}`, keys sorted."""
    document = {
        "format": FORMAT,
        "interface_id": allotment.interface_id,
        "version": allotment.version,
        "generated_at": allotment.generated_at,
        "places": [asdict(place) for place in allotment.places],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _refused(reason: str) -> InvalidInput:
    return InvalidInput(f"Not an allotment file: {reason}", {"field": "content", "reason": reason})


def read_allotment_json(text: str) -> Allotment:
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT:
            raise _refused(f"format is not {FORMAT}")
        places = tuple(AllotmentPlace(**place) for place in document["places"])
        return Allotment(document["interface_id"], int(document["version"]), document["generated_at"], places)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _refused(str(exc) or type(exc).__name__) from None


def read_allotment_csv(text: str) -> Allotment:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise _refused("no places")
    try:
        places = tuple(
            AllotmentPlace(**{name: _cell(name, row[name]) for name in CSV_COLUMNS}) for row in rows
        )
        first = rows[0]
        return Allotment(first["interface_id"], int(first["version"]), first["generated_at"], places)
    except (ValueError, TypeError, KeyError) as exc:
        raise _refused(str(exc) or type(exc).__name__) from None


_OPTIONAL = {"distributor_performance_id", "distributor_seat_category_id", "distributor_zone_id", "seat_id"}


def _cell(name: str, value: str) -> Any:
    if name == "places":
        return int(value)
    if name in _OPTIONAL and value == "":
        return None
    return value
