"""Catalog kinds that say who a customer is: indicators with their ordered levels, and target lists."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.catalog.kinds import Code, Name, Spec


class LevelSpec(BaseModel):
    """One level of an indicator; its `id` is what contacts and shopper accounts hold."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    id: Code
    name: Name


class IndicatorSpec(Spec):
    """A customer attribute such as loyalty; levels lowest first: a later level reaches every earlier one."""

    code: Code
    name: Name
    levels: list[LevelSpec] = Field(min_length=1, max_length=20, description="Lowest first")

    @model_validator(mode="after")
    def _levels_named_once(self) -> IndicatorSpec:
        seen: set[str] = set()
        for level in self.levels:
            if level.id.lower() in seen:
                raise ValueError(f"level {level.id} is listed twice")
            seen.add(level.id.lower())
        return self


class TargetListSpec(Spec):
    """A list of contacts an operator builds or imports (a campaign's target); its contacts are kept
    apart from this item (see chalicelib/customers/records.py)."""

    code: Code
    name: Name
    description: str = Field(default="", max_length=1000)
