// The renewal of a season ticket (#/season-tickets/<id>/renewal): next season's product offers last
// season's subscribers their seats as reservations until the window closes (entered on the venue's
// clock), payable or cancellable online at the chosen point of sale; then the report of renewed and not
// renewed subscribers with the reasons.

import { api, seg } from "./api.js";
import { centsText, nameOf, refCache } from "./crud.js";
import { errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { BASE } from "./season-tickets-form.js";
import { fromZoneInput, localTimeLabelled, toZoneInput, venueZones } from "./time-zones.js";

const AREA = "season_tickets";
const KEPT = { same_seat: "Same seat", best_in_category: "Best seat in the category" };
const REASONS = {
  line_not_in_new_product: "Their line is not in the new product",
  no_price: "No price for their audience subcategory and seat category",
  no_seat_in_category: "No seat left in their category",
  performance_not_on_sale: "The new performance is not open for sale",
  no_performance: "No performance to renew",
  seats_taken_meanwhile: "Their seats were taken meanwhile (a new run tries again)",
  failed: "The renewal failed (a new run tries again)",
};

const renewalPath = (id) => `${BASE}/${seg(id)}/renewal`;

export async function renewalScreen(root, ctx, productId) {
  const cache = refCache();
  const problem = errorBox("renewal-error");
  const [product, zones, performances, points] = await Promise.all([
    api.get(`${BASE}/${seg(productId)}`), venueZones(cache),
    cache.byId("performances").catch(() => new Map()), cache.list("points-of-sale").catch(() => []),
  ]);
  if (ctx.signal.aborted) return;
  ctx.setTitle("Renewal", product.name);
  const first = performances.get(product.lines[0]?.performance_ids?.[0]);
  const zone = first ? zones.ofPerformance(first) : zones.one || "UTC";
  const report = h("div", { id: "renewal-report" }, h("p", { class: "muted" }, "Loading…"));
  const head = h("p", { class: "muted", id: "renewal-head" }, h("strong", {}, product.name), ` · ${product.code} · `,
    h("a", { href: `#/season-tickets/${seg(product.id)}` }, "The season ticket"), " · ",
    h("a", { href: "#/season-tickets" }, "All season tickets"));
  if (!product.renews_id) {
    return fill(root, head, h("p", { id: "renewal-none", "data-testid": "empty" },
      "This season ticket renews no product: set the product it renews in its editor first."));
  }
  const when = (performanceId) => {
    const found = performances.get(performanceId);
    return found ? localTimeLabelled(found.starts_at, zones.ofPerformance(found)) : performanceId;
  };

  async function load() {
    const found = await api.get(renewalPath(productId));
    if (!ctx.signal.aborted) drawReport(found);
  }

  function drawReport(found) {
    const c = found.counts;
    const renewed = found.renewed.length ? h("table", { id: "renewal-renewed", "data-testid": "renewal-renewed" },
      h("caption", {}, `Renewed (${c.renewed})`),
      h("thead", {}, h("tr", {}, ["Subscriber", "Order", "Performances"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, found.renewed.map((r) => h("tr", { "data-id": r.subscription_id },
        h("td", {}, r.buyer_name || "–", r.email ? h("br") : null, r.email || ""),
        h("td", {}, r.order_id ? h("code", {}, r.order_id) : "–"),
        h("td", {}, h("ul", { class: "plain" }, r.performances.map((p) => h("li", { "data-kept": p.kept },
          `${when(p.performance_id)} · seat ${p.seat_ids.join(", ")} · ${KEPT[p.kept] || p.kept} · ${centsText(p.unit_price)}`)))))))) : null;
    const refused = found.not_renewed.length ? h("table", { id: "renewal-not-renewed", "data-testid": "renewal-not-renewed" },
      h("caption", {}, `Not renewed (${c.not_renewed})`),
      h("thead", {}, h("tr", {}, ["Subscriber", "Reason"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, found.not_renewed.map((r) => h("tr", { "data-id": r.subscription_id, "data-reason": r.reason },
        h("td", {}, r.buyer_name || "–", r.email ? h("br") : null, r.email || ""),
        h("td", {}, REASONS[r.reason] || r.reason))))) : null;
    fill(report,
      h("p", { id: "renewal-counts", tabindex: "-1" }, `${c.subscriptions} subscription(s): ${c.renewed} renewed, ` +
        `${c.not_renewed} not renewed, ${c.pending} not handled yet.`),
      renewed, refused,
      !renewed && !refused ? h("p", { "data-testid": "empty" }, "No renewal has been run yet.") : null);
  }

  let form = null;
  if (ctx.can(AREA, "execute")) {
    const closes = h("input", { type: "datetime-local", id: "renewal-closes-at", name: "closes_at", required: true });
    const pos = h("select", { id: "renewal-pos", name: "pos_code", required: true },
      points.map((p) => h("option", { value: p.code }, `${nameOf(p)} (${p.code})`)));
    const button = h("button", { type: "submit", class: "primary", id: "renewal-run" }, "Renew");
    form = h("form", { id: "renewal-form", class: "card", "aria-label": "Run the renewal" },
      h("p", { class: "muted" }, "Subscribers keep their seat where the layout and their category allow, else get the " +
        "best seat in their category; same seats are placed first. Each gets one reservation, payable or " +
        "cancellable online at the point of sale until the window closes. Running it again only finishes what was left."),
      field(`Renewal window closes (${zone})`, closes, "On the venue's clock: the reservations' deadline"),
      field("Point of sale", pos, "Its channel must let reservations be paid and cancelled online"),
      h("div", { class: "buttons" }, button));
    closes.value = toZoneInput(new Date(Date.now() + 14 * 86_400_000).toISOString(), zone);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      problem.hidden = true;
      const body = { closes_at: fromZoneInput(closes.value, zone), pos_code: pos.value };
      whileBusy(button, async () => {
        const found = await api.post(renewalPath(productId), body);
        drawReport(found);
        ctx.notify(`Renewal run: ${found.counts.renewed} renewed, ${found.counts.not_renewed} not renewed.`);
        report.querySelector("#renewal-counts")?.focus?.();
      }).catch((error) => showError(problem, error, form));
    });
  }
  fill(root, head, problem, form, h("section", { class: "card", "aria-label": "Renewal report" }, report));
  await load().catch((error) => showError(problem, error));
}
