// Seating plans screen: import a plan (CSV or JSON, pasted or picked), list the plans, and a plan's
// view (#/seating-plans/<plan>/<layout>): the plan drawn, coloured by a layout's categories or
// quotas, with the selected seats assigned to a seat category or a quota, and the layout's counts.

import { api, seg } from "./api.js";
import { readField, tableField } from "./crud-form.js";
import { crudSection, nameOf, refCache, subPath } from "./crud.js";
import { checkRequired, clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { NO_QUOTA, drawPlan, modeSwitch, paletteFor } from "./plan-svg.js";

const ID = "seating-plans";

export default {
  id: ID,
  title: "Seating plans",
  area: "catalog",
  async render(root, ctx) {
    const [planId, layoutId] = subPath();
    if (planId) return planScreen(root, ctx, planId, layoutId);
    const cache = refCache();
    const plans = crudSection(ctx, {
      plural: "seating-plans",
      noun: "seating plan",
      title: "Plans",
      creatable: false,
      editable: false,
      columns: ["code", "name", "hall_id", "seat_count", "areas"],
      fields: [
        { name: "code" },
        { name: "name" },
        { name: "hall_id", label: "Hall", type: "ref", kind: "halls" },
        { name: "seat_count", label: "Seats", type: "int", listOnly: true, render: (_, item) => item.state?.seat_count ?? "–" },
        {
          name: "areas", label: "Standing areas", listOnly: true,
          render: (areas) => (areas?.length ? areas.map((a) => `${a.name} (${a.capacity})`).join(", ") : "–"),
        },
      ],
      rowActions: (item) => h("a", {
        class: "button small", href: `#/${ID}/${seg(item.id)}`, "data-action": "open",
        "aria-label": `Open plan ${nameOf(item)}`,
      }, "Open"),
    }, cache);
    fill(root,
      h("p", { class: "muted" },
        "A seating plan is a hall's physical seats; a layout assigns them to seat categories and quotas."),
      ctx.can("catalog", "create") ? importCard(ctx, cache) : null,
      plans.node);
    await plans.load();
  },
};

// ---- import ---------------------------------------------------------------------------------------

const AREAS_FIELD = {
  name: "areas", label: "Standing areas", type: "table",
  hint: "For a CSV plan (a JSON plan may list them itself).",
  fields: [{ name: "code", maxlength: 32 }, { name: "name" }, { name: "capacity", type: "int", min: 1 }],
};

function importCard(ctx, cache) {
  const problem = errorBox("plan-import-error");
  const hall = h("select", { id: "plan-hall", name: "hall_id", required: true },
    h("option", { value: "" }, "— choose —"));
  cache.list("halls").then((halls) => {
    for (const item of halls) hall.append(h("option", { value: item.id }, nameOf(item)));
  }, (error) => showError(problem, error));
  const content = h("textarea", {
    id: "plan-content", name: "content", rows: 8, required: true, spellcheck: "false", class: "code",
    placeholder: "zone,block,row,number,x,y,category,quota\nA,1,1,1,10,10,CAT1,BOX",
  });
  const format = h("select", { id: "plan-format", name: "format" },
    h("option", { value: "csv" }, "CSV"), h("option", { value: "json" }, "JSON"));
  const file = h("input", { type: "file", id: "plan-file", accept: ".csv,.json,text/csv,application/json" });
  const withLayout = h("input", { type: "checkbox", id: "plan-with-layout", name: "with_layout" });
  const layoutCode = h("input", { id: "plan-layout-code", name: "layout", maxlength: 32, autocomplete: "off" });
  const layoutName = h("input", { id: "plan-layout-name", name: "layout_name", maxlength: 200, autocomplete: "off" });
  const layoutFields = h("div", { class: "row", id: "plan-layout-fields", hidden: true },
    field("Layout code", layoutCode), field("Layout name", layoutName));
  const guess = () => {
    const text = content.value.trimStart();
    format.value = text.startsWith("{") ? "json" : "csv";
    const header = text.split("\n", 1)[0].toLowerCase();
    if (format.value === "csv" && /(^|[,;])\s*(category|quota)\s*([,;]|$)/.test(header) && !withLayout.checked) {
      withLayout.checked = true;
      layoutFields.hidden = false;
    }
  };
  content.addEventListener("change", guess);
  content.addEventListener("paste", () => setTimeout(guess));
  withLayout.addEventListener("change", () => { layoutFields.hidden = !withLayout.checked; });
  file.addEventListener("change", async () => {
    const picked = file.files[0];
    if (!picked) return;
    content.value = await picked.text();
    guess();
    if (/\.json$/i.test(picked.name)) format.value = "json";
    const base = picked.name.replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 32);
    const code = form.querySelector("#plan-code");
    if (!code.value) code.value = base;
  });
  const form = h("form", { id: "plan-import", novalidate: true, "aria-labelledby": "plan-import-title" },
    problem,
    h("div", { class: "row" },
      field("Hall", hall),
      field("Code", h("input", { id: "plan-code", name: "code", required: true, maxlength: 32, autocomplete: "off" })),
      field("Name", h("input", { id: "plan-name", name: "name", required: true, maxlength: 200, autocomplete: "off" }))),
    field("Plan file", file, "A .csv or .json file; its text goes in the box below."),
    h("div", { class: "row" }, field("Format", format)),
    field("Plan content", content,
      "CSV header: zone,block,row,number,x,y[,rank][,accessible][,category][,quota] — or the JSON document " +
      "{\"blocks\": [{\"zone\", \"block\", \"seats\": [{\"row\", \"number\", \"x\", \"y\"}]}]}."),
    tableField("plan", AREAS_FIELD, []),
    h("div", { class: "field", "data-field": "layout" },
      h("label", { class: "check" }, withLayout, " Also create a layout from the file's category and quota columns"),
      h("p", { class: "hint" }, "The columns hold seat category and quota codes; they must exist.")),
    layoutFields,
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "plan-import-submit" }, "Import plan")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    layoutCode.required = layoutName.required = withLayout.checked;
    if (!checkRequired(form, problem)) return;
    const areas = readField(form, AREAS_FIELD);
    if (areas.error) return showError(problem, { message: areas.error, fields: [{ field: "areas", reason: areas.error }] }, form);
    let body;
    try {
      body = {
        hall_id: hall.value,
        code: form.querySelector("#plan-code").value.trim(),
        name: form.querySelector("#plan-name").value.trim(),
        areas: areas.value,
        format: format.value,
        content: format.value === "json" ? JSON.parse(content.value) : content.value,
      };
    } catch (error) {
      return showError(problem, {
        message: "The plan is not valid JSON.", fields: [{ field: "content", reason: String(error.message) }],
      }, form);
    }
    if (withLayout.checked) body.layout = { code: layoutCode.value.trim(), name: layoutName.value.trim() };
    await whileBusy(form.querySelector("#plan-import-submit"), async () => {
      try {
        const answer = await api.post("/backoffice/seating-plans/import", body);
        clearErrors(problem, form);
        ctx.notify(`Plan ${nameOf(answer.plan)} imported: ${answer.plan.state?.seat_count ?? "?"} seats.`);
        ctx.navigate(`${ID}/${seg(answer.plan.id)}${answer.layout ? `/${seg(answer.layout.id)}` : ""}`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  return h("section", { class: "card", id: "plan-import-section" },
    h("h2", { id: "plan-import-title" }, "Import a plan"), form);
}

// ---- one plan and its layouts --------------------------------------------------------------------

async function planScreen(root, ctx, planId, layoutId) {
  const [plan, drawing, layouts, categories, quotas] = await Promise.all([
    api.get(`/backoffice/seating-plans/${seg(planId)}`),
    api.get(`/backoffice/seating-plans/${seg(planId)}/seats`),
    api.get(`/backoffice/layouts?seating_plan_id=${seg(planId)}&limit=200`).then((page) => page.items),
    refCache().list("seat-categories"),
    refCache().list("quotas"),
  ]);
  if (ctx.signal.aborted) return;
  ctx.setTitle("Seating plan", nameOf(plan));
  const layout = layouts.find((item) => item.id === layoutId) || (layoutId ? null : layouts[0]) || null;
  const view = drawPlan({ id: "plan-svg", blocks: drawing.blocks, areas: drawing.areas, title: `Plan ${nameOf(plan)}` });
  const info = new Map(); // seat id -> {category, quota}
  const known = { categories, quotas };
  const names = {
    category: new Map(categories.map((c) => [c.id, c.name])),
    quota: new Map(quotas.map((q) => [q.id, q.name])),
    rank: new Map(categories.map((c) => [c.id, c.rank])),
  };
  let mode = "category";
  const repaint = () => view.paint((seat) => {
    const assigned = info.get(seat.seat_id);
    if (!assigned) return undefined;
    return mode === "quota" ? assigned.quota : assigned.category;
  }, paletteFor(mode, known));
  view.describe = (seat) => {
    const assigned = info.get(seat.seat_id);
    const where = `Seat ${seat.seat_id} · zone ${seat.zone}, block ${seat.block}, row ${seat.row}, no ${seat.number}`;
    if (!assigned) return `${where} · not for sale`;
    return `${where} · ${names.category.get(assigned.category) || assigned.category} · ` +
      `${assigned.quota ? names.quota.get(assigned.quota) || assigned.quota : "no quota"}`;
  };
  const summary = h("div", { id: "layout-summary", "aria-live": "polite" });

  async function loadLayout() {
    if (!layout) return;
    const [assignments, counts] = await Promise.all([
      api.get(`/backoffice/layouts/${seg(layout.id)}/assignments`),
      api.get(`/backoffice/layouts/${seg(layout.id)}/summary`),
    ]);
    if (ctx.signal.aborted) return;
    info.clear();
    for (const block of assignments.blocks) {
      for (const [seatId, a] of Object.entries(block.seats)) {
        info.set(seatId, { category: a.seat_category_id, quota: a.quota_id ?? NO_QUOTA });
      }
    }
    repaint();
    renderSummary(summary, counts, names);
  }

  const problem = errorBox("plan-error");
  const head = h("p", { class: "lead", id: "plan-head" },
    h("strong", {}, nameOf(plan)), ` · ${plan.state?.seat_count ?? view.seats.length} seats in `,
    `${drawing.blocks.length} blocks`, drawing.areas.length ? ` · ${drawing.areas.length} standing areas` : "",
    " · ", h("a", { href: `#/${ID}` }, "All plans"));
  const layoutSelect = h("select", {
    id: "layout-select", onchange: (event) => ctx.navigate(`${ID}/${seg(planId)}/${seg(event.currentTarget.value)}`),
  }, layouts.length ? layouts.map((item) => h("option", { value: item.id, selected: item === layout }, nameOf(item)))
    : h("option", { value: "" }, "No layout yet"));
  fill(root,
    head, problem,
    h("div", { class: "row plan-controls" },
      field("Layout", layoutSelect),
      modeSwitch("plan-colour-by", ["category", "quota"], mode, (next) => { mode = next; repaint(); })),
    ctx.can("catalog", "create") ? newLayoutForm(ctx, planId) : null,
    h("div", { class: "plan-layout" },
      h("div", { class: "plan-main" }, view.node),
      h("aside", { class: "plan-side" },
        view.selectionPanel,
        layout && ctx.can("catalog", "modify") ? assignPanel(ctx, view, layout, known, loadLayout, problem) : null,
        h("h2", {}, "Counts"), summary)));
  if (!layout) {
    repaint();
    fill(summary, h("p", { class: "muted" }, "Create a layout to assign the seats to categories and quotas."));
  }
  await loadLayout();
}

function newLayoutForm(ctx, planId) {
  const problem = errorBox("layout-create-error");
  const form = h("form", { id: "layout-create", class: "inline-form", novalidate: true },
    problem,
    h("div", { class: "row" },
      field("Code", h("input", { id: "layout-code", name: "code", required: true, maxlength: 32, autocomplete: "off" })),
      field("Name", h("input", { id: "layout-name", name: "name", required: true, maxlength: 200, autocomplete: "off" }))),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "layout-create-submit" }, "Create layout")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    await whileBusy(form.querySelector("#layout-create-submit"), async () => {
      try {
        const created = await api.post("/backoffice/layouts", {
          seating_plan_id: planId,
          code: form.querySelector("#layout-code").value.trim(),
          name: form.querySelector("#layout-name").value.trim(),
        });
        ctx.notify(`Layout ${nameOf(created)} created: its seats are not for sale until assigned.`);
        ctx.navigate(`${ID}/${seg(planId)}/${seg(created.id)}`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  return h("details", { class: "card", id: "layout-create-section" }, h("summary", {}, "New layout"), form);
}

function assignPanel(ctx, view, layout, { categories, quotas }, reload, problem) {
  const category = h("select", { id: "assign-category" },
    [...categories].sort((a, b) => a.rank - b.rank).map((c) => h("option", { value: c.id }, nameOf(c))),
    h("option", { value: "" }, "— not for sale —"));
  const quota = h("select", { id: "assign-quota" },
    quotas.map((q) => h("option", { value: q.id }, nameOf(q))),
    h("option", { value: "" }, "— no quota (general stock) —"));
  const result = h("p", { id: "assign-result", class: "status", role: "status" });
  const buttons = [];
  async function assign(button, change) {
    const ids = view.selectedIds();
    clearErrors(problem);
    await whileBusy(button, async () => {
      try {
        const answer = await api.post(`/backoffice/layouts/${seg(layout.id)}/assignments`, {
          ...change, selection: { seat_ids: ids },
        });
        result.textContent = `${answer.changed} of ${answer.selected} seats changed` +
          (answer.skipped ? `; ${answer.skipped} skipped (no seat category)` : "") + ".";
        ctx.notify(result.textContent);
        await reload();
      } catch (error) {
        showError(problem, error);
      }
    });
  }
  const make = (text, id, change) => {
    const button = h("button", { type: "button", class: "primary", id, disabled: true,
      onclick: (event) => assign(event.currentTarget, change()) }, text);
    buttons.push(button);
    return button;
  };
  view.onSelect((count) => { for (const button of buttons) button.disabled = !count; });
  return h("section", { class: "card side-card", id: "assign-panel", "aria-labelledby": "assign-title" },
    h("h2", { id: "assign-title" }, "Assign the selection"),
    h("p", { class: "muted" }, `Layout ${nameOf(layout)}.`),
    field("Seat category", category),
    h("div", { class: "buttons compact" },
      make("Assign category", "assign-category-submit", () => ({ seat_category_id: category.value || null }))),
    field("Quota", quota),
    h("div", { class: "buttons compact" },
      make("Assign quota", "assign-quota-submit", () => ({ quota_id: quota.value || null }))),
    result);
}

function renderSummary(box, counts, names) {
  const row = (label, value, attrs = {}) => h("tr", attrs, h("th", { scope: "row" }, label), h("td", { class: "num" }, String(value)));
  fill(box,
    h("table", { class: "counts", "data-testid": "layout-summary" },
      h("caption", { class: "sr-only" }, "Seats of the layout"),
      h("tbody", {},
        row("Seats in the plan", counts.seat_count, { "data-count": "seat_count" }),
        row("For sale (with a category)", counts.assigned, { "data-count": "assigned" }),
        row("Not for sale", counts.unassigned, { "data-count": "unassigned" }))),
    h("h3", {}, "Per seat category"),
    h("table", { class: "counts", "data-testid": "summary-categories" },
      h("tbody", {}, [...counts.seat_categories].sort((a, b) =>
        (names.rank.get(a.seat_category_id) ?? 99) - (names.rank.get(b.seat_category_id) ?? 99)).map((c) =>
        row(names.category.get(c.seat_category_id) || c.seat_category_id, c.seats, { "data-category": c.seat_category_id })))),
    h("h3", {}, "Per quota"),
    h("table", { class: "counts", "data-testid": "summary-quotas" },
      h("tbody", {}, counts.quotas.map((q) =>
        row(q.quota_id ? names.quota.get(q.quota_id) || q.quota_id : "No quota", q.seats, { "data-quota": q.quota_id ?? "" })))),
    counts.areas.length || counts.unassigned_areas.length ? [
      h("h3", {}, "Standing areas"),
      h("table", { class: "counts" }, h("tbody", {},
        counts.areas.map((a) => row(`${a.area} (${names.category.get(a.seat_category_id) || a.seat_category_id})`,
          `${a.quota_places} / ${a.capacity}`)),
        counts.unassigned_areas.map((code) => row(code, "not for sale")))),
    ] : null);
}
