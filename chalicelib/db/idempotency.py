"""The idempotency table Powertools keeps replayed requests' results in (checkout; a payment callback
needs none: the order's version applies its outcome once).

Powertools' DynamoDB persistence layer owns the items: key `id`, expiry `expiration` (epoch seconds,
also the table's TTL), status, data. This model only declares the table so every stack creates it.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute

from chalicelib.db.base import TableMeta, TableModel


class IdempotencyTable(TableModel):
    class Meta(metaclass=TableMeta):
        logical_name = "idempotency"

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)
