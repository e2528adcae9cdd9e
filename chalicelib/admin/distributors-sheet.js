// An interface's On-sale sheet tab: per event, what the distributor needs to put it on sale (our ids and
// codes, performance dates, the distributor's quota, seat categories, audience subcategories, prices)
// with the ids it gave us so far; downloaded as CSV (a mapping file to fill in) or PDF.

import { api, seg } from "./api.js";
import { centsText, listAll, nameOf } from "./crud.js";
import { download, interfacePath, num, table } from "./distributors-common.js";
import { seasonSelect } from "./distributors-mappings.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";

export async function sheetPanel(ctx, body, item) {
  const problem = errorBox("distributor-sheet-error");
  const { select: season } = await seasonSelect("distributor-sheet-season", ctx);
  const event = h("select", { id: "distributor-sheet-event", name: "event_id" });
  const shown = h("div", { id: "distributor-sheet", "aria-live": "polite" });
  const path = () => interfacePath(item.id, `on-sale-sheets/${seg(event.value)}`);
  let code = "";

  async function events() {
    const found = season.value ? await listAll("events", { season_id: season.value }).catch(() => []) : [];
    fill(event, h("option", { value: "" }, found.length ? "— choose an event —" : "— no event in this season —"),
      [...found].sort((a, b) => nameOf(a).localeCompare(nameOf(b))).map((e) => h("option", { value: e.id }, nameOf(e))));
    fill(shown);
  }

  async function load() {
    clearErrors(problem);
    if (!event.value) return fill(shown);
    try {
      const sheet = await api.get(path());
      if (ctx.signal.aborted) return;
      code = sheet.event.code;
      fill(shown, sheetView(sheet));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  const get = (format, accept) => async (e) => whileBusy(e.currentTarget, async () => {
    clearErrors(problem);
    if (!event.value) {
      showError(problem, { message: "Choose an event first." });
      return;
    }
    try {
      await download(`${path()}?format=${format}`, accept, `on-sale-sheet-${code || event.value}.${format}`);
      ctx.notify(`On-sale sheet downloaded as ${format.toUpperCase()}.`);
    } catch (error) {
      showError(problem, error);
    }
  });

  season.addEventListener("change", events);
  event.addEventListener("change", load);
  fill(body, h("section", { class: "card", "aria-labelledby": "distributor-sheet-title" },
    h("h2", { id: "distributor-sheet-title" }, "On-sale sheet"),
    h("p", { class: "muted" }, "Send it to the distributor to get its ids; its CSV comes back as a mapping file (Mappings tab)."),
    h("form", { id: "distributor-sheet-filters", role: "search", "aria-label": "Which event", onsubmit: (e) => e.preventDefault() },
      h("div", { class: "row" }, field("Season", season), field("Event", event))),
    h("div", { class: "buttons" },
      h("button", { type: "button", id: "distributor-sheet-csv", onclick: get("csv", "text/csv") }, "Download CSV"),
      h("button", { type: "button", id: "distributor-sheet-pdf", onclick: get("pdf", "application/pdf") }, "Download PDF")),
    problem, shown));
  await events();
}

function sheetView(sheet) {
  const theirs = (id) => id || h("span", { class: "badge bad" }, "Not mapped");
  const items = (id, caption, list) => table(id, caption, ["Code", "Name", "Distributor id"],
    list.map((x) => h("tr", { "data-id": x.id }, h("td", {}, x.code), h("td", {}, x.name), h("td", {}, theirs(x.distributor_id)))), "None.");
  return [
    h("p", { id: "distributor-sheet-event-line" }, h("strong", {}, `${sheet.event.name} (${sheet.event.code})`),
      " · distributor id: ", theirs(sheet.event.distributor_id)),
    h("h3", {}, "Performances"),
    table("distributor-sheet-performances", "Performances", ["Code", "Starts", "Status", "Distributor id", { text: "Quota seats", num: true }, { text: "Quota places", num: true }, "From"],
      sheet.performances.map((p) => h("tr", { "data-id": p.id },
        h("td", {}, p.code), h("td", {}, `${p.starts_at_local.slice(0, 16).replace("T", " ")} (${p.timezone})`),
        h("td", {}, p.status), h("td", {}, theirs(p.distributor_id)),
        num(p.quota.seats), num(p.quota.places), h("td", {}, p.quota.source))),
      "No performance."),
    h("h3", {}, "Seat categories"), items("distributor-sheet-categories", "Seat categories", sheet.seat_categories),
    h("h3", {}, "Audience subcategories"), items("distributor-sheet-audiences", "Audience subcategories", sheet.audience_subcategories),
    h("h3", {}, "Layouts"), items("distributor-sheet-layouts", "Layouts", sheet.layouts),
    h("h3", {}, `Prices (${sheet.currency})`),
    table("distributor-sheet-prices", "Prices", ["Seat category", "Audience subcategory", { text: "Price", num: true }],
      sheet.prices.map((p) => h("tr", {},
        h("td", {}, sheet.seat_categories.find((c) => c.id === p.seat_category_id)?.name || p.seat_category_id),
        h("td", {}, sheet.audience_subcategories.find((a) => a.id === p.audience_subcategory_id)?.name || p.audience_subcategory_id),
        num(centsText(p.amount)))), "No price."),
  ];
}
