// Runs of distributor functions (allotment export, sales reintegration, distributor counts): the history
// of all interfaces (the Distributors screen) and of one (its Runs tab) with status, counts, errors by
// category and the first error; a run's details; "run again"; and the "run now" form of an interface.

import { api, seg } from "./api.js";
import { listAll, nameOf } from "./crud.js";
import {
  AREA, BASE, badge, CATEGORIES, errorLine, FUNCTIONS, interfaceHref, interfacePath, listIn, num, table,
} from "./distributors-common.js";
import { salesFileForm } from "./distributors-sales-file.js";
import { clearErrors, errorBox, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";
import { label } from "./rights.js";

const LIVE = ["queued", "running"];
const POLL_MS = 2500;
const COUNT_LABELS = {
  performances: "performances", places: "places", released_performances: "released performances",
  released_seats: "released seats", read: "read", integrated: "integrated", already_integrated: "already integrated",
  cancelled: "cancelled", failed: "failed", counts_read: "counts read",
};

/** "12 places · 3 performances". */
export function countsLine(counts) {
  const parts = Object.entries(counts || {}).filter(([, n]) => n).map(([key, n]) => `${n} ${COUNT_LABELS[key] || label(key).toLowerCase()}`);
  return parts.length ? parts.join(" · ") : "–";
}

/**
 * A runs history in `box`: `path` lists them, `names` maps interface ids to names (the all-interfaces
 * list shows them). Polls while a run is queued or running. Returns {load()}.
 */
export function runsHistory(ctx, box, { path, names = null, id = "distributor-runs" }) {
  const problem = errorBox(`${id}-error`);
  const list = h("div", { id: `${id}-list` }, h("p", { class: "muted" }, "Loading…"));
  const detail = h("div", { id: `${id}-detail`, "aria-live": "polite" });
  let timer = null;

  async function load() {
    clearTimeout(timer);
    try {
      const runs = listIn(await api.get(path), "runs");
      if (ctx.signal.aborted) return;
      fill(list, runsTable(runs));
      if (runs.some((run) => LIVE.includes(run.status))) timer = setTimeout(load, POLL_MS);
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }
  ctx.signal.addEventListener("abort", () => clearTimeout(timer));

  function runsTable(runs) {
    const heads = ["Queued", ...(names ? ["Interface"] : []), "Function", "Trigger", "Status", "Counts",
      ...Object.keys(CATEGORIES).map((key) => ({ text: label(key), num: true })), "First error", "Actions"];
    return table(`${id}-table`, "Runs, newest first", heads, runs.map((run) => {
      const by = run.errors_by_category || {};
      return h("tr", { "data-run": run.run_id, "data-function": run.function, "data-status": run.status },
        h("td", { title: run.queued_at }, formatTime(run.queued_at)),
        names ? h("td", {}, h("a", { href: interfaceHref(run.interface_id, "runs") }, names.get(run.interface_id) || run.interface_id)) : null,
        h("td", {}, FUNCTIONS[run.function] || run.function),
        h("td", {}, label(run.trigger || "manual")),
        h("td", {}, badge(run.status)),
        h("td", { "data-testid": "counts" }, countsLine(run.counts)),
        Object.keys(CATEGORIES).map((key) => num(by[key] || 0, { "data-category": key, class: by[key] ? "num field-error" : "num" })),
        h("td", { "data-testid": "first-error" }, errorLine(run.first_error) || (run.note ?? "–")),
        h("td", { class: "actions" },
          h("button", {
            type: "button", class: "small", "data-action": "details", "aria-label": `Details of run ${run.run_id}`,
            onclick: () => details(run.run_id),
          }, "Details"),
          ctx.can(AREA, "execute") && !LIVE.includes(run.status) ? h("button", {
            type: "button", class: "small", "data-action": "again", "aria-label": `Run again: run ${run.run_id}`,
            onclick: (event) => again(run, event.currentTarget),
          }, "Run again") : null));
    }), "No run yet.");
  }

  async function again(run, button) {
    clearErrors(problem);
    await whileBusy(button, async () => {
      try {
        const started = await api.post(`${BASE}/runs/${seg(run.run_id)}/again`);
        ctx.notify(`${FUNCTIONS[run.function] || run.function} started again (${started.status || "queued"}).`);
        await load();
      } catch (error) {
        showError(problem, error);
      }
    });
  }

  async function details(runId) {
    clearErrors(problem);
    try {
      const run = await api.get(`${BASE}/runs/${seg(runId)}`);
      if (!ctx.signal.aborted) fill(detail, runDetail(run, () => fill(detail)));
      detail.querySelector("h3")?.focus();
    } catch (error) {
      showError(problem, error);
    }
  }

  fill(box, problem, list, detail);
  return { load };
}

function runDetail(run, close) {
  const parameters = Object.entries(run.parameters || {}).filter(([, v]) => v !== null && v !== undefined);
  const errors = run.errors || [];
  return h("div", { class: "card", id: "distributor-run-detail", "data-run": run.run_id },
    h("h3", { tabindex: "-1" }, `${FUNCTIONS[run.function] || run.function} · ${formatTime(run.queued_at)}`),
    h("dl", { class: "pairs" },
      h("dt", {}, "Status"), h("dd", {}, badge(run.status)),
      h("dt", {}, "Trigger"), h("dd", {}, `${label(run.trigger || "manual")}${run.again_of ? ` (again of ${run.again_of})` : ""}`),
      h("dt", {}, "By"), h("dd", {}, run.by || "–"),
      h("dt", {}, "Started"), h("dd", {}, formatTime(run.started_at) || "–"),
      h("dt", {}, "Finished"), h("dd", {}, formatTime(run.finished_at) || "–"),
      h("dt", {}, "Parameters"), h("dd", {}, parameters.length ? parameters.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("; ") : "–"),
      h("dt", {}, "Counts"), h("dd", {}, countsLine(run.counts)),
      h("dt", {}, "Batches"), h("dd", {}, run.batches?.total ? `${run.batches.total} (${run.batches.failed || 0} failed)` : "–"),
      h("dt", {}, "Errors"), h("dd", {}, Object.keys(CATEGORIES).map((key) => `${key} ${run.errors_by_category?.[key] || 0}`).join(" · ")),
      run.note ? [h("dt", {}, "Note"), h("dd", {}, run.note)] : null),
    table("distributor-run-errors", "The run's errors (the first ones kept)", ["Category", "Where", "Message"],
      errors.map((e) => h("tr", { "data-category": e.category },
        h("td", {}, badge(e.category, "category")),
        h("td", {}, [e.line !== undefined ? `line ${e.line}` : null, e.external_sale_id, e.performance_id, e.field].filter(Boolean).join(" · ") || "–"),
        h("td", {}, e.message || e.reason || e.code || ""))), "No error."),
    h("div", { class: "buttons" }, h("button", { type: "button", class: "small", onclick: close }, "Close")));
}

/** The Distributors screen's history of every interface's runs. */
export async function allRunsSection(ctx, box, interfaces) {
  const names = new Map(interfaces.map((i) => [i.id, i.name]));
  const inner = h("div");
  fill(box, h("h2", { id: "distributor-all-runs-title" }, "Runs of all interfaces"), inner);
  await runsHistory(ctx, inner, { path: `${BASE}/runs`, names, id: "distributor-all-runs" }).load();
}

/** An interface's Runs tab: run now, a sales file to reintegrate, the history. */
export async function runsPanel(ctx, body, item) {
  const historyBox = h("div");
  const history = runsHistory(ctx, historyBox, { path: interfacePath(item.id, "runs") });
  const canRun = ctx.can(AREA, "execute");
  fill(body,
    canRun ? h("section", { class: "card" }, runNowForm(ctx, item, history.load)) : null,
    ctx.can(AREA, "create") ? h("section", { class: "card" }, salesFileForm(ctx, item, history.load)) : null,
    h("section", { class: "card", "aria-labelledby": "distributor-runs-title" },
      h("h2", { id: "distributor-runs-title" }, `Runs of ${item.name}`), historyBox));
  await history.load();
}

/** Every event and performance, by start (empty without the catalog right). */
export async function performanceChoices(ctx) {
  if (!ctx.can("catalog", "read")) return { events: [], performances: [] };
  const [events, performances] = await Promise.all([listAll("events").catch(() => []), listAll("performances").catch(() => [])]);
  return {
    events: [...events].sort((a, b) => nameOf(a).localeCompare(nameOf(b))),
    performances: [...performances].sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at))),
  };
}

