"""Alert emails about an interface's runs: on the first run in error after a success (or the first run
of the function ever), and on the recovery (the first success after runs in error); never on every
failed run. The emails go through the outbox, in the transaction of the run's final state."""

from __future__ import annotations

from chalicelib.distributors.run_model import Run, RunStatus
from chalicelib.outbox.model import Effect

FAILING = "distributor_run_failing"
RECOVERED = "distributor_run_recovered"
TITLES = {
    "allotment_export": "allotment export",
    "sales_reintegration": "sales reintegration",
    "counts": "counts",
}


def alert_kind(in_error: bool, was_in_error: bool | None) -> str | None:
    """FAILING, RECOVERED or None (nothing changed) for a run's outcome after the previous one."""
    if in_error and not was_in_error:
        return FAILING
    if not in_error and was_in_error:
        return RECOVERED
    return None


def _text(run: Run, interface_name: str, kind: str) -> tuple[str, str]:
    title = TITLES.get(run.function.value, run.function.value)
    if kind == RECOVERED:
        subject = f"[guichet] {interface_name}: {title} works again"
        lines = [
            f"The {title} of the distributor interface {interface_name} succeeded again (run {run.run_id}).",
            f"Counts: {_counts(run)}",
        ]
    else:
        state = "failed" if run.status == RunStatus.FAILED else "ended with errors"
        subject = f"[guichet] {interface_name}: {title} {state}"
        first = run.first_error or {}
        lines = [
            f"The {title} of the distributor interface {interface_name} {state} (run {run.run_id}).",
            f"Errors by category: {_by_category(run)}",
            f"First error ({first.get('category', 'technical')}): {first.get('message', '')}",
            "External: see with the distributor; technical: see with support; mapping: check the interface's"
            " mappings. Then run it again. No other email is sent until it succeeds again.",
        ]
    return subject, "\n".join(lines) + "\n"


def _counts(run: Run) -> str:
    return ", ".join(f"{name} {value}" for name, value in sorted(run.counts.items())) or "none"


def _by_category(run: Run) -> str:
    return ", ".join(f"{name} {value}" for name, value in sorted(run.errors_by_category.items())) or "none"


def alert_effects(
    run: Run, interface_name: str, recipients: list[str], in_error: bool, was_in_error: bool | None
) -> list[Effect]:
    """The emails to write with the run's final state (none when nothing changed or nobody is told)."""
    kind = alert_kind(in_error, was_in_error)
    if kind is None:
        return []
    from chalicelib.mail.service import email_effect

    subject, text = _text(run, interface_name, kind)
    return [
        email_effect(run.org_id, to, subject, text, kind=kind, reference=run.run_id)
        for to in dict.fromkeys(recipients)
    ]
