"""Which state machines exist, which Lambda functions they call, and the schedules that start them.

Read by the local stack and the cloud stack alike, so that names are written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StateMachine:
    name: str  # also the file statemachines/<name>.asl.json
    # ASL placeholder -> Chalice lambda function name whose ARN replaces it
    functions: dict[str, str]
    title: str
    description: str
    # False when an execution needs input an operator gives elsewhere (e.g. which performance to open)
    manual_start: bool = True


@dataclass(frozen=True)
class Schedule:
    name: str
    state_machine: str
    rate_seconds: int
    input: dict[str, Any] = field(default_factory=dict)

    @property
    def expression(self) -> str:
        minutes = max(1, self.rate_seconds // 60)
        return f"rate({minutes} minute{'s' if minutes > 1 else ''})"


STATE_MACHINES = (
    StateMachine(
        name="hold-cleanup",
        functions={"HoldCleanupFunctionArn": "hold_cleanup"},
        title="Hold clean-up",
        description="Releases the seats of holds past their expiry and records the run.",
    ),
    StateMachine(
        name="open-performance",
        functions={"OpenPerformanceFunctionArn": "open_performance"},
        title="Open a performance for sale",
        description="Builds a performance's stock from its layout, block by block, then puts it on sale.",
        manual_start=False,
    ),
    StateMachine(
        name="option-expiry",
        functions={"OptionExpiryFunctionArn": "option_expiry"},
        title="Option expiry",
        description="Expires options past their deadline, gives their stock back, records the run.",
    ),
    StateMachine(
        name="queue-admitter",
        functions={"QueueAdmitterFunctionArn": "queue_admitter"},
        title="Queue admitter",
        description="Admits the next buyers of each virtual queue at its rate, and records the run.",
    ),
    StateMachine(
        name="reconciler",
        functions={"ReconcilerFunctionArn": "reconciler"},
        title="Reconciler",
        description=(
            "Finishes what faults left half done: settles open orders whose money is all in, expires those"
            " past their deadline, carries out outbox items due (card refunds, emails, stock given back);"
            " counts dead outbox items; records the run."
        ),
    ),
    StateMachine(
        name="figures-rebuild",
        functions={"FiguresRebuildFunctionArn": "figures_rebuild"},
        title="Figures rebuild",
        description="Recounts an organisation's sales figures from its orders, then switches reports over.",
        manual_start=False,
    ),
    StateMachine(
        name="code-batches",
        functions={"CodeBatchesFunctionArn": "code_batches"},
        title="Single-use code batch",
        description="Generates a large batch of single-use codes chunk by chunk, then marks it ready.",
        manual_start=False,
    ),
    StateMachine(
        name="waiting-list-offers",
        functions={"WaitingListOffersFunctionArn": "waiting_list_offers"},
        title="Waiting-list offers",
        description=(
            "Offers seats that came back to each sold-out performance's waiting list in order, passes"
            " unused offers on, closes and erases the lists of cancelled or past performances."
        ),
    ),
    StateMachine(
        name="distributor-run",
        functions={"DistributorRunsFunctionArn": "distributor_runs"},
        title="Distributor run",
        description=(
            "Runs a function of a distributor interface (allotment export, sales reintegration, counts)"
            " batch by batch, records its counts and errors by category, alerts on a first failure and"
            " on recovery. Started by an operator's run or an interface's schedule."
        ),
        manual_start=False,
    ),
)

SCHEDULES = (
    Schedule(name="hold-cleanup-every-minute", state_machine="hold-cleanup", rate_seconds=60),
    Schedule(name="option-expiry-every-15-minutes", state_machine="option-expiry", rate_seconds=900),
    Schedule(name="queue-admitter-every-minute", state_machine="queue-admitter", rate_seconds=60),
    Schedule(name="reconciler-every-5-minutes", state_machine="reconciler", rate_seconds=300),
    Schedule(name="waiting-list-offers-every-minute", state_machine="waiting-list-offers", rate_seconds=60),
)


def state_machine(name: str) -> StateMachine:
    for machine in STATE_MACHINES:
        if machine.name == name:
            return machine
    raise KeyError(name)