const performanceText = (p) => `${p.code} · ${String(p.starts_at).slice(0, 16).replace("T", " ")}`;

/**
 * An event select and the multi-select of its performances, filled once read (the events at once, an
 * event's performances when it is chosen); read() -> {event_id, performance_ids} (null: every one).
 */
const SALES = "sales_reintegration";

/** A sales reintegration takes every sale the distributor reports (no performance filter or window);
 * only it takes a file: show the fields the chosen function takes. */
export function forFunction(fn, filter, fileField, windowField = null) {
  const sales = fn === SALES;
  for (const node of filter.nodes) node.hidden = sales;
  if (windowField) windowField.hidden = sales;
  fileField.hidden = !sales;
}

export function performanceFilter(ctx, prefix, value = {}) {
  const event = h("select", { id: `${prefix}-event`, name: "event_id" }, h("option", { value: "" }, "— every event —"));
  const chosen = new Set(value.performance_ids || []);
  const performances = h("select", { id: `${prefix}-performances`, name: "performance_ids", multiple: true, size: 4 });
  const readable = ctx.can("catalog", "read");
  async function drawPerformances() {
    for (const option of performances.selectedOptions) chosen.add(option.value);
    const filters = event.value ? { event_id: event.value } : null;
    // Without an event, only the performances already chosen (an event narrows the list to pick from).
    const found = readable && (filters || chosen.size) ? await listAll("performances", filters || {}).catch(() => []) : [];
    fill(performances, found.filter((p) => filters || chosen.has(p.id))
      .sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)))
      .map((p) => h("option", { value: p.id, selected: chosen.has(p.id) }, performanceText(p))));
  }
  event.addEventListener("change", () => {
    chosen.clear();
    drawPerformances();
  });
  if (readable) {
    listAll("events").then((events) => {
      event.append(...[...events].sort((a, b) => nameOf(a).localeCompare(nameOf(b))).map((e) => h("option", { value: e.id }, nameOf(e))));
      event.value = value.event_id || "";
      drawPerformances();
    }, () => {});
  }
  return {
    nodes: [field("Event", event), field("Performances", performances, "Choose an event, then none (all of its performances) or some. Ctrl-click to choose several.")],
    read() {
      const ids = [...performances.selectedOptions].map((o) => o.value);
      return { event_id: event.value || null, performance_ids: ids.length ? ids : null };
    },
  };
}

