// Events screen: the events (#/events), an event's performances with "Open for sale"
// (#/events/<event>), and a performance's stock (#/events/<event>/<performance>): counts per
// category x quota x status, and the plan drawn by live status (refreshed every 10 s while the screen
// is open) with block / unblock / move to quota.

import { api, seg } from "./api.js";
import { crudSection, nameOf, refCache, subPath } from "./crud.js";
import { clearErrors, errorBox, fill, h, showError, whileBusy } from "./dom.js";
import { exportStatus, offerExport } from "./distributors-export-prompt.js";
import { holderLink, liveBar, pollLive, renderCounts, stockPanel } from "./events-stock.js";
import { drawPlan, modeSwitch, NO_QUOTA, paletteFor } from "./plan-svg.js";
import { label } from "./rights.js";
import { DEFAULT_ZONE, localTime, localTimeLabelled, shortLocalTime, venueZones } from "./time-zones.js";

const ID = "events";
const POLL_MS = 1000;
const OPEN_TIMEOUT_MS = 180_000;
const OPENABLE = ["draft", "open_failed"];

export default {
  id: ID,
  title: "Events",
  area: "catalog",
  async render(root, ctx) {
    const [eventId, performanceId] = subPath();
    if (performanceId) return stockScreen(root, ctx, eventId, performanceId);
    if (eventId) return eventScreen(root, ctx, eventId);
    const events = crudSection(ctx, {
      plural: "events",
      noun: "event",
      columns: ["code", "name", "season_id", "activity_id", "status"],
      fields: [
        { name: "season_id", label: "Season", type: "ref", kind: "seasons", required: true },
        { name: "activity_id", label: "Activity", type: "ref", kind: "activities", required: true },
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "description", type: "textarea", maxlength: 5000 },
        { name: "price_grid_id", label: "Price grid", type: "ref", kind: "price-grids", nullable: true },
        { name: "status", type: "enum", options: ["draft", "published", "cancelled"], required: true },
        {
          name: "producer_company_ids", label: "Producers", type: "refs", kind: "companies",
          hint: "Up to three companies; their relays see this event in the producer space.",
        },
      ],
      rowActions: (item) => h("a", {
        class: "button small", href: `#/${ID}/${seg(item.id)}`, "data-action": "performances",
        "aria-label": `Performances of ${nameOf(item)}`,
      }, "Performances"),
    }, refCache());
    fill(root, h("p", { class: "muted" }, "An event is a show with one or more performances."), events.node);
    await events.load();
  },
};

function statusOf(performance) {
  return performance.state?.status || "draft";
}

function statusBadge(status) {
  const kind = { on_sale: "ok", opening: "run", open_failed: "bad" }[status] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "performance-status", "data-status": status }, label(status));
}

export const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** Start the opening workflow, then poll the performance until it is on sale (or failed). */
async function openForSale(ctx, performance, onStatus) {
  await api.post(`/backoffice/performances/${seg(performance.id)}/open`);
  ctx.notify(`Opening performance ${performance.code} for sale…`);
  onStatus("opening", performance);
  const started = Date.now();
  while (!ctx.signal.aborted && Date.now() - started < OPEN_TIMEOUT_MS) {
    await sleep(POLL_MS, ctx.signal);
    if (ctx.signal.aborted) return null;
    const item = await api.get(`/backoffice/performances/${seg(performance.id)}`);
    onStatus(statusOf(item), item);
    if (statusOf(item) === "on_sale" || statusOf(item) === "open_failed") return item;
  }
  return null;
}

function openButton(ctx, performance, { onDone, problem }) {
  return h("button", {
    type: "button", class: "small primary", "data-action": "open",
    "aria-label": `Open performance ${performance.code} for sale`,
    onclick: async (event) => {
      const button = event.currentTarget;
      const cell = button.closest("tr")?.querySelector("[data-col=status]") || document.getElementById("stock-status");
      clearErrors(problem);
      await whileBusy(button, async () => {
        try {
          const done = await openForSale(ctx, performance, (status, item) => {
            if (cell) fill(cell, statusBadge(status), status === "open_failed" && item.state?.open_error
              ? h("div", { class: "muted" }, item.state.open_error) : null);
          });
          if (!done) return;
          if (statusOf(done) === "on_sale") ctx.notify(`Performance ${performance.code} is on sale.`);
          else showError(problem, { message: `Opening failed: ${done.state?.open_error || "unknown error"}. Try again.` });
          onDone(done);
        } catch (error) {
          showError(problem, error);
        }
      });
    },
  }, "Open for sale");
}

