// A performance's stock screen (views-events.js), its parts: the live line and its polling, the panel
// that blocks, unblocks and moves seats, and the counts table.

import { api, seg } from "./api.js";
import { nameOf } from "./crud.js";
import { clearErrors, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";
import { STATUSES } from "./plan-svg.js";
import { label } from "./rights.js";
import { sleep } from "./views-events.js";

const LIVE_POLL_MS = 10_000;
const CHUNK = 5000; // seats per stock change request (the API's limit)

/** Refresh every LIVE_POLL_MS while the screen is open, auto-refresh is on and the tab is visible. */
export async function pollLive(ctx, live, refresh) {
  while (!ctx.signal.aborted) {
    await sleep(LIVE_POLL_MS, ctx.signal);
    if (ctx.signal.aborted || !live.auto() || document.hidden) continue;
    try {
      await refresh();
    } catch (error) {
      if (!ctx.signal.aborted) live.failed(error);
    }
  }
}

/**
 * The live status line: a swatch and a count per status (free, held, sold, blocked), when it was read,
 * a Refresh button and the auto-refresh switch. show() takes each seat's status, or the /stock counts.
 */
export function liveBar(ctx, refresh) {
  const list = h("ul", { class: "legend live-counts", id: "stock-live-counts", "data-testid": "live-counts" });
  const stamp = h("span", { id: "stock-live-time", class: "muted", "data-testid": "live-time" });
  const auto = h("input", { type: "checkbox", id: "stock-auto", checked: true });
  const button = h("button", {
    type: "button", class: "small", id: "stock-refresh", "aria-label": "Refresh the live stock now",
    onclick: (event) => whileBusy(event.currentTarget, async () => {
      try {
        await refresh();
      } catch (error) {
        if (!ctx.signal.aborted) failed(error);
      }
    }),
  }, "Refresh");
  function failed(error) {
    stamp.textContent = `Refresh failed (${error.message}); ${auto.checked ? "trying again in 10 s" : "try again"}.`;
    stamp.classList.add("field-error");
  }
  return {
    node: h("div", { class: "live-bar", id: "stock-live", "aria-label": "Live stock" },
      h("strong", {}, "Live:"), list, stamp,
      h("span", { class: "inline" }, button,
        h("label", { class: "check", for: "stock-auto" }, auto, " auto-refresh every 10 s"))),
    auto: () => auto.checked,
    failed,
    show(seatsOrStock) {
      const by = Object.fromEntries(STATUSES.map((s) => [s.key, 0]));
      if (Array.isArray(seatsOrStock)) for (const status of seatsOrStock) by[status] = (by[status] || 0) + 1;
      else for (const count of seatsOrStock.seats) by[count.status] = (by[count.status] || 0) + count.seats;
      fill(list, STATUSES.map((s) => h("li", { "data-status": s.key },
        h("span", { class: "swatch", style: `background:${s.colour}`, "aria-hidden": "true" }),
        h("span", { class: "legend-label" }, s.label), " ",
        h("span", { class: "count", "data-testid": "live-count" }, String(by[s.key] || 0)))));
      stamp.classList.remove("field-error");
      stamp.textContent = `read at ${formatTime(new Date().toISOString()).slice(11)}`;
    },
  };
}

const HOLDERS = { cart: "in a cart", option: "held by option", reservation: "reserved by order", order: "sold in order" };
const UNLINKED = {
  cart: "in a cart", option: "held by an option", reservation: "reserved (awaiting payment)", order: "sold",
  distributor: "by a distributor",
};

/** What holds a seat, with a link to it when the operator may open it (else the API leaves the ids out). */
export function holderLink(holder) {
  const link = (href, text) => [`${HOLDERS[holder.kind]} `, h("a", { href, "data-action": "holder" }, text)];
  if (holder.kind === "distributor") {
    // A sold seat has no expiry: "sold by distributor Fnac in order X", or "held by distributor Fnac".
    const who = holder.channel_name || holder.channel_id;
    const text = `${holder.expires_at ? "held" : "sold"} ${who ? `by distributor ${who}` : UNLINKED.distributor}`;
    if (!holder.order_id) return text;
    return [`${text} in order `, h("a", { href: `#/orders/${seg(holder.order_id)}`, "data-action": "holder" }, holder.order_id)];
  }
  if (holder.kind === "option" && holder.option_id) return link(`#/options/${seg(holder.option_id)}`, holder.option_id);
  if (holder.order_id) return link(`#/orders/${seg(holder.order_id)}`, holder.order_id);
  if (holder.cart_id) {
    return [`${HOLDERS.cart} `, h("a", { href: `#/carts/${seg(holder.cart_id)}`, "data-action": "holder" }, holder.cart_id)];
  }
  return UNLINKED[holder.kind] || holder.kind;
}

export function stockPanel(ctx, view, base, quotas, problem, after) {
  const quota = h("select", { id: "move-quota" }, quotas.map((q) => h("option", { value: q.id }, nameOf(q))));
  const result = h("p", { id: "stock-result", class: "status", role: "status" });
  const buttons = [];
  async function change(button, kind) {
    const ids = view.selectedIds();
    const target = kind === "move" ? quota.value : undefined;
    clearErrors(problem);
    await whileBusy(button, async () => {
      const report = { changed: 0, unchanged: [], refused: [], export_suggested: [] };
      try {
        for (let start = 0; start < ids.length; start += CHUNK) {
          const body = { selection: { seat_ids: ids.slice(start, start + CHUNK) } };
          if (target) body.quota_id = target;
          const answer = await api.post(`${base}/stock/${kind}`, body);
          report.changed += answer.changed;
          report.unchanged.push(...answer.unchanged);
          report.refused.push(...answer.refused);
          report.export_suggested.push(...(answer.export_suggested || []));
        }
        const verb = { block: "blocked", unblock: "unblocked", move: "moved" }[kind];
        result.textContent = `${report.changed} seat${report.changed === 1 ? "" : "s"} ${verb}` +
          (report.unchanged.length ? `, ${report.unchanged.length} already so` : "") +
          (report.refused.length ? `, ${report.refused.length} refused (held or sold)` : "") + ".";
        ctx.notify(result.textContent);
      } catch (error) {
        showError(problem, error);
      }
      await after(ids, report, kind, target);
    });
  }
  const make = (text, id, kind, cls = "") => {
    const button = h("button", {
      type: "button", class: cls, id, disabled: true, "data-action": kind,
      onclick: (event) => change(event.currentTarget, kind),
    }, text);
    buttons.push(button);
    return button;
  };
  view.onSelect((count) => { for (const button of buttons) button.disabled = !count; });
  return h("section", { class: "card side-card", id: "stock-panel", "aria-labelledby": "stock-panel-title" },
    h("h2", { id: "stock-panel-title" }, "Change the selection"),
    h("p", { class: "muted" }, "Only free seats change; held and sold seats are left alone."),
    h("div", { class: "buttons compact" },
      make("Block", "stock-block", "block", "danger"), make("Unblock", "stock-unblock", "unblock")),
    field("Quota", quota),
    h("div", { class: "buttons compact" }, make("Move to quota", "stock-move", "move", "primary")),
    result);
}

export function byRankThenQuota(names) {
  const rank = (id) => names.rank.get(id) ?? 99;
  const quota = (id) => (id ? names.quota.get(id) || id : "\uffff");
  return (a, b) => rank(a.category) - rank(b.category) || quota(a.quota).localeCompare(quota(b.quota));
}

export function renderCounts(box, stock, names) {
  const statuses = STATUSES.map((s) => s.key);
  const extra = [...new Set(stock.seats.map((c) => c.status))].filter((s) => !statuses.includes(s));
  const columns = [...statuses, ...extra];
  const rows = new Map();
  const totals = Object.fromEntries(columns.map((s) => [s, 0]));
  for (const count of stock.seats) {
    const key = `${count.category_id}\u0000${count.quota_id ?? ""}`;
    if (!rows.has(key)) rows.set(key, { category: count.category_id, quota: count.quota_id ?? "", by: {} });
    rows.get(key).by[count.status] = (rows.get(key).by[count.status] || 0) + count.seats;
    totals[count.status] += count.seats;
  }
  const cell = (status, value) => h("td", { class: "num", "data-status": status }, String(value || 0));
  const sum = (by) => Object.values(by).reduce((a, b) => a + b, 0);
  fill(box,
    h("p", {}, `${stock.seat_count} seats in stock.`),
    h("div", { class: "scroll" }, h("table", { class: "counts", "data-testid": "stock-counts", id: "stock-counts-table" },
      h("caption", { class: "sr-only" }, "Seats per seat category, quota and status"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Category"), h("th", { scope: "col" }, "Quota"),
        columns.map((s) => h("th", { scope: "col", class: "num" }, label(s))), h("th", { scope: "col", class: "num" }, "Total"))),
      h("tbody", {}, [...rows.values()].sort(byRankThenQuota(names)).map((row) => h("tr", { "data-category": row.category, "data-quota": row.quota },
        h("td", {}, names.category.get(row.category) || row.category),
        h("td", {}, row.quota ? names.quota.get(row.quota) || row.quota : "No quota"),
        columns.map((s) => cell(s, row.by[s])), cell("total", sum(row.by))))),
      h("tfoot", {}, h("tr", { "data-total": "" }, h("th", { scope: "row", colspan: 2 }, "Total"),
        columns.map((s) => cell(s, totals[s])), cell("total", sum(totals)))))),
    stock.areas.length ? [
      h("h3", {}, "Standing areas"),
      h("table", { class: "counts", "data-testid": "stock-areas" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Area"), h("th", { scope: "col" }, "Quota"),
          h("th", { scope: "col", class: "num" }, "Free"), h("th", { scope: "col", class: "num" }, "Capacity"))),
        h("tbody", {}, stock.areas.map((a) => h("tr", { "data-area": a.area, "data-quota": a.quota_id },
          h("td", {}, a.area), h("td", {}, names.quota.get(a.quota_id) || a.quota_id),
          h("td", { class: "num" }, String(a.free)), h("td", { class: "num" }, String(a.capacity)))))),
    ] : null);
}
