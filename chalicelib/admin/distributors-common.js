// What the distributors screens share (views-distributors.js and its distributors-*.js parts): the API's
// paths, status badges, the run functions, small tables, downloads and the lists an answer may hold.

import { fetchFile, seg } from "./api.js";
import { fill, h } from "./dom.js";
import { label } from "./rights.js";

export const AREA = "distributors";
export const BASE = "/backoffice/distributors";
export const INTERFACES = `${BASE}/interfaces`;
export const SCREEN = "distributors";

/** "/backoffice/distributors/interfaces/<id>" (+ "/<rest>"). */
export function interfacePath(interfaceId, rest = "") {
  return `${INTERFACES}/${seg(interfaceId)}${rest ? `/${rest}` : ""}`;
}

/** The admin page's link to an interface's tab: #/distributors/<id>/<tab>. */
export function interfaceHref(interfaceId, tab) {
  return `#/${SCREEN}/${seg(interfaceId)}${tab ? `/${tab}` : ""}`;
}

export const FUNCTIONS = {
  allotment_export: "Allotment export",
  sales_reintegration: "Sales reintegration",
  counts: "Distributor counts",
};

export const CATEGORIES = {
  external: "External (the distributor's data)",
  technical: "Technical (ours or the connection)",
  mapping: "Mapping (missing or wrong)",
};

const TONES = {
  ok: ["active", "sent", "succeeded", "success", "done", "completed", "ok", "integrated", "enabled", "matches"],
  bad: ["failed", "failure", "error", "timed_out", "aborted", "refused", "differs"],
  run: ["running", "started", "pending", "queued", "waiting", "in_progress"],
  off: ["suspended", "disabled", "cancelled", "skipped", "none"],
};

/** A status as a coloured badge whose text says it (never colour alone). */
export function badge(status, testid = "status") {
  const value = String(status ?? "none");
  const tone = Object.keys(TONES).find((key) => TONES[key].includes(value.toLowerCase())) || "";
  return h("span", { class: `badge ${tone}`.trim(), "data-testid": testid, "data-status": value }, label(value));
}

/** The list an answer holds: the answer itself, or its first array among `keys` (then "items"). */
export function listIn(answer, ...keys) {
  if (Array.isArray(answer)) return answer;
  for (const key of [...keys, "items"]) if (Array.isArray(answer?.[key])) return answer[key];
  return [];
}

/** A plain table: heads are strings or {text, num}; rows are <tr> nodes. */
export function table(id, caption, heads, rows, empty = "Nothing yet.") {
  if (!rows.length) return h("p", { class: "muted", id, "data-testid": "empty" }, empty);
  return h("div", { class: "scroll" }, h("table", { id, "data-testid": id },
    caption ? h("caption", { class: "sr-only" }, caption) : null,
    h("thead", {}, h("tr", {}, heads.map((head) => {
      const { text, num } = typeof head === "string" ? { text: head } : head;
      return h("th", { scope: "col", class: num ? "num" : null }, text);
    }))),
    h("tbody", {}, rows)));
}

/** A number cell. */
export const num = (value, props = {}) => h("td", { class: "num", ...props }, value === null || value === undefined ? "–" : String(value));

/** Download a file the API serves (CSV, PDF) under `filename`. */
export async function download(path, accept, filename) {
  const blob = await fetchFile(path, accept);
  const url = URL.createObjectURL(new Blob([blob], { type: accept }));
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The first error of a categorized list, as one line: "[mapping] line 3: no mapping for …". */
export function errorLine(error) {
  if (!error) return "";
  if (typeof error === "string") return error;
  const where = [error.line !== undefined && error.line !== null ? `line ${error.line}` : null,
    error.external_sale_id ? `sale ${error.external_sale_id}` : null,
    error.performance_id ? `performance ${error.performance_id}` : null].filter(Boolean).join(", ");
  const text = error.message || error.reason || error.code || JSON.stringify(error);
  return `${error.category ? `[${error.category}] ` : ""}${where ? `${where}: ` : ""}${text}`;
}

/**
 * Errors by category: {external: n, technical: n, mapping: n} from a run's `errors_by_category` (counts
 * or lists) or from a plain list of categorized errors.
 */
export function errorCounts(source) {
  const counts = { external: 0, technical: 0, mapping: 0 };
  const by = source?.errors_by_category || source?.error_counts || null;
  if (by && typeof by === "object") {
    for (const [key, value] of Object.entries(by)) counts[key] = Array.isArray(value) ? value.length : Number(value) || 0;
    return counts;
  }
  for (const error of listIn(source?.errors ?? source)) if (error?.category) counts[error.category] = (counts[error.category] || 0) + 1;
  return counts;
}

/** "external 2 · mapping 1", or "none". */
export function countsText(counts) {
  const parts = Object.entries(counts).filter(([, n]) => n).map(([key, n]) => `${key} ${n}`);
  return parts.length ? parts.join(" · ") : "none";
}

/** Replace a box's content with a "Loading…" line. */
export function loading(box, text = "Loading…") {
  return fill(box, h("p", { class: "muted" }, text));
}