// ---- one event and its performances ----------------------------------------------------------

async function eventScreen(root, ctx, eventId) {
  const cache = refCache();
  const [event, zones] = await Promise.all([api.get(`/backoffice/events/${seg(eventId)}`), venueZones(cache)]);
  if (ctx.signal.aborted) return;
  ctx.setTitle("Performances", event.name || nameOf(event));
  // Times are shown and entered on the venue's clock; with venues in several zones, each time says its
  // own and a form is entered on the first venue's (the zone is named next to the field).
  const entryZone = zones.one || zones.zones[0] || DEFAULT_ZONE;
  const inZone = (value, item) => (value ? localTimeLabelled(value, zones.ofPerformance(item)) : "–");
  const problem = errorBox("performance-open-error");
  const performances = crudSection(ctx, {
    plural: "performances",
    noun: "performance",
    title: "Performances",
    filters: { event_id: eventId },
    columns: ["code", "starts_at", "hall_id", "layout_id", "sales_window", "status"],
    fields: [
      { name: "event_id", fixed: eventId },
      { name: "code", required: true, maxlength: 32 },
      {
        name: "starts_at", label: `Starts at (${zones.label})`, type: "datetime", required: true, zone: entryZone,
        hint: `The venue's local time (${entryZone}).`, render: inZone,
      },
      { name: "hall_id", label: "Hall", type: "ref", kind: "halls", required: true },
      { name: "layout_id", label: "Layout", type: "ref", kind: "layouts", required: true },
      { name: "sales_open_at", label: `Sales open at (${entryZone})`, type: "datetime", nullable: true, zone: entryZone },
      { name: "sales_close_at", label: `Sales close at (${entryZone})`, type: "datetime", nullable: true, zone: entryZone },
      {
        name: "price_grid_id", label: "Price grid", type: "ref", kind: "price-grids", nullable: true,
        hint: "Empty: the event's price grid.",
      },
      {
        name: "sales_window", label: "Sales window", listOnly: true,
        render: (_, item) => (item.sales_open_at || item.sales_close_at
          ? `${localTime(item.sales_open_at, zones.ofPerformance(item)) || "…"} → ${localTimeLabelled(item.sales_close_at, zones.ofPerformance(item)) || "…"}`
          : "–"),
      },
      { name: "status", listOnly: true, render: (_, item) => statusBadge(statusOf(item)) },
    ],
    rowActions: (item, section) => [
      ctx.can("catalog", "execute") && OPENABLE.includes(statusOf(item))
        ? openButton(ctx, item, { problem, onDone: () => section.reload() }) : null,
      h("a", {
        class: "button small", href: `#/${ID}/${seg(eventId)}/${seg(item.id)}`, "data-action": "stock",
        "aria-label": `Stock of performance ${item.code}`,
      }, "Stock"),
    ],
  }, cache);
  fill(root,
    h("p", { class: "lead", id: "event-head" }, h("strong", {}, nameOf(event)), " · ", label(event.status),
      " · ", h("a", { href: `#/${ID}` }, "All events")),
    event.description ? h("p", {}, event.description) : null,
    problem,
    performances.node);
  await performances.load();
}

// ---- one performance's stock ---------------------------------------------------------------------

