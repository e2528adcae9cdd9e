"""The options table: group and company options from request to order, and their per-org numbers.

Keys: pk = OPTION#<option_id> (an option), or SEQ#<org> (the organisation's next option number).
Indexes: options-by-org (every option of an organisation by number, keys only) and the sparse
open-by-deadline (only options that can still lapse carry `deadline_shard`), which the option-expiry
workflow queries instead of scanning.
"""

from __future__ import annotations

import zlib

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.db.base import TableMeta, TableModel

DEADLINE_SHARDS = 4


class OptionsByOrg(GlobalSecondaryIndex):
    class Meta:
        index_name = "options-by-org"
        projection = KeysOnlyProjection()

    org_key = UnicodeAttribute(hash_key=True)
    number = NumberAttribute(range_key=True)


class OpenByDeadline(GlobalSecondaryIndex):
    class Meta:
        index_name = "open-by-deadline"
        projection = KeysOnlyProjection()

    deadline_shard = UnicodeAttribute(hash_key=True)
    deadline = NumberAttribute(range_key=True)


class OptionsTable(TableModel):
    class Meta(metaclass=TableMeta):
        logical_name = "options"

    pk = UnicodeAttribute(hash_key=True)
    org_key = UnicodeAttribute(null=True)
    number = NumberAttribute(null=True)
    deadline_shard = UnicodeAttribute(null=True)
    deadline = NumberAttribute(null=True)
    by_org = OptionsByOrg()
    open_by_deadline = OpenByDeadline()


class OptionItem(OptionsTable):
    org_id = UnicodeAttribute()
    option_id = UnicodeAttribute()
    state = UnicodeAttribute()
    document = JSONAttribute()
    version = NumberAttribute(default=1)


class SequenceItem(OptionsTable):
    next_number = NumberAttribute(default=0)


def option_pk(option_id: str) -> str:
    return f"OPTION#{option_id}"


def sequence_pk(org_id: str) -> str:
    return f"SEQ#{org_id}"


def org_key(org_id: str) -> str:
    return f"ORG#{org_id}"


def deadline_shard(option_id: str) -> str:
    return f"OPEN#{zlib.crc32(option_id.encode()) % DEADLINE_SHARDS}"


def deadline_shards() -> list[str]:
    return [f"OPEN#{n}" for n in range(DEADLINE_SHARDS)]
