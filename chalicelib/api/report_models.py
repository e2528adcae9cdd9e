"""Response models of the reports and the home dashboard (what the OpenAPI document shows)."""

from __future__ import annotations

from pydantic import Field

from chalicelib.api.routing import Out


class SalesRowOut(Out):
    performance_id: str
    performance: str = Field(description="Event and local start: Cyrano, 2026-12-12 20:00 +01:00")
    starts_at: str = Field(description="The start on the venue's clock, ISO 8601 with its offset")
    timezone: str = Field(description="The venue's IANA time zone")
    event_id: str
    category_id: str
    category: str
    audience_subcategory_id: str
    audience: str
    channel_id: str
    channel: str
    point_of_sale_id: str
    point_of_sale: str
    tickets: int
    amount: int = Field(description="cents, ticket prices net of cancellations")


class DayOut(Out):
    day: str
    tickets: int
    amount: int


class SalesTotals(Out):
    tickets: int
    amount: int


class SalesOut(Out):
    rows: list[SalesRowOut]
    by_day: list[DayOut]
    totals: SalesTotals


class TakingsRowOut(Out):
    day: str | None = None
    method: str
    received: int
    refunded: int
    net: int


class TakingsTotals(Out):
    received: int
    refunded: int
    net: int


class TakingsOut(Out):
    day_from: str
    day_to: str
    rows: list[TakingsRowOut]
    by_method: list[TakingsRowOut]
    totals: TakingsTotals


class PartnerRowOut(Out):
    channel_id: str
    channel: str
    tickets: int
    amount: int
    fees: int
    owed: int = Field(description="what the channel collected for the organisation: amount and fees")


class PartnerTotals(Out):
    tickets: int
    amount: int
    fees: int
    owed: int


class PartnersOut(Out):
    day_from: str | None
    day_to: str | None
    rows: list[PartnerRowOut]
    totals: PartnerTotals


class GaugeRowOut(Out):
    performance_id: str
    performance: str
    zone: str
    block: str = Field(description="a block of numbered seats, or a standing area")
    seats: int
    free: int
    held: int
    sold: int
    blocked: int
    scanned: int


class GaugeTotals(Out):
    seats: int
    free: int
    held: int
    sold: int
    blocked: int
    scanned: int


class GaugeOut(Out):
    rows: list[GaugeRowOut]
    totals: GaugeTotals


class EntryRowOut(Out):
    performance_id: str
    performance: str
    hour: str = Field(description="YYYY-MM-DDTHH on the organisation's clock")
    gate: str
    entries: int


class EntryPerformanceOut(Out):
    performance_id: str
    performance: str
    sold: int
    entries: int


class EntryTotals(Out):
    sold: int
    entries: int


class EntriesOut(Out):
    rows: list[EntryRowOut]
    performances: list[EntryPerformanceOut]
    totals: EntryTotals


class DashboardDayOut(DayOut):
    orders: int


class ChannelOut(Out):
    channel_id: str
    channel: str
    tickets: int
    amount: int
    today_tickets: int
    today_amount: int


class FillOut(Out):
    category_id: str
    category: str
    capacity: int
    sold: int
    held: int
    free: int
    blocked: int
    fill_rate: float = Field(description="sold / capacity")


class ComingOut(Out):
    performance_id: str
    performance: str
    starts_at: str = Field(description="UTC")
    starts_at_local: str = Field(description="The start on the venue's clock, ISO 8601 with its offset")
    timezone: str = Field(description="The venue's IANA time zone")
    status: str
    categories: list[FillOut]


class ExpiringOut(Out):
    order_id: str
    deadline: str
    places: int
    amount: int


class OptionCountsOut(Out):
    to_place: int
    past_deadline: int
    expired: int


class FailedRunOut(Out):
    workflow: str
    title: str
    execution: str
    started_at: str
    error: str | None


class OutboxCountsOut(Out):
    failed: int
    dead: int


class ActOnOut(Out):
    reservations_expiring: list[ExpiringOut] | None = Field(description="null without orders:read")
    options: OptionCountsOut | None = Field(description="null without option_requests:read")
    failed_runs: list[FailedRunOut] | None = Field(description="null without workflows:read")
    outbox: OutboxCountsOut | None = Field(description="null without orders:read")


class DashboardOut(Out):
    generated_at: str
    today: DashboardDayOut
    days: list[DashboardDayOut]
    channels: list[ChannelOut]
    coming: list[ComingOut]
    to_act_on: ActOnOut