async function stockScreen(root, ctx, eventId, performanceId) {
  const base = `/backoffice/performances/${seg(performanceId)}`;
  const cache = refCache();
  const [event, performance, categories, quotas, halls, zones] = await Promise.all([
    api.get(`/backoffice/events/${seg(eventId)}`),
    api.get(base),
    cache.list("seat-categories"),
    cache.list("quotas"),
    cache.byId("halls"),
    venueZones(cache),
  ]);
  if (ctx.signal.aborted) return;
  const status = statusOf(performance);
  const zone = zones.ofPerformance(performance);
  ctx.setTitle("Stock", event.name || nameOf(event), shortLocalTime(performance.starts_at, zone));
  const problem = errorBox("stock-error");
  const head = h("p", { class: "lead", id: "stock-head" },
    h("strong", {}, nameOf(event)), ` · ${performance.code} · ${localTimeLabelled(performance.starts_at, zone)}`,
    ` · ${nameOf(halls.get(performance.hall_id)) || performance.hall_id} · `,
    h("span", { id: "stock-status" }, statusBadge(status)),
    " · ", h("a", { href: `#/${ID}/${seg(eventId)}` }, "Performances"));
  if (status !== "on_sale") {
    const reopen = () => stockScreen(root, ctx, eventId, performanceId).catch(ctx.showError);
    fill(root, head, problem,
      h("p", { id: "stock-not-open" }, `This performance is ${label(status).toLowerCase()}: `,
        "its stock exists once it is open for sale."),
      ctx.can("catalog", "execute") && OPENABLE.includes(status)
        ? h("div", { class: "buttons" }, openButton(ctx, performance, { problem, onDone: reopen })) : null);
    return;
  }
  const layout = await api.get(`/backoffice/layouts/${seg(performance.layout_id)}`);
  const planId = performance.state?.seating_plan_id || layout.seating_plan_id;
  const drawing = await api.get(`/backoffice/seating-plans/${seg(planId)}/seats`);
  if (ctx.signal.aborted) return;
  const view = drawPlan({ id: "plan-svg", blocks: drawing.blocks, areas: drawing.areas, title: `Stock of ${performance.code}` });
  const names = {
    category: new Map(categories.map((c) => [c.id, c.name])),
    quota: new Map(quotas.map((q) => [q.id, q.name])),
    rank: new Map(categories.map((c) => [c.id, c.rank])),
  };
  const seatState = new Map(); // seat id -> {category, quota, status, until}
  const holderOf = new Map(); // seat id -> its holder {kind, hold_id, cart_id?, option_id?, order_id?}
  const holders = { known: false };
  const source = { live: true, note: "" };
  let mode = "status";
  const repaint = () => {
    view.paint((seat) => {
      const s = seatState.get(seat.seat_id);
      if (!s) return undefined;
      if (mode === "status") {
        const kind = holders.known ? holderOf.get(seat.seat_id)?.kind : undefined;
        return holders.known && (s.status === "held" || kind === "distributor") ? `held:${kind}` : s.status;
      }
      return mode === "quota" ? s.quota : s.category;
    }, paletteFor(mode, { categories, quotas, holders: holders.known }));
    // Whatever the colouring, each seat says its status: <circle data-seat=… data-status=sold data-hold=cart>.
    view.tag("status", (seat) => seatState.get(seat.seat_id)?.status);
    view.tag("hold", (seat) => holderOf.get(seat.seat_id)?.kind);
  };
  view.describe = (seat) => {
    const s = seatState.get(seat.seat_id);
    const where = `Seat ${seat.seat_id} · zone ${seat.zone}, block ${seat.block}, row ${seat.row}, no ${seat.number}`;
    if (!s) return `${where} · not for sale`;
    const until = s.status === "held" && s.until ? ` until ${localTime(s.until, zone).slice(11)} (${zone})` : "";
    const holder = holderOf.get(seat.seat_id);
    return [`${where} · ${names.category.get(s.category) || s.category} · ` +
      `${s.quota ? names.quota.get(s.quota) || s.quota : "no quota"} · ${s.status ?? "status unknown"}${until}`,
    holder ? [" · ", holderLink(holder)] : null];
  };
  const counts = h("div", { id: "stock-counts", "aria-live": "polite" });
  const note = h("p", { id: "stock-source", class: "hint", "data-testid": "stock-source" });

  async function loadSeats() {
    try {
      const answer = await api.get(`${base}/stock/seats`);
      seatState.clear();
      // The server already shows a seat of a lapsed hold as free, by its own clock (not the browser's).
      for (const seat of Array.isArray(answer) ? answer : answer.seats) {
        seatState.set(seat.seat_id, {
          category: seat.category_id, quota: seat.quota_id ?? NO_QUOTA, status: seat.status,
          until: seat.hold_expires_at,
        });
      }
      source.live = true;
      note.textContent = "";
    } catch (error) {
      // No live seat map from the API: draw the layout's categories and quotas, keep the changes made
      // here, and deduce the other seats' statuses from the counts (see deduceStatuses).
      if (source.live) {
        const assignments = await api.get(`/backoffice/layouts/${seg(layout.id)}/assignments`);
        for (const block of assignments.blocks) {
          for (const [seatId, a] of Object.entries(block.seats)) {
            seatState.set(seatId, { category: a.seat_category_id, quota: a.quota_id ?? NO_QUOTA, status: undefined });
          }
        }
        mode = "category";
        root.querySelector("input[name=stock-colour-by][value=category]").checked = true;
      }
      source.live = false;
      note.title = `GET ${base}/stock/seats: ${error.status} ${error.message}`;
      note.textContent = "Live seat statuses are unavailable from the server: the plan shows the layout's " +
        "categories and quotas with the changes made on this page; statuses are deduced from the counts.";
    }
  }

  /**
   * Without a live seat map: a seat not changed here is free when every seat of its category x quota
   * that is not free was changed here (the counts say how many are not free); else it stays unknown.
   */
  function deduceStatuses(stock) {
    const key = (category, quota) => `${category}\u0000${quota ?? NO_QUOTA}`;
    const notFree = new Map();
    for (const count of stock.seats) {
      if (count.status !== "free") notFree.set(key(count.category_id, count.quota_id), (notFree.get(key(count.category_id, count.quota_id)) || 0) + count.seats);
    }
    const knownNotFree = new Map();
    for (const s of seatState.values()) {
      if (s.local && s.status !== "free") knownNotFree.set(key(s.category, s.quota), (knownNotFree.get(key(s.category, s.quota)) || 0) + 1);
    }
    for (const s of seatState.values()) {
      if (s.local) continue;
      const k = key(s.category, s.quota);
      s.status = (notFree.get(k) || 0) === (knownNotFree.get(k) || 0) ? "free" : undefined;
    }
  }

  /** Who holds the taken seats; only with the inventory:read right (catalog:read alone draws statuses). */
  async function loadHolders() {
    if (!ctx.can("inventory", "read")) return;
    try {
      const answer = await api.get(`${base}/stock/holders`);
      holderOf.clear();
      for (const holder of answer.holders) for (const seatId of holder.seat_ids) holderOf.set(seatId, holder);
      holders.known = true;
    } catch {
      holderOf.clear();
      holders.known = false; // the plan still shows held seats, without saying by what
    }
  }

  async function load() {
    const [, stock] = await Promise.all([loadSeats(), api.get(`${base}/stock`), loadHolders()]);
    if (ctx.signal.aborted) return;
    renderCounts(counts, stock, names);
    if (!source.live) deduceStatuses(stock);
    repaint();
    live.show(source.live ? [...seatState.values()].map((s) => s.status) : stock);
  }

  // One read at a time: a refresh asked for during another runs after it, so it sees later changes.
  let queue = Promise.resolve();
  const refresh = () => {
    queue = queue.catch(() => {}).then(load);
    return queue;
  };
  const live = liveBar(ctx, () => refresh());

  /** Apply a change's report locally when there is no live seat map. */
  function applyLocally(ids, report, change, quota) {
    if (source.live) return;
    const refused = new Set(report.refused.map((r) => r.seat_id));
    for (const id of ids) {
      const s = seatState.get(id);
      if (!s || refused.has(id)) continue;
      if (change === "block") s.status = "blocked";
      else if (change === "unblock") s.status = "free";
      else s.quota = quota;
      if (change !== "move") s.local = true;
    }
  }

  const exports = exportStatus(ctx, performanceId); // each distributor's last export of the performance
  fill(root, head, problem,
    h("div", { class: "row plan-controls" },
      modeSwitch("stock-colour-by", ["status", "category", "quota"], mode, (next) => { mode = next; repaint(); })),
    live.node,
    note,
    h("div", { class: "plan-layout" },
      h("div", { class: "plan-main" }, view.node),
      h("aside", { class: "plan-side" },
        view.selectionPanel,
        ctx.can("inventory", "modify")
          ? stockPanel(ctx, view, base, quotas, problem, async (ids, report, change, quota) => {
            applyLocally(ids, report, change, quota);
            await refresh();
            await offerExport(ctx, report.export_suggested, exports); // the seed's "export now?"
          }) : null,
        exports.node)),
    h("h2", {}, "Counts"), counts);
  await refresh();
  pollLive(ctx, live, refresh);
}
