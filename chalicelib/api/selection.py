"""The seat selection that layout assignments and stock changes share: all, by place, or by id."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.api.routing import Body
from chalicelib.catalog.plans import Label
from chalicelib.catalog.seating import Selection

# The admin page's rectangle selection sends ids; a 20,000-seat plan fits in one request.
MAX_SELECTED_IDS = 20_000


class SelectionIn(Body):
    """Every seat (`all`); or seats by zone, block, rows and a number range, all given criteria
    holding; or a list of seat ids (the admin page's lasso)."""

    all: bool = False
    zone: Label | None = None
    block: Label | None = None
    rows: list[Label] | None = Field(default=None, max_length=1000)
    from_number: int | None = Field(default=None, ge=0)
    to_number: int | None = Field(default=None, ge=0)
    seat_ids: list[Annotated[str, Field(min_length=1, max_length=140)]] | None = Field(
        default=None, max_length=MAX_SELECTED_IDS
    )

    @model_validator(mode="after")
    def _one_kind_of_selection(self) -> SelectionIn:
        criteria = [self.zone, self.block, self.rows, self.from_number, self.to_number]
        narrowed = any(value is not None for value in criteria)
        if sum([self.all, narrowed, bool(self.seat_ids)]) != 1:
            raise ValueError(
                "select with all, or with zone/block/rows/from_number/to_number, or with seat_ids"
            )
        if self.from_number is not None and self.to_number is not None and self.to_number < self.from_number:
            raise ValueError("to_number must not be below from_number")
        return self

    def selection(self) -> Selection:
        return Selection(
            all=self.all,
            zone=self.zone,
            block=self.block,
            rows=frozenset(self.rows) if self.rows is not None else None,
            from_number=self.from_number,
            to_number=self.to_number,
            seat_ids=tuple(self.seat_ids) if self.seat_ids else None,
        )
