"""Kept for sales/carts.py, which reads the shard count here; inventory.service.stock_shards is the reader."""

from __future__ import annotations

from typing import Any

from chalicelib.inventory import service as inventory


def stock_shards(state: dict[str, Any]) -> int:
    return inventory.stock_shards(state)
