// An interface's Mappings tab: our items <-> the distributor's ids, per season and kind; create, change
// the distributor id, delete; import a season's CSV (all or nothing: a refused file's problems are
// listed by line) and download it.

import { api, seg } from "./api.js";
import { listAll, nameOf } from "./crud.js";
import { AREA, download, interfacePath, table } from "./distributors-common.js";
import { checkRequired, clearErrors, confirmAction, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { label } from "./rights.js";

export const KINDS = ["event", "performance", "season_ticket", "zone", "seat_category", "layout", "audience_subcategory"];
const PLURALS = {
  event: "events", season_ticket: "season-tickets", seat_category: "seat-categories", layout: "layouts",
  audience_subcategory: "audience-subcategories",
};
const ZONE_HINT = "A zone: <seating plan id>/<zone>; a block: <seating plan id>/<zone>/<block>.";

/** A season select (the latest first), shared with the on-sale sheet. */
export async function seasonSelect(id, ctx) {
  const seasons = ctx.can("catalog", "read") ? await listAll("seasons").catch(() => []) : [];
  const select = h("select", { id, name: "season_id", required: true },
    [...seasons].sort((a, b) => String(b.starts_on || b.code).localeCompare(String(a.starts_on || a.code)))
      .map((s) => h("option", { value: s.id }, nameOf(s))));
  return { select, seasons };
}

/** Our items of a kind in a season, to choose from: [{id, text}]. */
async function ourItems(kind, seasonId) {
  if (kind === "zone") return null;
  if (kind === "performance") {
    const events = await listAll("events", { season_id: seasonId });
    const names = new Map(events.map((e) => [e.id, nameOf(e)]));
    const performances = (await Promise.all(events.map((e) => listAll("performances", { event_id: e.id })))).flat();
    return performances.sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)))
      .map((p) => ({ id: p.id, text: `${names.get(p.event_id)} · ${p.code} · ${String(p.starts_at).slice(0, 16).replace("T", " ")}` }));
  }
  const filters = kind === "event" || kind === "season_ticket" ? { season_id: seasonId } : {};
  return (await listAll(PLURALS[kind], filters)).map((item) => ({ id: item.id, text: nameOf(item) }));
}

