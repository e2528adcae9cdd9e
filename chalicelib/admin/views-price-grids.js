// Price grids screen: the grids (code, name, currency) and, per grid, a matrix editor of its prices:
// one row per seat category, one column per audience subcategory; amounts typed in currency units
// (shown with 2 decimals) and sent as integer cents. An empty cell has no price.

import { api, seg } from "./api.js";
import { centsText, crudSection, nameOf, parseCents, refCache } from "./crud.js";
import { errorBox, fill, h, showError, whileBusy } from "./dom.js";

export default {
  id: "price-grids",
  title: "Price grids",
  area: "catalog",
  async render(root, ctx) {
    const cache = refCache();
    const editor = h("section", { class: "card", id: "price-matrix-section", hidden: true, "aria-labelledby": "price-matrix-title" });
    const grids = crudSection(ctx, {
      plural: "price-grids",
      noun: "price grid",
      columns: ["code", "name", "currency", "prices"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "currency", required: true, default: "EUR", maxlength: 3, hint: "Three capital letters, e.g. EUR." },
        { name: "prices", listOnly: true, render: (prices) => `${prices?.length || 0} prices` },
      ],
      rowActions: (item, section) => h("button", {
        type: "button", class: "small primary", "data-action": "prices", "aria-label": `Prices of ${nameOf(item)}`,
        onclick: () => openMatrix(ctx, cache, editor, item, section),
      }, "Prices"),
    }, cache);
    fill(root,
      h("p", { class: "muted" }, "A price grid gives the price per seat category and audience subcategory."),
      grids.node, editor);
    await grids.load();
  },
};

async function openMatrix(ctx, cache, editor, grid, section) {
  const problem = errorBox("price-matrix-error");
  let categories;
  let subcategories;
  let audiences;
  try {
    [categories, subcategories, audiences] = await Promise.all([
      cache.list("seat-categories"), cache.list("audience-subcategories"), cache.byId("audience-categories"),
    ]);
  } catch (error) {
    ctx.showError(error);
    return;
  }
  if (ctx.signal.aborted) return;
  const rows = [...categories].sort((a, b) => a.rank - b.rank);
  // Columns grouped by audience category, in the order of the categories' names.
  const groupName = (sub) => nameOf(audiences.get(sub.audience_category_id)) || sub.audience_category_id;
  const columns = [...subcategories].sort((a, b) =>
    groupName(a).localeCompare(groupName(b)) || String(a.code).localeCompare(String(b.code)));
  const groups = [];
  for (const sub of columns) {
    const last = groups[groups.length - 1];
    if (last && last.id === sub.audience_category_id) last.span++;
    else groups.push({ id: sub.audience_category_id, name: groupName(sub), span: 1 });
  }
  const amount = new Map(grid.prices.map((p) => [`${p.seat_category_id}|${p.audience_subcategory_id}`, p.amount]));
  const shownCells = new Set();
  const table = h("table", { class: "matrix", id: "price-matrix", "data-testid": "price-matrix" },
    h("caption", {}, `Prices in ${grid.currency}, per seat category (rows) and audience subcategory (columns)`),
    h("thead", {},
      h("tr", {}, h("td", {}), groups.map((g) => h("th", { scope: "colgroup", colspan: g.span }, g.name))),
      h("tr", {}, h("th", { scope: "col" }, "Seat category"),
        columns.map((sub) => h("th", { scope: "col", "data-sub": sub.id }, sub.name)))),
    h("tbody", {}, rows.map((cat) => h("tr", { "data-category": cat.id },
      h("th", { scope: "row" },
        h("span", { class: "swatch", style: `background:${cat.colour}`, "aria-hidden": "true" }), " ", cat.name),
      columns.map((sub) => {
        const key = `${cat.id}|${sub.id}`;
        shownCells.add(key);
        return h("td", {}, h("input", {
          class: "money", inputmode: "decimal", autocomplete: "off", "data-category": cat.id, "data-sub": sub.id,
          "aria-label": `${cat.name} · ${groupName(sub)} · ${sub.name}`, value: centsText(amount.get(key)),
          onchange: (event) => {
            const cents = parseCents(event.currentTarget.value);
            if (cents !== null && !Number.isNaN(cents)) event.currentTarget.value = centsText(cents);
          },
        }));
      })))));
  const save = h("button", { type: "submit", class: "primary", id: "price-matrix-save" }, "Save prices");
  const form = h("form", { id: "price-matrix-form", novalidate: true }, problem,
    rows.length && columns.length
      ? h("div", { class: "scroll" }, table)
      : h("p", {}, "Define seat categories and audience subcategories first."),
    h("p", { class: "hint" }, "Amounts such as 25 or 12.50; leave a cell empty for no price."),
    h("div", { class: "buttons" },
      ctx.can("catalog", "modify") ? save : null,
      h("button", { type: "button", id: "price-matrix-close", onclick: () => { editor.hidden = true; } }, "Close")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const node of form.querySelectorAll(".matrix [aria-invalid]")) node.removeAttribute("aria-invalid");
    const prices = [];
    const inputs = [];
    const wrong = [];
    for (const input of form.querySelectorAll("input.money")) {
      const cents = parseCents(input.value);
      if (cents === null) continue;
      if (Number.isNaN(cents)) {
        wrong.push(input);
        continue;
      }
      prices.push({ seat_category_id: input.dataset.category, audience_subcategory_id: input.dataset.sub, amount: cents });
      inputs.push(input);
    }
    // Prices of categories or subcategories this grid does not show (deleted since) are kept.
    prices.push(...grid.prices.filter((p) => !shownCells.has(`${p.seat_category_id}|${p.audience_subcategory_id}`)));
    if (wrong.length) {
      for (const input of wrong) input.setAttribute("aria-invalid", "true");
      showError(problem, { message: `${wrong.length} amount(s) are not numbers such as 12.50: ${wrong.map((i) => i.getAttribute("aria-label")).join("; ")}.` });
      wrong[0].focus();
      return;
    }
    const { id, version, created_at: _c, updated_at: _u, state: _s, ...data } = grid;
    await whileBusy(save, async () => {
      try {
        const saved = await api.put(`/backoffice/price-grids/${seg(id)}?version=${version}`, { ...data, prices });
        ctx.notify(`Prices of ${nameOf(saved)} saved: ${saved.prices.length} prices.`);
        grid = saved;
        fill(problem);
        problem.hidden = true;
        await section.reload();
        openMatrix(ctx, cache, editor, saved, section);
      } catch (error) {
        // "prices.3.amount" names the 4th price sent: mark its cell.
        for (const f of error.fields || []) {
          const match = /^prices\.(\d+)/.exec(f.field);
          if (match && inputs[Number(match[1])]) inputs[Number(match[1])].setAttribute("aria-invalid", "true");
        }
        showError(problem, error);
      }
    });
  });
  fill(editor, h("h2", { id: "price-matrix-title" }, `Prices of ${nameOf(grid)}`), form);
  editor.hidden = false;
  editor.scrollIntoView({ block: "nearest" });
  form.querySelector("input.money")?.focus();
}