function runNowForm(ctx, item, after) {
  const problem = errorBox("distributor-run-now-error");
  const result = h("p", { class: "status", id: "distributor-run-now-result", role: "status" });
  const fn = h("select", { id: "distributor-run-function", name: "function" },
    Object.entries(FUNCTIONS).map(([key, text]) => h("option", { value: key }, text)));
  const filter = performanceFilter(ctx, "distributor-run");
  const batch = h("input", { id: "distributor-run-batch", name: "batch_size", type: "number", min: 1, max: 1000, step: 1 });
  const fileKey = h("input", { id: "distributor-run-file", name: "file_key", maxlength: 500, autocomplete: "off", spellcheck: "false" });
  const fileField = field("File to take", fileKey, "A file's key in the inbox; empty: pull from the distributor.");
  const form = h("form", { id: "distributor-run-now", novalidate: true, "aria-labelledby": "distributor-run-now-title" },
    h("h2", { id: "distributor-run-now-title" }, "Run now"),
    problem,
    h("div", { class: "form-grid" },
      field("Function", fn), ...filter.nodes,
      field("Batch size", batch, "Performances (export, counts) or sale lines (reintegration) per batch; empty: the default."),
      fileField),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "distributor-run-now-submit" }, "Run now")),
    result);
  fn.addEventListener("change", () => forFunction(fn.value, filter, fileField));
  forFunction(fn.value, filter, fileField);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const sales = fn.value === SALES;
    const sent = { function: fn.value, ...(sales ? {} : filter.read()) };
    if (batch.value) sent.batch_size = Number(batch.value);
    if (sales && fileKey.value.trim()) sent.file_key = fileKey.value.trim();
    for (const key of Object.keys(sent)) if (sent[key] === null) delete sent[key];
    whileBusy(form.querySelector("#distributor-run-now-submit"), async () => {
      clearErrors(problem, form);
      try {
        const run = await startRun(item.id, sent);
        result.textContent = `${FUNCTIONS[sent.function]} started: run ${run.run_id} (${run.status}).`;
        ctx.notify(result.textContent);
        await after();
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  return form;
}

/** POST …/interfaces/<id>/runs: the run (202); a 409 run_in_progress when one of that function runs. */
export function startRun(interfaceId, body) {
  return api.post(interfacePath(interfaceId, "runs"), body);
}

const FOLLOW_FOR_MS = 120_000;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** The run once it is no longer queued or running (or as last read after two minutes). */
export async function followRun(runId, signal) {
  const until = Date.now() + FOLLOW_FOR_MS;
  let run = await api.get(`${BASE}/runs/${seg(runId)}`);
  while (LIVE.includes(run.status) && Date.now() < until && !signal?.aborted) {
    await sleep(POLL_MS);
    run = await api.get(`${BASE}/runs/${seg(runId)}`);
  }
  return run;
}