export async function mappingsPanel(ctx, body, item) {
  const base = interfacePath(item.id, "mappings");
  const problem = errorBox("distributor-mappings-error");
  const { select: season, seasons } = await seasonSelect("distributor-mapping-season", ctx);
  const kind = h("select", { id: "distributor-mapping-kind", name: "kind" },
    h("option", { value: "" }, "— every kind —"), KINDS.map((k) => h("option", { value: k }, label(k))));
  const list = h("div", { id: "distributor-mappings" }, h("p", { class: "muted" }, "Loading…"));
  const creator = h("div", { id: "distributor-mapping-creator" });
  const importer = h("div", { id: "distributor-mapping-import" });
  const seasonName = () => nameOf(seasons.find((s) => s.id === season.value)) || season.value;

  async function load() {
    clearErrors(problem);
    const query = new URLSearchParams({ season_id: season.value, ...(kind.value ? { kind: kind.value } : {}) });
    try {
      const page = await api.get(`${base}?${query}`);
      if (!ctx.signal.aborted) fill(list, mappingsTable(page.items));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  function mappingsTable(items) {
    return table("distributor-mappings-table", `Mappings of ${seasonName()}`,
      ["Kind", "Our item", "Our id", "Distributor id", "Actions"],
      items.map((m) => h("tr", { "data-id": m.id, "data-kind": m.kind, "data-our-id": m.our_id },
        h("td", {}, label(m.kind)),
        h("td", {}, m.our_code ?? h("span", { class: "badge bad" }, "Gone")),
        h("td", {}, h("code", {}, m.our_id)),
        h("td", { "data-col": "distributor_id" }, m.distributor_id),
        h("td", { class: "actions" },
          ctx.can(AREA, "modify") ? h("button", {
            type: "button", class: "small", "data-action": "edit", "aria-label": `Edit the distributor id of ${m.kind} ${m.our_code || m.our_id}`,
            onclick: (event) => editRow(event.currentTarget.closest("tr"), m),
          }, "Edit") : null,
          ctx.can(AREA, "delete") ? h("button", {
            type: "button", class: "small danger", "data-action": "delete", "aria-label": `Delete the mapping of ${m.kind} ${m.our_code || m.our_id}`,
            onclick: (event) => remove(m, event.currentTarget),
          }, "Delete") : null))),
      kind.value ? `No ${label(kind.value).toLowerCase()} mapping in ${seasonName()}.` : `No mapping in ${seasonName()} yet.`);
  }

  function editRow(row, m) {
    row.parentNode.querySelector("tr.editor")?.remove();
    const input = h("input", { id: "distributor-mapping-change", name: "distributor_id", required: true, value: m.distributor_id, maxlength: 100, autocomplete: "off" });
    const formProblem = errorBox("distributor-mapping-change-error");
    const form = h("form", { class: "inline", novalidate: true, id: "distributor-mapping-change-form" },
      formProblem, field(`Distributor id of ${m.our_code || m.our_id}`, input),
      h("button", { type: "submit", class: "small primary", id: "distributor-mapping-change-save" }, "Save"),
      h("button", { type: "button", class: "small", onclick: () => { editor.remove(); row.querySelector("[data-action=edit]")?.focus(); } }, "Cancel"));
    const editor = h("tr", { class: "editor" }, h("td", { colspan: 5 }, form));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!checkRequired(form, formProblem)) return;
      whileBusy(form.querySelector("button[type=submit]"), async () => {
        try {
          await api.put(`${base}/${seg(m.id)}?version=${m.version}`, { distributor_id: input.value.trim() });
          ctx.notify(`Mapping of ${m.our_code || m.our_id} saved.`);
          await load();
        } catch (error) {
          showError(formProblem, error, form);
        }
      });
    });
    row.after(editor);
    input.focus();
  }

  async function remove(m, button) {
    clearErrors(problem);
    if (!(await confirmAction(`Delete the mapping of ${m.kind} ${m.our_code || m.our_id} (${m.distributor_id})?`))) {
      button.focus();
      return;
    }
    try {
      await api.del(`${base}/${seg(m.id)}?version=${m.version}`);
      ctx.notify(`Mapping of ${m.our_code || m.our_id} deleted.`);
      await load();
    } catch (error) {
      showError(problem, error);
    }
  }

  let drawOur = async () => {};

  async function drawCreator() {
    const formProblem = errorBox("distributor-mapping-form-error");
    const newKind = h("select", { id: "distributor-mapping-new-kind", name: "kind" }, KINDS.map((k) => h("option", { value: k }, label(k))));
    newKind.value = kind.value || "event";
    const ourBox = h("div", { class: "field", "data-field": "our_id" });
    let drawn = 0;
    drawOur = async () => {
      const turn = ++drawn; // a later choice wins over an answer still on its way
      let items = null;
      try {
        items = ctx.can("catalog", "read") || ctx.can("season_tickets", "read") ? await ourItems(newKind.value, season.value) : null;
      } catch {
        items = null; // without the right to read them, an id is typed
      }
      if (turn !== drawn) return;
      const control = items === null
        ? h("input", { id: "distributor-mapping-our", name: "our_id", required: true, maxlength: 200, autocomplete: "off", spellcheck: "false" })
        : h("select", { id: "distributor-mapping-our", name: "our_id", required: true },
          h("option", { value: "" }, "— choose —"), items.map((o) => h("option", { value: o.id }, o.text)));
      const previous = ourBox.querySelector("[name=our_id]")?.value;
      if (previous) control.value = previous; // a choice still in the list stays chosen
      fill(ourBox, h("label", { for: control.id }, "Our item"), control,
        newKind.value === "zone" ? h("p", { class: "hint" }, ZONE_HINT) : null);
    };
    newKind.addEventListener("change", () => drawOur());
    const form = h("form", { id: "distributor-mapping-form", novalidate: true, "aria-labelledby": "distributor-mapping-form-title" },
      h("h3", { id: "distributor-mapping-form-title" }, "New mapping"),
      formProblem,
      h("div", { class: "row" },
        field("Kind", newKind), ourBox,
        field("Distributor id", h("input", { id: "distributor-mapping-distributor-id", name: "distributor_id", required: true, maxlength: 100, autocomplete: "off", spellcheck: "false" }))),
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "distributor-mapping-create" }, "Create mapping")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!checkRequired(form, formProblem)) return;
      const sent = { season_id: season.value, kind: newKind.value, our_id: form.elements.our_id.value.trim(), distributor_id: form.elements.distributor_id.value.trim() };
      whileBusy(form.querySelector("#distributor-mapping-create"), async () => {
        clearErrors(formProblem, form);
        try {
          const saved = await api.post(base, sent);
          ctx.notify(`Mapping of ${saved.our_code || saved.our_id} to ${saved.distributor_id} created.`);
          form.elements.distributor_id.value = "";
          await load();
          form.elements.distributor_id.focus();
        } catch (error) {
          showError(formProblem, error, form);
        }
      });
    });
    fill(creator, form);
    await drawOur();
  }

  function drawImporter() {
    const result = h("div", { id: "distributor-mapping-import-result", role: "status" });
    const file = h("input", { type: "file", id: "distributor-mapping-file", name: "file", accept: ".csv,.txt,text/csv,text/plain", required: true });
    const formProblem = errorBox("distributor-mapping-import-error");
    const form = h("form", { id: "distributor-mapping-import-form", novalidate: true, "aria-labelledby": "distributor-mapping-import-title" },
      h("h3", { id: "distributor-mapping-import-title" }, "Import and export a season's mappings"),
      h("p", { class: "hint" }, "CSV with the columns kind, our_id (or our_code), distributor_id: all lines are imported, or none. ",
        "The on-sale sheet's CSV is such a file, ready to fill in."),
      formProblem,
      field("CSV file", file),
      h("div", { class: "buttons" },
        h("button", { type: "submit", class: "primary", id: "distributor-mapping-import-submit" }, "Import"),
        h("button", { type: "button", id: "distributor-mapping-export", onclick: (event) => whileBusy(event.currentTarget, exportFile) }, "Download CSV")),
      result);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      fill(result);
      if (!file.files.length) {
        showError(formProblem, { message: "Choose a CSV file.", fields: [{ field: "file", reason: "Required." }] }, form);
        return;
      }
      whileBusy(form.querySelector("#distributor-mapping-import-submit"), async () => {
        clearErrors(formProblem, form);
        try {
          const content = await file.files[0].text();
          const counts = await api.post(`${interfacePath(item.id, "mapping-file")}?season_id=${seg(season.value)}`, { content });
          const text = `${file.files[0].name}: ${counts.created} created, ${counts.changed} changed, ${counts.unchanged} unchanged.`;
          fill(result, h("p", { id: "distributor-mapping-import-counts" }, text));
          ctx.notify(`Mappings imported (${counts.created} created, ${counts.changed} changed).`);
          await load();
        } catch (error) {
          showError(formProblem, { message: error.message }, form);
          fill(result, problemsTable(error));
        }
      });
    });
    fill(importer, ctx.can(AREA, "create") && ctx.can(AREA, "modify") ? form : h("div", {},
      h("div", { class: "buttons" }, h("button", { type: "button", id: "distributor-mapping-export", onclick: (event) => whileBusy(event.currentTarget, exportFile) }, "Download CSV"))));
  }

  async function exportFile() {
    clearErrors(problem);
    try {
      await download(`${interfacePath(item.id, "mapping-file")}?season_id=${seg(season.value)}`, "text/csv", `mappings-${item.name}-${seasonName()}.csv`);
      ctx.notify("Mappings downloaded.");
    } catch (error) {
      showError(problem, error);
    }
  }

  const filters = h("form", { id: "distributor-mappings-filters", role: "search", "aria-label": "Which mappings", onsubmit: (event) => event.preventDefault() },
    h("div", { class: "row" }, field("Season", season), field("Kind", kind)));
  season.addEventListener("change", () => { load(); drawOur(); });
  kind.addEventListener("change", load);
  fill(body,
    h("section", { class: "card", "aria-labelledby": "distributor-mappings-title" },
      h("h2", { id: "distributor-mappings-title" }, "Mappings"),
      h("p", { class: "muted" }, "Each of our items the distributor sells, by the distributor's own id: events, performances, ",
        "season tickets, zones and blocks, seat categories, layouts and audience subcategories."),
      filters, problem, list),
    ctx.can(AREA, "create") ? h("section", { class: "card" }, creator) : null,
    h("section", { class: "card" }, importer));
  if (!season.value) {
    fill(list, h("p", { class: "muted", "data-testid": "empty" }, "No season yet: mappings are kept per season."));
    return;
  }
  drawImporter();
  await Promise.all([load(), ctx.can(AREA, "create") ? drawCreator() : null]);
}

/** A refused file's problems, one row per line: {line, field, reason}; "and n more" when cut. */
export function problemsTable(error) {
  const problems = error?.details?.problems;
  if (!Array.isArray(problems) || !problems.length) return null;
  const count = error.details.problem_count ?? problems.length;
  return h("div", {},
    table("distributor-import-problems", "Problems of the file, by line", ["Line", "Column", "Problem"],
      problems.map((p) => h("tr", { "data-line": p.line },
        h("td", { class: "num" }, String(p.line)), h("td", {}, p.field), h("td", {}, p.reason)))),
    count > problems.length ? h("p", { class: "muted" }, `… and ${count - problems.length} more.`) : null);
}
