// Generic catalog screens: a list (paged) plus a create/edit form per kind, built from a small field
// description. Used by the views-<kind>.js screens; see kindScreen() at the end.
//
// A kind spec:  {plural: "seasons", noun: "season", fields: [...], columns: ["code", "name", ...],
//                filters?: {name: value}, key?: "seasons", title?: "Seasons", intro?,
//                creatable?: true, editable?: true, rowActions?(item, section) -> nodes}
// A field:      {name, label?, type?, required?, nullable?, hint?, options? (enum values),
//                kind? (plural of the referenced kind, for ref/refs), min?, max?, maxlength?,
//                fields? (sub-fields of a "table" field), fixed? (value set by the screen, not shown)}
// Types: text (default), textarea, int, money (integer cents shown as 0.00), bool, date, datetime,
//        enum, ref, refs (multi-select), colour, strings (comma-separated list), table (list of rows).


import { api, seg } from "./api.js";
import { aimErrors, boolField, CODE_RULE, control, readField, tableField } from "./crud-form.js";
import { checkRequired, clearErrors, confirmAction, errorBox, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";
import { label } from "./rights.js";
import { defaultSort, sorted, sortHeader } from "./sorting.js";

const PAGE = 50;
const ALL_PAGE = 200;
const ALL_CAP = 5000;
const MULTI_HINT = "Ctrl-click (⌘-click on a Mac) to choose several.";
const SYSTEM = new Set(["id", "version", "created_at", "updated_at", "state"]);

/** Every item of a kind (following next_cursor, at most ALL_CAP). */
export async function listAll(plural, filters = {}) {
  const items = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ limit: String(ALL_PAGE), ...filters });
    if (cursor) query.set("cursor", cursor);
    const page = await api.get(`/backoffice/${plural}?${query}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < ALL_CAP);
  return items;
}

/** The parts of the hash after the screen id, e.g. [plan, layout] for #/seating-plans/<plan>/<layout>. */
export function subPath() {
  return location.hash.replace(/^#\/[\w-]+\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
}

/** "Main hall (MAIN)", or the code, or the id. */
export function nameOf(item) {
  if (!item) return "";
  if (item.name && item.code) return `${item.name} (${item.code})`;
  return item.name || item.code || item.id;
}

/** Per-screen cache of whole lists, for reference selects and names; `changed(plural)` refreshes users. */
export function refCache() {
  const lists = new Map();
  const listeners = new Set();
  return {
    list(plural) {
      if (!lists.has(plural)) {
        const promise = listAll(plural).catch((error) => {
          lists.delete(plural);
          throw error;
        });
        lists.set(plural, promise);
      }
      return lists.get(plural);
    },
    async byId(plural) {
      return new Map((await this.list(plural)).map((item) => [item.id, item]));
    },
    changed(plural) {
      lists.delete(plural);
      for (const listener of listeners) listener(plural);
    },
    onChange(listener) {
      listeners.add(listener);
    },
  };
}

// ---- values: API <-> form controls ------------------------------------------------------------

const pad = (n) => String(n).padStart(2, "0");

/** An ISO datetime as the value of <input type=datetime-local>, in the browser's time zone. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return "";
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** "12.50" from 1250 cents; "" for nothing. */
export function centsText(cents) {
  return cents === null || cents === undefined || cents === "" ? "" : (Number(cents) / 100).toFixed(2);
}

/** 1250 from "12.50", "12,5" or "12"; null for ""; NaN when it is not an amount. */
export function parseCents(text) {
  const clean = String(text).trim().replace(/\s/g, "").replace(",", ".");
  if (!clean) return null;
  if (!/^\d+(\.\d{0,2})?$/.test(clean)) return NaN;
  return Math.round(Number(clean) * 100);
}

function displayValue(f, value, cache) {
  if (value === null || value === undefined || value === "") return "–";
  switch (f.type) {
    case "bool": return value ? "Yes" : "No";
    case "money": return centsText(value);
    case "datetime": return formatTime(value).slice(0, 16);
    case "enum": return label(value);
    case "colour":
      return h("span", { class: "swatch-cell" },
        h("span", { class: "swatch", style: `background:${value}`, "aria-hidden": "true" }), " ", h("code", {}, value));
    case "ref": return nameOf(cache.get(f.kind)?.get(value)) || value;
    case "refs": return value.length ? value.map((id) => nameOf(cache.get(f.kind)?.get(id)) || id).join(", ") : "–";
    case "strings": return value.length ? value.join(", ") : "–";
    case "table": return value.length ? value.map((row) => row.name || row.code).join(", ") : "–";
    default: return String(value);
  }
}


// ---- one kind: list + form ----------------------------------------------------------------------

/** "activities", "points of sale": the API's plural words, never "activitys". */
const plainPlural = (spec) => (spec.pluralLabel || spec.plural.replaceAll("-", " ").replaceAll("_", " ")).toLowerCase();


/** A card listing a kind's items, with create/edit/delete as the operator's rights allow. */
export function crudSection(ctx, spec, cache = refCache()) {
  const key = spec.key || spec.plural;
  const fields = spec.fields.map((f) => ({ type: "text", ...(f.name === "code" ? { rule: CODE_RULE } : {}), ...f }));
  const byName = new Map(fields.map((f) => [f.name, f]));
  const columns = spec.columns || fields.filter((f) => f.fixed === undefined).slice(0, 4).map((f) => f.name);
  // listOnly fields are columns only (e.g. a count kept in the item's state), never in the form.
  const refKinds = [...new Set(fields.filter((f) => f.kind && columns.includes(f.name)).map((f) => f.kind))];
  const canCreate = spec.creatable !== false && ctx.can("catalog", "create");
  const canModify = spec.editable !== false && ctx.can("catalog", "modify");
  const canDelete = ctx.can("catalog", "delete");
  const problem = errorBox(`${key}-error`);
  const list = h("div", { id: `${key}-list`, class: "scroll" }, h("p", { class: "muted" }, "Loading…"));
  const more = h("button", { type: "button", id: `${key}-more`, hidden: true, onclick: () => load(true) }, "Load more");
  const editor = h("section", { class: "card editor-card", id: `${key}-editor`, hidden: true });
  const state = { items: [], cursor: null, names: new Map(), sort: defaultSort(columns) };
  const title = spec.title || label(spec.plural);
  const query = () => new URLSearchParams({ limit: String(PAGE), ...(spec.filters || {}) });

  async function names() {
    const maps = await Promise.all(refKinds.map((kind) => cache.byId(kind).catch(() => new Map())));
    state.names = new Map(refKinds.map((kind, i) => [kind, maps[i]]));
  }

  async function load(next = false) {
    clearErrors(problem);
    try {
      const q = query();
      if (next && state.cursor) q.set("cursor", state.cursor);
      const [page] = await Promise.all([api.get(`/backoffice/${spec.plural}?${q}`), names()]);
      if (ctx.signal.aborted) return;
      state.items = next ? [...state.items, ...page.items] : page.items;
      state.cursor = page.next_cursor;
      renderList();
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  function renderList() {
    more.hidden = !state.cursor;
    if (!state.items.length) return fill(list, h("p", { "data-testid": "empty" }, `No ${plainPlural(spec)} yet.`));
    const head = h("tr", {}, columns.map((name) => sortHeader(name, byName.get(name)?.label || label(name), state.sort,
      (sort) => { state.sort = sort; renderList(); list.querySelector(`th[data-sort="${name}"] button`)?.focus(); })),
    h("th", { scope: "col" }, "Actions"));
    const rows = sorted(state.items, state.sort).map((item) => h("tr", { "data-id": item.id, "data-code": item.code ?? null },
      columns.map((name) => {
        const f = byName.get(name) || { name, type: "text" };
        const value = name.includes(".") ? name.split(".").reduce((v, part) => v?.[part], item) : item[name];
        return h("td", { "data-col": name, class: f.type === "money" || f.type === "int" ? "num" : null },
          f.render ? f.render(value, item) : displayValue(f, value, state.names));
      }),
      h("td", { class: "actions" },
        spec.rowActions ? spec.rowActions(item, section) : null,
        canModify ? h("button", {
          type: "button", class: "small", "data-action": "edit", "aria-label": `Edit ${spec.noun} ${nameOf(item)}`,
          onclick: () => openEditor(item),
        }, "Edit") : null,
        canDelete ? h("button", {
          type: "button", class: "small danger", "data-action": "delete",
          "aria-label": `Delete ${spec.noun} ${nameOf(item)}`,
          onclick: (event) => remove(item, event.currentTarget),
        }, "Delete") : null)));
    fill(list, h("table", { id: `${key}-table`, "data-testid": `${key}-table` },
      h("caption", { class: "sr-only" }, title), h("thead", {}, head), h("tbody", {}, rows)));
  }

  async function openEditor(item) {
    clearErrors(problem);
    const editing = Boolean(item);
    const shown = fields.filter((f) => f.fixed === undefined && !f.listOnly && !(editing && f.createOnly));
    let options;
    try {
      options = new Map(await Promise.all(shown.filter((f) => f.kind)
        .map(async (f) => [f.name, (await cache.list(f.kind)).filter((o) => !f.where || f.where(o))])));
    } catch (error) {
      showError(problem, error);
      return;
    }
    const formProblem = errorBox(`${key}-form-error`);
    const controls = shown.map((f) => {
      const value = item ? item[f.name] : f.default;
      if (f.type === "bool") return boolField(key, f, value);
      if (f.type === "table") return tableField(key, f, value);
      const hint = f.type === "refs" ? [f.hint, MULTI_HINT].filter(Boolean).join(" ") : f.hint;
      return field(f.label || label(f.name), control(key, f, value, options.get(f.name) || []), hint);
    });
    const form = h("form", { id: `${key}-form`, novalidate: true, "data-mode": editing ? "edit" : "create" },
      formProblem,
      h("div", { class: "form-grid" }, controls),
      h("div", { class: "buttons" },
        h("button", { type: "submit", class: "primary", id: `${key}-save` }, editing ? "Save" : `Create ${spec.noun}`),
        h("button", { type: "button", id: `${key}-cancel`, onclick: closeEditor }, "Cancel")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(item, form, formProblem);
    });
    fill(editor, h("h3", { id: `${key}-editor-title` },
      editing ? `Edit ${spec.noun} ${nameOf(item)}` : `New ${spec.noun}`), form);
    editor.setAttribute("aria-labelledby", `${key}-editor-title`);
    editor.hidden = false;
    editor.scrollIntoView({ block: "nearest" });
    form.querySelector("input:not([type=hidden]),select,textarea")?.focus();
  }

  function closeEditor() {
    editor.hidden = true;
    fill(editor);
    node.querySelector(`#${key}-new`)?.focus();
  }

  /** Keep the keyboard where the operator was: on a row's first action, else the "New" button. */
  function focusRow(id) {
    const row = id && list.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
    (row?.querySelector("td.actions button, td.actions a") || node.querySelector(`#${key}-new`))?.focus();
  }

  async function save(item, form, formProblem) {
    if (!checkRequired(form, formProblem)) return;
    // Start from the item's own data so that fields the form does not show survive a replace.
    const body = {};
    if (item) for (const [name, value] of Object.entries(item)) if (!SYSTEM.has(name)) body[name] = value;
    const wrong = [];
    for (const f of fields) {
      if (f.listOnly || (item && f.createOnly)) continue;
      const read = readField(form, f);
      if (read.error) wrong.push({ field: f.name, reason: read.error });
      else if (read.skip) delete body[f.name];
      else body[f.name] = read.value;
    }
    if (wrong.length) {
      showError(formProblem, { message: "Please correct the fields marked below.", fields: wrong }, form);
      return;
    }
    await whileBusy(form.querySelector(`#${key}-save`), async () => {
      try {
        const saved = item
          ? await api.put(`/backoffice/${spec.plural}/${seg(item.id)}?version=${item.version}`, body)
          : await api.post(`/backoffice/${spec.plural}`, body);
        ctx.notify(`${label(spec.noun)} ${nameOf(saved)} ${item ? "saved" : "created"}.`);
        closeEditor();
        cache.changed(spec.plural);
        await load();
        focusRow(saved.id);
        spec.onSaved?.(saved, section);
      } catch (error) {
        showError(formProblem, aimErrors(error, fields), form);
      }
    });
  }

  async function remove(item, button) {
    clearErrors(problem);
    if (!(await confirmAction(`Delete ${spec.noun} ${nameOf(item)}? This cannot be undone.`))) {
      button.focus();
      return;
    }
    const rows = [...list.querySelectorAll("tbody tr[data-id]")].map((row) => row.dataset.id);
    const at = rows.indexOf(item.id);
    try {
      await api.del(`/backoffice/${spec.plural}/${seg(item.id)}?version=${item.version}`);
      ctx.notify(`${label(spec.noun)} ${nameOf(item)} deleted.`);
      cache.changed(spec.plural);
      await load();
      focusRow(rows[at + 1] ?? rows[at - 1]); // the row that took its place, or the one above it
    } catch (error) {
      showError(problem, error);
    }
  }

  cache.onChange((plural) => {
    if (refKinds.includes(plural) && !ctx.signal.aborted) names().then(renderList, () => {});
  });

  const node = h("section", {
    class: "card crud", "data-kind": spec.plural, "aria-labelledby": spec.heading === false ? "screen-title" : `${key}-title`,
  },
    spec.heading === false ? null : h("h2", { id: `${key}-title` }, title),
    spec.intro ? h("p", { class: "muted" }, spec.intro) : null,
    problem,
    canCreate ? h("div", { class: "buttons" }, h("button", {
      type: "button", class: "primary", id: `${key}-new`, onclick: () => openEditor(null),
    }, `New ${spec.noun}`)) : null,
    list, more, editor);
  const section = { node, load, reload: () => load(), items: () => state.items, openEditor, cache };
  return section;
}

/** A screen of one or more kinds (e.g. venues and their halls), each as a crudSection. */
export function kindScreen({ id, title, intro, sections }) {
  return {
    id,
    title,
    area: "catalog",
    async render(root, ctx) {
      const cache = refCache();
      // A screen of one kind needs no second heading.
      const single = sections.length === 1;
      const parts = sections.map((spec) => crudSection(ctx, single ? { heading: false, ...spec } : spec, cache));
      fill(root, intro ? h("p", { class: "muted" }, intro) : null, parts.map((part) => part.node));
      await Promise.all(parts.map((part) => part.load()));
    },
  };
}
