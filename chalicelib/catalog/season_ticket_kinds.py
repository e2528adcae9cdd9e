"""The season-ticket product as a catalog kind: a package of performances bought together, its price
computed from its lines (the seed's "calculated price"), with the seed's two settings that let an online
buyer take another seat category for a performance sold out in theirs."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.catalog.kinds import Code, Name, Price, Ref, Spec


class SeasonTicketStatus(StrEnum):
    DRAFT = "draft"
    ON_SALE = "on_sale"
    CLOSED = "closed"


class LineChoice(StrEnum):
    MANDATORY = "mandatory"  # every buyer takes a performance of this line
    OPTIONAL = "optional"


class CategoryChange(StrEnum):
    """A line's own "allow seat category upgrade / downgrade": as the product says, or yes, or no."""

    INHERIT = "inherit"
    YES = "yes"
    NO = "no"


class SeasonTicketLineSpec(BaseModel):
    """One line: an event, the performances a buyer chooses from (one per line), and the line's price of
    a seat per seat category and audience subcategory."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    id: Code = Field(description="The line's code, unique in its product")
    name: Name
    event_id: Ref
    performance_ids: list[Ref] = Field(min_length=1, max_length=50)
    choice: LineChoice = LineChoice.OPTIONAL
    category_change: CategoryChange = CategoryChange.INHERIT
    prices: list[Price] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_price_per_cell(self) -> SeasonTicketLineSpec:
        cells = [(p.seat_category_id, p.audience_subcategory_id) for p in self.prices]
        if len(cells) != len(set(cells)):
            raise ValueError(f"line {self.id} has two prices for one seat category and audience subcategory")
        if len(set(self.performance_ids)) != len(self.performance_ids):
            raise ValueError(f"line {self.id} lists a performance twice")
        return self


class SeasonTicketSpec(Spec):
    """A season-ticket product. A buyer chooses an audience subcategory and a seat category, then one
    performance in each line they want, between `min_lines` and `max_lines` lines, every mandatory line
    included; the price is the sum of the chosen lines' prices."""

    season_id: Ref
    code: Code
    name: Name
    description: str = Field(default="", max_length=5000)
    status: SeasonTicketStatus = SeasonTicketStatus.DRAFT
    price_type: Literal["computed"] = "computed"
    min_lines: int = Field(ge=1, le=50)
    max_lines: int = Field(ge=1, le=50)
    same_seat: bool = Field(default=False, description="The same seat in every performance where it is free")
    grant_subscriber: bool = Field(default=False, description="Buying it sets the subscriber indicator")
    subscriber_indicator_id: Ref | None = None
    subscriber_level_id: str | None = Field(default=None, max_length=32)
    multi_season: bool = False
    automatic_renewal: bool = False
    allow_category_change: bool = Field(
        default=False, description="Allow seat category upgrade / downgrade (online sales only)"
    )
    renews_id: Ref | None = Field(default=None, description="Last season's product this one renews")
    lines: list[SeasonTicketLineSpec] = Field(min_length=1, max_length=40)

    # The field validators below say the same as `_lines_fit`, but on the field they concern, so that a
    # refusal names it (`max_lines`, `lines`) rather than the whole body.
    @field_validator("max_lines")
    @classmethod
    def _max_not_below_min(cls, value: int, info: ValidationInfo) -> int:
        least = info.data.get("min_lines")
        if least is not None and value < least:
            raise ValueError(f"max_lines must not be less than min_lines ({value} < {least})")
        return value

    @field_validator("lines")
    @classmethod
    def _lines_named_once(
        cls, lines: list[SeasonTicketLineSpec], info: ValidationInfo
    ) -> list[SeasonTicketLineSpec]:
        seen: dict[str, str] = {}
        offered: dict[str, str] = {}
        for line in lines:
            if line.id.lower() in seen:
                raise ValueError(f"two lines have the same id: {line.id}")
            seen[line.id.lower()] = line.id
            for performance in line.performance_ids:
                if performance in offered:
                    raise ValueError(
                        f"a performance is offered by two lines: {performance} "
                        f"(lines {offered[performance]} and {line.id})"
                    )
                offered[performance] = line.id
        least, most = info.data.get("min_lines"), info.data.get("max_lines")
        if least is not None and least > len(lines):
            raise ValueError(f"min_lines is more than the product's lines ({least} > {len(lines)})")
        mandatory = sum(1 for line in lines if line.choice == LineChoice.MANDATORY)
        if most is not None and mandatory > most:
            raise ValueError(f"more mandatory lines than max_lines ({mandatory} > {most})")
        return lines

    @model_validator(mode="after")
    def _lines_fit(self) -> SeasonTicketSpec:
        if self.max_lines < self.min_lines:
            raise ValueError("max_lines must not be less than min_lines")
        if self.min_lines > len(self.lines):
            raise ValueError("min_lines is more than the product's lines")
        ids = [line.id.lower() for line in self.lines]
        if len(set(ids)) != len(ids):
            raise ValueError("two lines have the same id")
        mandatory = sum(1 for line in self.lines if line.choice == LineChoice.MANDATORY)
        if mandatory > self.max_lines:
            raise ValueError("more mandatory lines than max_lines")
        performances = [p for line in self.lines for p in line.performance_ids]
        if len(set(performances)) != len(performances):
            raise ValueError("a performance is offered by two lines")
        if self.grant_subscriber and not (self.subscriber_indicator_id and self.subscriber_level_id):
            raise ValueError("grant_subscriber needs subscriber_indicator_id and subscriber_level_id")
        return self

    def line(self, line_id: str) -> SeasonTicketLineSpec | None:
        return next((line for line in self.lines if line.id.lower() == line_id.lower()), None)

    def allows_category_change(self, line: SeasonTicketLineSpec) -> bool:
        if line.category_change == CategoryChange.INHERIT:
            return self.allow_category_change
        return line.category_change == CategoryChange.YES
