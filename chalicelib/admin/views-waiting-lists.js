// Waiting lists screen: the sold-out performances shoppers wait for, each list's entries in order
// with what they asked for, their offer (seats held until when) and status; an operator with
// orders:modify removes an entry or offers the seats free now without waiting for the next run.

import { api, seg } from "./api.js";
import { confirmAction, errorBox, fill, formatTime, h, showError, whileBusy } from "./dom.js";

const STATUSES = ["waiting", "offered", "bought", "lapsed", "left", "removed", "closed"];

export default {
  id: "waiting-lists",
  title: "Waiting lists",
  area: "orders",
  async render(root, ctx) {
    const problem = errorBox("waiting-lists-error");
    const detail = h("section", { id: "waiting-list-detail", "aria-live": "polite" });
    const table = h("div", { id: "waiting-lists" }, h("p", { class: "muted" }, "Loading…"));
    fill(root,
      h("p", { class: "muted" },
        "Shoppers wait for sold-out performances. Seats that come back are offered in order of arrival, "
        + "each offer held for the hours the channel sets; an unused offer passes to the next entry."),
      problem, table, detail);
    const open = (performanceId) => showList(ctx, detail, performanceId, () => load());
    const load = async () => {
      try {
        const { lists } = await api.get("/backoffice/waiting-lists");
        if (!ctx.signal.aborted) fill(table, listsTable(lists, open));
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error);
      }
    };
    await load();
  },
};

function listsTable(lists, open) {
  if (!lists.length) return h("p", { class: "muted", id: "waiting-lists-empty" }, "No waiting list yet.");
  return h("table", { id: "waiting-lists-table" },
    h("thead", {}, h("tr", {},
      ["Event", "Performance", "Starts", "List", ...STATUSES].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, lists.map((list) => h("tr", { "data-performance": list.performance_id },
      h("td", {}, h("button", { type: "button", class: "link", onclick: () => open(list.performance_id) },
        list.event_name || list.performance_id)),
      h("td", {}, list.performance_code || "–"),
      h("td", {}, list.starts_at ? formatTime(list.starts_at) : "–"),
      h("td", {}, listStatus(list)),
      STATUSES.map((s) => h("td", { class: "num" }, String(list.counts[s] || 0)))))));
}

function listStatus(list) {
  if (list.status === "open") return "open";
  const why = list.closed_reason ? ` (${list.closed_reason})` : "";
  return `closed${why}${list.erased ? ", personal data erased" : ""}`;
}

async function showList(ctx, detail, performanceId, reload) {
  const problem = errorBox("waiting-list-error");
  fill(detail, h("p", { class: "muted" }, "Loading…"));
  let list;
  try {
    list = await api.get(`/backoffice/waiting-lists/${seg(performanceId)}`);
  } catch (error) {
    if (!ctx.signal.aborted) {
      fill(detail, problem);
      showError(problem, error);
    }
    return;
  }
  if (ctx.signal.aborted) return;
  const mayChange = ctx.can("orders", "modify") && list.status === "open";
  const refresh = () => { showList(ctx, detail, performanceId, reload); reload(); };
  const offerNow = mayChange
    ? h("button", { type: "button", id: "waiting-list-offer-now" }, "Offer free seats now")
    : null;
  if (offerNow) {
    offerNow.addEventListener("click", () => whileBusy(offerNow, async () => {
      try {
        const visit = await api.post(`/backoffice/waiting-lists/${seg(performanceId)}/offers`, {});
        if (ctx.signal.aborted) return;
        ctx.notify(`${visit.offered} offer(s) made, ${visit.seats_offered} seat(s) held.`);
        refresh();
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error);
      }
    }));
  }
  fill(detail,
    h("h2", {}, `${list.event_name || performanceId} ${list.performance_code ? `(${list.performance_code})` : ""}`),
    problem,
    offerNow ? h("div", { class: "buttons" }, offerNow) : null,
    list.entries.length
      ? h("table", { id: "waiting-list-entries" },
        h("thead", {}, h("tr", {},
          ["#", "Joined", "Shopper", "Asked", "Status", "Offer", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, list.entries.map((entry) => entryRow(ctx, entry, mayChange, performanceId, problem, refresh))))
      : h("p", { class: "muted" }, "No entries."));
}

function asked(entry) {
  const parts = [entry.min_quantity < entry.quantity ? `${entry.min_quantity}–${entry.quantity}` : `${entry.quantity}`];
  parts.push(entry.seat_category_id ? `category ${entry.seat_category_id}` : "any category");
  if (entry.accepts_seats_apart) parts.push("apart accepted");
  return parts.join(", ");
}

function offerText(offer) {
  if (!offer) return "–";
  const seats = offer.area
    ? `${offer.places} standing (${offer.area})`
    : offer.seats.map((s) => [s.block, s.row, s.number].filter(Boolean).join("-") || s.seat_id).join(", ");
  const until = formatTime(new Date(offer.expires_at * 1000).toISOString());
  return `${offer.status}: ${seats} until ${until}${offer.cart_id ? ` (cart ${offer.cart_id})` : ""}`;
}

function entryRow(ctx, entry, mayChange, performanceId, problem, refresh) {
  const live = entry.status === "waiting" || entry.status === "offered";
  let remove = null;
  if (mayChange && live) {
    remove = h("button", { type: "button", class: "danger", "data-entry": entry.entry_id }, "Remove");
    remove.addEventListener("click", async () => {
      if (!(await confirmAction(`Remove ${entry.name || "this entry"} from the waiting list?`, "Remove"))) return;
      whileBusy(remove, async () => {
        try {
          await api.del(`/backoffice/waiting-lists/${seg(performanceId)}/entries/${seg(entry.entry_id)}`);
          if (ctx.signal.aborted) return;
          ctx.notify("Entry removed.");
          refresh();
        } catch (error) {
          if (!ctx.signal.aborted) showError(problem, error);
        }
      });
    });
  }
  return h("tr", { "data-entry": entry.entry_id },
    h("td", { class: "num" }, entry.position ? String(entry.position) : "–"),
    h("td", {}, formatTime(entry.joined_at)),
    h("td", {}, entry.name ? `${entry.name} <${entry.email}>` : h("span", { class: "muted" }, "erased")),
    h("td", {}, asked(entry)),
    h("td", {}, entry.status),
    h("td", {}, offerText(entry.offer)),
    h("td", {}, remove));
}
