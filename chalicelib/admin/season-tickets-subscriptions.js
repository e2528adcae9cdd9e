// One season ticket's subscriptions (#/season-tickets/<id>/subscriptions): who bought it, their seat
// category and audience, and per performance the seat and amount. Times are on the venue's clock.

import { api, seg } from "./api.js";
import { centsText, nameOf, refCache } from "./crud.js";
import { errorBox, fill, h } from "./dom.js";
import { label } from "./rights.js";
import { localTime, localTimeLabelled, venueZones } from "./time-zones.js";
import { BASE } from "./season-tickets-form.js";

const LIST = "/backoffice/season-ticket-subscriptions";
const STATUS_BADGE = { paid: "ok", confirmed: "ok", active: "ok", pending: "run", reserved: "run", cancelled: "off" };

/** Every subscription of a product (following `next`); null when the server has no such list yet. */
async function subscriptionsOf(productId) {
  const items = [];
  let next = null;
  do {
    const query = new URLSearchParams({ season_ticket_id: productId, limit: "500" });
    if (next) query.set("cursor", next);
    let page;
    try {
      page = await api.get(`${LIST}?${query}`);
    } catch (error) {
      if (error.status === 404 && !items.length) return null;
      throw error;
    }
    items.push(...(page.items || []));
    next = page.next;
  } while (next && items.length < 5000);
  return items;
}

export async function subscriptionsScreen(root, ctx, productId) {
  const cache = refCache();
  const problem = errorBox("subscriptions-error");
  const [product, subscriptions, zones, categories, subcategories, performances] = await Promise.all([
    api.get(`${BASE}/${seg(productId)}`), subscriptionsOf(productId), venueZones(cache),
    cache.byId("seat-categories").catch(() => new Map()), cache.byId("audience-subcategories").catch(() => new Map()),
    cache.byId("performances").catch(() => new Map()),
  ]);
  if (ctx.signal.aborted) return;
  ctx.setTitle("Subscriptions", product.name);
  const zone = zones.one || "UTC";
  const lineNames = new Map(product.lines.map((line) => [line.id, line.name]));
  const named = (map, id) => (id ? nameOf(map.get(id)) || id : "–");

  const performanceItem = (p) => {
    const found = performances.get(p.performance_id);
    const when = found ? localTimeLabelled(found.starts_at, zones.ofPerformance(found)) : p.performance_id;
    return h("li", { "data-performance": p.performance_id },
      `${lineNames.get(p.line_id) || p.line_id} · ${when} · ${named(categories, p.seat_category_id)}`,
      p.seat_id ? ` · seat ${p.seat_id}` : "", ` · ${centsText(p.amount)}`);
  };

  let body;
  if (subscriptions === null) {
    body = h("p", { "data-testid": "empty", id: "subscriptions-unavailable" },
      "The list of subscriptions is not available on this server yet.");
  } else if (!subscriptions.length) {
    body = h("p", { "data-testid": "empty" }, "Nobody has bought this season ticket yet.");
  } else {
    const sorted = [...subscriptions].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    body = h("table", { id: "subscriptions-table", "data-testid": "subscriptions-table" },
      h("caption", { class: "sr-only" }, `Subscriptions of ${product.name}`),
      h("thead", {}, h("tr", {},
        ["Buyer", "Status", "Audience", "Seat category", "Performances", "Total", `Bought (${zone})`, "Order"]
          .map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, sorted.map((s) => h("tr", { "data-id": s.subscription_id },
        h("td", { "data-col": "buyer" }, s.buyer_name || "–", s.email ? h("br") : null, s.email || ""),
        h("td", { "data-col": "status" }, h("span", { class: `badge ${STATUS_BADGE[s.status] || "off"}`, "data-status": s.status }, label(s.status || ""))),
        h("td", { "data-col": "audience" }, named(subcategories, s.audience_subcategory_id)),
        h("td", { "data-col": "category" }, named(categories, s.seat_category_id)),
        h("td", { "data-col": "performances" }, h("ul", { class: "plain" }, (s.performances || []).map(performanceItem))),
        h("td", { "data-col": "total", class: "num" }, centsText(s.total)),
        h("td", { "data-col": "created", title: s.created_at }, localTime(s.created_at, zone)),
        h("td", { "data-col": "order" }, s.order_id ? h("code", {}, s.order_id) : "–")))));
  }
  const total = (subscriptions || []).reduce((sum, s) => sum + (Number(s.total) || 0), 0);
  fill(root,
    h("p", { class: "muted", id: "subscriptions-head" }, h("strong", {}, product.name), ` · ${product.code} · `,
      h("a", { href: `#/season-tickets/${seg(product.id)}` }, "The season ticket"), " · ",
      h("a", { href: "#/season-tickets" }, "All season tickets")),
    problem,
    subscriptions && subscriptions.length
      ? h("p", { id: "subscriptions-summary" }, `${subscriptions.length} subscription(s), ${centsText(total)} in all.`) : null,
    h("section", { class: "card", "aria-label": "Subscriptions list" }, h("div", { class: "scroll" }, body)));
}
