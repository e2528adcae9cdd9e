"""Options in DynamoDB: numbered per organisation, versioned, indexed for listing and for expiry."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib.db.conditions import store_errors
from chalicelib.db.options import (
    OptionItem,
    OptionsByOrg,
    OptionsTable,
    SequenceItem,
    deadline_shard,
    deadline_shards,
    option_pk,
    org_key,
    sequence_pk,
)
from chalicelib.errors import NotFound, VersionConflict
from chalicelib.options.model import OPEN_STATES


@dataclass
class PlacedLine:
    """Seats or places granted in one seat category (and quota) of the placed performance."""

    category_id: str
    quantity: int
    quota_id: str | None = None
    hold_ids: list[str] = field(default_factory=list)
    seat_ids: list[str] = field(default_factory=list)
    area: str | None = None


@dataclass
class Option:
    option_id: str
    org_id: str
    number: int
    state: str
    contact_id: str
    company_id: str | None
    created_at: str
    created_by: str  # "contact:<id>" when requested online, else the operator's login
    channel_id: str | None
    pos_id: str | None
    event_id: str
    performance_id: str  # the first choice
    fallback_performance_ids: list[str]
    requested: dict[str, int]  # seat category -> quantity
    accept_upgrade: bool
    remark: str
    editable_until: int | None
    deadline: int | None  # past it, an open option expires
    placed_performance_id: str | None = None
    placed: list[PlacedLine] = field(default_factory=list)
    refused_from: str | None = None
    firm: bool = False
    order_id: str | None = None
    audience_subcategory_id: str | None = None
    payment_date: str | None = None
    internal_remark: str = ""
    into_order_id: str | None = None  # validated into this reservation of the contact; None: a new one
    flagged_fits: bool = False  # a waiting-list option that now fits: shown to operators
    direct: bool = False  # placed at once when requested online (the channel's direct options)
    # when options count against availability, a request holds its places until placed or dropped
    request_holds: list[PlacedLine] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    version: int = 1

    def document(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        return data

    @classmethod
    def from_document(cls, data: dict[str, Any], version: int) -> Option:
        values = dict(data)
        values["placed"] = [PlacedLine(**line) for line in values.get("placed", [])]
        values["request_holds"] = [PlacedLine(**line) for line in values.get("request_holds", [])]
        return cls(**values, version=version)

    @property
    def placed_quantity(self) -> int:
        return sum(line.quantity for line in self.placed)

    @property
    def requested_quantity(self) -> int:
        return sum(self.requested.values())


def _item(option: Option) -> OptionItem:
    lapses = option.state in OPEN_STATES and option.deadline is not None
    return OptionItem(
        option_pk(option.option_id),
        org_id=option.org_id,
        option_id=option.option_id,
        state=option.state,
        document=option.document(),
        version=option.version,
        org_key=org_key(option.org_id),
        number=option.number,
        deadline_shard=deadline_shard(option.option_id) if lapses else None,
        deadline=option.deadline if lapses else None,
    )


@store_errors
def next_number(org_id: str) -> int:
    """The organisation's next option number (1, 2, 3...), from one atomic counter."""
    item = SequenceItem(sequence_pk(org_id))
    item.update(actions=[SequenceItem.next_number.add(1)])
    return int(item.next_number)


@store_errors
def create(option: Option) -> None:
    _item(option).save(condition=OptionItem.pk.does_not_exist())


@store_errors
def get(option_id: str) -> Option:
    try:
        item = OptionItem.get(option_pk(option_id), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"Option {option_id} does not exist", {"option_id": option_id}) from exc
    return Option.from_document(item.document, int(item.version))


@store_errors
def save(option: Option, effects: list | None = None) -> Option:
    """Write the option if its version is still the one read, with its outbox effects in the same
    transaction; VersionConflict otherwise."""
    expected = option.version
    option.version = expected + 1
    try:
        if effects:
            _save_with(option, expected, effects)
        else:
            _item(option).save(condition=OptionItem.version == expected)
    except (PutError, TransactWriteError) as exc:
        option.version = expected
        if _version_failed(exc):
            raise VersionConflict(
                "The option changed meanwhile; read it again", {"option_id": option.option_id}
            ) from exc
        raise
    return option


def _save_with(option: Option, expected: int, effects: list) -> None:
    from pynamodb.transactions import TransactWrite

    from chalicelib.db.base import connection
    from chalicelib.db.outbox import OutboxItem
    from chalicelib.outbox import repository as outbox

    with TransactWrite(connection=connection()) as tx:
        tx.save(_item(option), condition=OptionItem.version == expected)
        for effect in effects:
            tx.save(outbox.item_for(effect), condition=OutboxItem.pk.does_not_exist())


def _version_failed(exc: Exception) -> bool:
    if isinstance(exc, TransactWriteError):
        from chalicelib.db.conditions import failed_items

        return 0 in failed_items(exc)
    return exc.cause_response_code == "ConditionalCheckFailedException"


@store_errors
def all_of_org(org_id: str) -> list[Option]:
    """Every option of the organisation, by number (keys from the index, then batch reads)."""
    keys = [item.pk for item in OptionsTable.by_org.query(org_key(org_id))]
    found: dict[str, Option] = {}
    for n in range(0, len(keys), 100):
        for item in OptionItem.batch_get(keys[n : n + 100]):
            found[item.pk] = Option.from_document(item.document, int(item.version))
    return [found[k] for k in keys if k in found]


@store_errors
def lapsed_ids(now: int, limit: int) -> list[str]:
    """Open options whose deadline has passed, from the sparse deadline index (no scan)."""
    found: list[str] = []
    for shard in deadline_shards():
        if len(found) >= limit:
            break
        query = OptionsTable.open_by_deadline.query(
            shard, OptionsTable.deadline <= now, limit=limit - len(found)
        )
        found.extend(item.pk.removeprefix("OPTION#") for item in query)
    return found


__all__ = ["Option", "OptionsByOrg", "PlacedLine"]
