"""The queues table: virtual queues, their arrival counters, entries and position index.

Key design (an on-sale rush must not put its writes on one key):
- a queue's settings and head are one item, pk = Q#<org>#<queue_id>, written by operators and by
  the admitter once a minute, never by arrivals;
- arrivals of one second share a bucket whose count is split over SHARDS counter items,
  pk = QC#<org>#<queue_id>#<bucket>#<shard>; an arrival increments one of them (its sequence);
- each entry is its own partition, pk = QE#<org>#<queue_id>#<bucket>#<shard>#<seq>, so the entry
  is found from its id with no index and entries spread over as many keys as there are buyers;
- the admitter writes, per minute of buckets, the offset and counts of each bucket,
  pk = QI#<org>#<queue_id>#<page>; positions are computed from it, never counted by a scan.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.db.base import TableMeta, TableModel

ACTIVE = "ACTIVE"
PAGE_BUCKETS = 60


class QueuesByOrg(GlobalSecondaryIndex):
    """Sparse: only queue items carry `queue_org`."""

    class Meta:
        index_name = "queues-by-org"
        projection = KeysOnlyProjection()

    queue_org = UnicodeAttribute(hash_key=True)


class ActiveQueues(GlobalSecondaryIndex):
    """Sparse: only active queues carry `active_flag`; the admitter reads it (few items, rare writes)."""

    class Meta:
        index_name = "active-queues"
        projection = KeysOnlyProjection()

    active_flag = UnicodeAttribute(hash_key=True)


class QueuesTable(TableModel):
    """Root model: pk = Q#..., QC#..., QE#... or QI#... (see the module docstring)."""

    class Meta(metaclass=TableMeta):
        logical_name = "queues"

    pk = UnicodeAttribute(hash_key=True)
    queue_org = UnicodeAttribute(null=True)
    active_flag = UnicodeAttribute(null=True)
    by_org = QueuesByOrg()
    active = ActiveQueues()
    purge_at = TTLAttribute(null=True)


class QueueItem(QueuesTable):
    org_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    target_id = UnicodeAttribute()
    opens_at = NumberAttribute()
    rate_per_minute = NumberAttribute()
    admission_minutes = NumberAttribute()
    status = UnicodeAttribute()
    seed = UnicodeAttribute(null=True)
    early_counts = ListAttribute(of=NumberAttribute, default=list)
    indexed_through = NumberAttribute(default=0)
    indexed_total = NumberAttribute(default=0)
    arrivals_per_second = NumberAttribute(default=0)
    admitted = NumberAttribute(default=0)
    head_bucket = NumberAttribute(default=1)
    last_admit_minute = NumberAttribute(null=True)
    history = JSONAttribute(default=list)
    version = NumberAttribute(default=1)


class CounterItem(QueuesTable):
    arrivals = NumberAttribute(default=0)


class EntryItem(QueuesTable):
    org_id = UnicodeAttribute()
    queue_id = UnicodeAttribute()
    bucket = NumberAttribute()
    shard = NumberAttribute()
    seq = NumberAttribute()
    secret = UnicodeAttribute()
    client = UnicodeAttribute()
    buyer_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    arrived_at = NumberAttribute()
    admitted_at = NumberAttribute(null=True)
    admission_expires_at = NumberAttribute(null=True)


class IndexPageItem(QueuesTable):
    # {"<bucket>": [offset, count of shard 0, count of shard 1, ...]} for buckets with arrivals
    buckets = JSONAttribute(default=dict)


def queue_pk(org_id: str, queue_id: str) -> str:
    return f"Q#{org_id}#{queue_id}"


def counter_pk(org_id: str, queue_id: str, bucket: int, shard: int) -> str:
    return f"QC#{org_id}#{queue_id}#{bucket}#{shard}"


def entry_pk(org_id: str, queue_id: str, bucket: int, shard: int, seq: int) -> str:
    return f"QE#{org_id}#{queue_id}#{bucket}#{shard}#{seq}"


def index_pk(org_id: str, queue_id: str, page: int) -> str:
    return f"QI#{org_id}#{queue_id}#{page}"


def page_of(bucket: int) -> int:
    return bucket // PAGE_BUCKETS
