// Cart screen (#/carts, #/carts/<cart id>): one cart of the organisation, as its buyer sees it: who owns
// it, its places and prices, the total, when its holds lapse, and the order it became. The live stock
// links here from a seat "in a cart" (events-stock.js).

import { api, seg } from "./api.js";
import { centsText, subPath } from "./crud.js";
import { clearErrors, errorBox, field, fill, h, showError } from "./dom.js";
import { label } from "./rights.js";
import { organisationZone } from "./organisation-zone.js";
import { localTimeLabelled } from "./time-zones.js";

const ID = "carts";
const OWNERS = {
  guest: "Guest (no account)",
  shopper: "Shopper (shop account)",
  operator: "Operator (box office)",
};

export default {
  id: ID,
  title: "Cart",
  area: "orders",
  async render(root, ctx) {
    const [cartId] = subPath();
    const problem = errorBox("cart-error");
    const detail = h("section", { class: "card", id: "cart-detail", "aria-live": "polite", hidden: true });
    const input = h("input", {
      name: "cart_id", id: "cart-id", required: true, maxlength: 64, autocomplete: "off", spellcheck: "false",
    });
    const form = h("form", { id: "cart-search", role: "search", "aria-label": "Open a cart" },
      h("div", { class: "row" }, field("Cart id", input, "As the live stock shows it for a seat in a cart.")),
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "cart-open" }, "Open")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const wanted = input.value.trim();
      if (wanted) showCart(ctx, detail, problem, wanted);
    });
    fill(root,
      h("p", { class: "muted" }, "A cart holds seats for a buyer until they check out or its holds lapse. ",
        "Open one from a seat \u201cin a cart\u201d on a performance's live stock, or by its id."),
      form, problem, detail);
    if (cartId) {
      input.value = cartId;
      await showCart(ctx, detail, problem, cartId);
    }
  },
};

function place(line) {
  if (line.area) return `Standing: ${line.area}`;
  return [line.block && `block ${line.block}`, line.row && `row ${line.row}`, line.number && `seat ${line.number}`]
    .filter(Boolean).join(" · ") || line.seat_id || "–";
}

const money = (cents, currency) => `${centsText(cents)} ${currency || ""}`.trim();

function badge(status) {
  const kind = { open: "run", ordered: "ok", lapsed: "bad" }[status] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "status", "data-status": status }, label(status));
}

async function showCart(ctx, detail, problem, cartId) {
  clearErrors(problem);
  let answer;
  let zone;
  try {
    [answer, zone] = await Promise.all([api.get(`/backoffice/carts/${seg(cartId)}`), organisationZone()]);
  } catch (error) {
    if (!ctx.signal.aborted) {
      detail.hidden = true;
      showError(problem, error);
    }
    return;
  }
  if (ctx.signal.aborted) return;
  history.replaceState(null, "", `#/${ID}/${seg(cartId)}`);
  ctx.setTitle("Cart", cartId);
  const { cart } = answer;
  const performances = new Map(answer.performances.map((p) => [p.performance_id, p]));
  // The cart's times on its venue's clock when its performances share one, else the organisation's.
  const zones = new Set(answer.performances.map((p) => p.timezone));
  const cartZone = zones.size === 1 ? [...zones][0] : zone;
  const at = (iso) => (iso ? localTimeLabelled(iso, cartZone) : "–");
  const cur = cart.totals.currency;
  const lapsed = cart.status === "open" && cart.expires_at && new Date(cart.expires_at) <= new Date();
  const shown = (performanceId) => {
    const p = performances.get(performanceId);
    if (!p) return performanceId;
    const text = [p.event_name, p.starts_at && localTimeLabelled(p.starts_at, p.timezone)].filter(Boolean).join(" · ");
    return p.event_id && ctx.can("catalog", "read")
      ? h("a", { href: `#/events/${seg(p.event_id)}/${seg(p.performance_id)}`, "data-action": "stock",
        title: "Live stock of this performance" }, text)
      : text;
  };
  const order = cart.order_id
    ? h("a", { href: `#/orders/${seg(cart.order_id)}`, id: "cart-order", "data-action": "order" }, cart.order_id)
    : "None yet";
  const pairs = [
    ["Status", badge(lapsed ? "lapsed" : cart.status)],
    ["Owner", OWNERS[answer.owner_kind] || answer.owner_kind],
    ["Created", at(answer.created_at)],
    ["Holds expire", cart.status === "open" ? h("span", { id: "cart-expires" }, at(cart.expires_at)) : "–"],
    ["Order", order],
    cart.delivery_method ? ["Delivery", label(cart.delivery_method)] : null,
    ["Tickets", money(cart.totals.tickets, cur)],
    cart.totals.promo_discount ? ["Promo discount", money(-cart.totals.promo_discount, cur)] : null,
    ["Booking fee", money(cart.totals.booking_fee, cur)],
    ["Delivery fee", money(cart.totals.delivery_fee, cur)],
    ["Total", h("strong", { id: "cart-total" }, money(cart.totals.total, cur))],
  ].filter(Boolean);
  const rows = cart.lines.map((line) => h("tr", { "data-line": line.line_id, "data-seat": line.seat_id || "" },
    h("td", {}, shown(line.performance_id)),
    h("td", {}, place(line)),
    h("td", {}, answer.category_names[line.category_id] || line.category_id || "–"),
    h("td", { class: "num" }, money(line.unit_price, cur))));
  fill(detail,
    h("h2", { id: "cart-detail-title" }, "Cart ", h("code", { id: "cart-id-shown" }, cart.cart_id)),
    h("dl", { class: "pairs", id: "cart-summary" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h3", {}, "Places"),
    cart.lines.length
      ? h("div", { class: "scroll" }, h("table", { id: "cart-lines", "data-testid": "cart-lines" },
        h("caption", { class: "sr-only" }, "The cart's seats or standing places and their prices"),
        h("thead", {}, h("tr", {}, ["Performance", "Place", "Category", "Price"].map((c) =>
          h("th", { scope: "col", class: c === "Price" ? "num" : null }, c)))),
        h("tbody", {}, rows)))
      : h("p", { class: "muted", id: "cart-lines" }, "Empty."));
  detail.hidden = false;
}
