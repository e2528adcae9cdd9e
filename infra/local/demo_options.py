"""A few demo options in different states, so that the option screens and the report show something.

Made through the option services as operators and the school's relay would; made once (when the
organisation has no option yet), so that a second seeding changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.options import repository
from chalicelib.options import service as options
from chalicelib.options.service import LineIn, RequestIn

OPERATOR = "admin"


@dataclass(frozen=True)
class DemoOption:
    performance: str  # performance code
    category: str  # seat category code
    quantity: int
    remark: str
    then: tuple[str, ...] = ()  # what happens to the request: place, refuse, waiting_list, validate


DEMO_OPTIONS = (
    DemoOption("CYRANO-3", "CAT2", 12, "Class 2B and their teachers"),
    DemoOption("CYRANO-3", "CAT3", 20, "Two classes, Cat 3 is fine", ("place",)),
    DemoOption("NUTCRACKER-1", "CAT1", 15, "End-of-year outing", ("place", "validate")),
    DemoOption("NUTCRACKER-2", "CAT2", 25, "Whole year group", ("refuse",)),
    DemoOption("JAZZ-GALA-1", "CAT1", 10, "Music option students", ("refuse", "waiting_list")),
)


def seed_options(org: str, ids: Callable[[str, str], str], relay_contact_id: str) -> str:
    """The demo options, for the school's relay; "" when the organisation has options already."""
    if repository.all_of_org(org):
        return ""
    for wanted in DEMO_OPTIONS:
        _make(org, ids, relay_contact_id, wanted)
    states = ", ".join(sorted({o.state for o in repository.all_of_org(org)}))
    return f"{len(DEMO_OPTIONS)} demo options ({states})"


def _make(org: str, ids: Callable[[str, str], str], contact_id: str, wanted: DemoOption) -> None:
    performance_id = ids("performance", wanted.performance)
    category_id = ids("seat_category", wanted.category)
    request = RequestIn(performance_id, {category_id: wanted.quantity}, remark=wanted.remark)
    option = options.request_for_contact(org, OPERATOR, contact_id, request)
    steps = {
        "place": lambda: options.place(
            org, option.option_id, OPERATOR, None, [LineIn(category_id, wanted.quantity)]
        ),
        "refuse": lambda: options.refuse(org, option.option_id, OPERATOR),
        "waiting_list": lambda: options.put_on_waiting_list(org, option.option_id, OPERATOR),
        "validate": lambda: options.validate(org, [option.option_id], OPERATOR),
    }
    for step in wanted.then:
        steps[step]()
