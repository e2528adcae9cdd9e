// An interface's Schedules tab (the seed's "Programmation"): each function on a schedule, every n
// minutes / hours / days from a next start, over a window of performances (absolute dates, or days
// before / after a performance), with a batch size, an event or performance filter, a file to take,
// enabled or not; list, create, edit, delete.

import { api, seg } from "./api.js";
import { aimErrors } from "./crud-form.js";
import { toLocalInput } from "./crud.js";
import { AREA, badge, FUNCTIONS, interfacePath, table } from "./distributors-common.js";
import { forFunction, performanceFilter } from "./distributors-runs.js";
import { checkRequired, clearErrors, confirmAction, errorBox, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";

const UNITS = { minutes: "minutes", hours: "hours", days: "days" };
const FIELDS = ["function", "name", "every", "unit", "next_start", "window", "batch_size", "event_id", "performance_ids", "file_key", "enabled"]
  .map((name) => ({ name }));

function windowText(w) {
  if (!w) return "Every performance";
  if (w.from_date || w.to_date) return `${w.from_date || "…"} to ${w.to_date || "…"}`;
  const parts = [];
  if (w.days_before !== null && w.days_before !== undefined) parts.push(`from ${w.days_before} days before`);
  if (w.days_after !== null && w.days_after !== undefined) parts.push(`until ${w.days_after} days after`);
  return parts.length ? `${parts.join(", ")} a performance` : "Every performance";
}

export async function schedulesPanel(ctx, body, item) {
  const base = interfacePath(item.id, "schedules");
  const problem = errorBox("distributor-schedules-error");
  const list = h("div", { id: "distributor-schedules" }, h("p", { class: "muted" }, "Loading…"));
  const editor = h("section", { class: "card editor-card", id: "distributor-schedule-editor", hidden: true });

  async function load() {
    clearErrors(problem);
    try {
      const answer = await api.get(base);
      const items = Array.isArray(answer) ? answer : answer.items || answer.schedules || [];
      if (!ctx.signal.aborted) fill(list, schedulesTable(items));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  function schedulesTable(items) {
    return table("distributor-schedules-table", "Schedules",
      ["Function", "Name", "Every", "Next start", "Window", "Filter", "Batch", "State", "Actions"],
      items.map((s) => h("tr", { "data-id": s.id, "data-function": s.function },
        h("td", {}, FUNCTIONS[s.function] || s.function),
        h("td", {}, s.name || "–"),
        h("td", {}, `${s.every} ${UNITS[s.unit] || s.unit}`),
        h("td", { title: s.next_start }, formatTime(s.next_start)),
        h("td", {}, windowText(s.window)),
        h("td", {}, [s.event_id ? `event ${s.event_id}` : null, s.performance_ids?.length ? `${s.performance_ids.length} performance(s)` : null,
          s.file_key ? `file ${s.file_key}` : null].filter(Boolean).join(" · ") || "–"),
        h("td", { class: "num" }, s.batch_size ? String(s.batch_size) : "default"),
        h("td", {}, badge(s.enabled ? "enabled" : "disabled")),
        h("td", { class: "actions" },
          ctx.can(AREA, "modify") ? h("button", {
            type: "button", class: "small", "data-action": "edit", "aria-label": `Edit schedule ${s.name || s.id}`, onclick: () => edit(s),
          }, "Edit") : null,
          ctx.can(AREA, "delete") ? h("button", {
            type: "button", class: "small danger", "data-action": "delete", "aria-label": `Delete schedule ${s.name || s.id}`,
            onclick: (event) => remove(s, event.currentTarget),
          }, "Delete") : null))),
      "No schedule: functions run only when started by hand.");
  }

  async function remove(s, button) {
    clearErrors(problem);
    if (!(await confirmAction(`Delete the schedule ${s.name || FUNCTIONS[s.function]}?`))) {
      button.focus();
      return;
    }
    try {
      await api.del(`${base}/${seg(s.id)}?version=${s.version}`);
      ctx.notify("Schedule deleted.");
      await load();
    } catch (error) {
      showError(problem, error);
    }
  }

  function close() {
    editor.hidden = true;
    fill(editor);
    body.querySelector("#distributor-schedule-new")?.focus();
  }

  function edit(s) {
    const formProblem = errorBox("distributor-schedule-form-error");
    const w = s?.window || {};
    const relative = w.days_before !== undefined && w.days_before !== null || w.days_after !== undefined && w.days_after !== null;
    const fn = h("select", { id: "distributor-schedule-function", name: "function" },
      Object.entries(FUNCTIONS).map(([key, text]) => h("option", { value: key }, text)));
    fn.value = s?.function || "sales_reintegration";
    const unit = h("select", { id: "distributor-schedule-unit", name: "unit" }, Object.entries(UNITS).map(([key, text]) => h("option", { value: key }, text)));
    unit.value = s?.unit || "hours";
    const kind = h("select", { id: "distributor-schedule-window", name: "window_kind" },
      h("option", { value: "none" }, "Every performance"), h("option", { value: "dates" }, "Between two dates"),
      h("option", { value: "days" }, "Days before / after a performance"));
    kind.value = relative ? "days" : w.from_date || w.to_date ? "dates" : "none";
    const input = (id, name, props) => h("input", { id, name, ...props });
    const dates = h("div", { class: "row", "data-window": "dates" },
      field("From", input("distributor-schedule-from", "from_date", { type: "date", value: w.from_date || "" })),
      field("To", input("distributor-schedule-to", "to_date", { type: "date", value: w.to_date || "" })));
    const days = h("div", { class: "row", "data-window": "days" },
      field("Days before", input("distributor-schedule-before", "days_before", { type: "number", min: 0, max: 3650, value: w.days_before ?? "" })),
      field("Days after", input("distributor-schedule-after", "days_after", { type: "number", min: 0, max: 3650, value: w.days_after ?? "" })));
    const showWindow = () => { dates.hidden = kind.value !== "dates"; days.hidden = kind.value !== "days"; };
    kind.addEventListener("change", showWindow);
    showWindow();
    const filter = performanceFilter(ctx, "distributor-schedule", s || {});
    const fileField = field("File to take", input("distributor-schedule-file", "file_key", { maxlength: 500, value: s?.file_key || "", autocomplete: "off" }),
      "A file's key in the inbox; empty: pull from the distributor.");
    const windowField = h("fieldset", { class: "field", "data-field": "window" }, h("legend", {}, "Window of performances"),
      field("Performances taken", kind), dates, days);
    fn.addEventListener("change", () => forFunction(fn.value, filter, fileField, windowField));
    forFunction(fn.value, filter, fileField, windowField);
    const form = h("form", { id: "distributor-schedule-form", novalidate: true, "data-mode": s ? "edit" : "create" },
      formProblem,
      h("div", { class: "form-grid" },
        field("Function", fn),
        field("Name", input("distributor-schedule-name", "name", { maxlength: 200, value: s?.name || "", autocomplete: "off" })),
        field("Every", input("distributor-schedule-every", "every", { type: "number", min: 1, max: 1000, required: true, value: s?.every ?? 1 })),
        field("Unit", unit),
        field("Next start", input("distributor-schedule-next", "next_start", { type: "datetime-local", value: toLocalInput(s?.next_start) }),
          "Empty: one period from now. A past time moves on to the next one to come."),
        field("Batch size", input("distributor-schedule-batch", "batch_size", { type: "number", min: 1, max: 1000, value: s?.batch_size ?? "" })),
        fileField,
        ...filter.nodes),
      windowField,
      h("div", { class: "field", "data-field": "enabled" }, h("label", { class: "check" },
        h("input", { type: "checkbox", id: "distributor-schedule-enabled", name: "enabled", checked: s ? Boolean(s.enabled) : true }), " Enabled")),
      h("div", { class: "buttons" },
        h("button", { type: "submit", class: "primary", id: "distributor-schedule-save" }, s ? "Save" : "Create schedule"),
        h("button", { type: "button", id: "distributor-schedule-cancel", onclick: close }, "Cancel")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!checkRequired(form, formProblem)) return;
      const value = (name) => form.elements[name].value.trim();
      const number = (name) => (value(name) === "" ? null : Number(value(name)));
      let windowBody = null;
      if (kind.value === "dates") windowBody = { from_date: value("from_date") || null, to_date: value("to_date") || null };
      if (kind.value === "days") windowBody = { days_before: number("days_before"), days_after: number("days_after") };
      // A sales reintegration takes every sale (no filter, no window); only it takes a file.
      const sales = fn.value === "sales_reintegration";
      const sent = {
        function: fn.value, name: value("name"), every: number("every"), unit: unit.value,
        next_start: value("next_start") ? new Date(value("next_start")).toISOString() : null,
        window: sales ? null : windowBody, batch_size: number("batch_size"), ...(sales ? {} : filter.read()),
        file_key: sales ? value("file_key") || null : null, enabled: form.elements.enabled.checked,
      };
      whileBusy(form.querySelector("#distributor-schedule-save"), async () => {
        clearErrors(formProblem, form);
        try {
          if (s) await api.put(`${base}/${seg(s.id)}?version=${s.version}`, sent);
          else await api.post(base, sent);
          ctx.notify(`Schedule ${s ? "saved" : "created"}.`);
          close();
          await load();
        } catch (error) {
          showError(formProblem, aimErrors(error, FIELDS), form);
        }
      });
    });
    fill(editor, h("h3", { id: "distributor-schedule-editor-title" }, s ? `Edit schedule ${s.name || FUNCTIONS[s.function]}` : "New schedule"), form);
    editor.setAttribute("aria-labelledby", "distributor-schedule-editor-title");
    editor.hidden = false;
    editor.scrollIntoView({ block: "nearest" });
    fn.focus();
  }

  fill(body,
    h("section", { class: "card", "aria-labelledby": "distributor-schedules-title" },
      h("h2", { id: "distributor-schedules-title" }, "Schedules"),
      h("p", { class: "muted" }, "A scheduled run is skipped while a run of the same function is on. Times are in this browser's time zone."),
      ctx.can(AREA, "create") ? h("div", { class: "buttons" }, h("button", {
        type: "button", class: "primary", id: "distributor-schedule-new", onclick: () => edit(null),
      }, "New schedule")) : null,
      problem, list),
    editor);
  await load();
}
