"""Allotment exports of one interface racing on DynamoDB Local (whose conditional writes are atomic, as
DynamoDB's are; moto's are not under threads): every export gets its own version, with no gap."""

from __future__ import annotations

import threading

from chalicelib.distributors import export_store

ORG = "demo"
THREADS = 8
EACH = 5


def test_exports_racing_for_a_version_never_share_one(store):
    found: list[int] = []
    failures: list[BaseException] = []

    def export_versions() -> None:
        try:
            for _ in range(EACH):
                found.append(export_store.next_version(ORG, "iface-1"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=export_versions) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(found) == list(range(1, THREADS * EACH + 1))
    assert export_store.next_version(ORG, "iface-2") == 1  # each interface counts its own
