// The seed's manual file reintegration: the operator picks a distributor's sales file (CSV or JSON) and
// sends it as is; a small file is integrated at once (its outcomes per line are shown), a bigger one is
// kept in the interface's inbox for a sales reintegration run (202 with its key).

import { ApiError, ROOT, session } from "./api.js";
import { AREA, badge, errorLine, interfacePath, table } from "./distributors-common.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";

/** POST a text body as it is (the API's JSON helper would quote it); resolves to {status, data}. */
export async function postText(path, text, type) {
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), ROOT), {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": type, Authorization: `Bearer ${session.token}` },
      body: text,
    });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached. Check the connection and try again.");
  }
  let data = null;
  try {
    data = JSON.parse(await response.text());
  } catch {
    data = null;
  }
  if (response.ok) return { status: response.status, data };
  if (data && typeof data.message === "string") throw new ApiError(response.status, data.code, data.message, data.details);
  throw new ApiError(response.status, "http_error", `The server answered ${response.status}. Please try again.`);
}

const OUTCOME_KEYS = ["outcomes", "lines", "results"];

export function salesFileForm(ctx, item, after) {
  const problem = errorBox("distributor-sales-file-error");
  const result = h("div", { id: "distributor-sales-file-result", role: "status" });
  const file = h("input", { type: "file", id: "distributor-sales-file", name: "file", accept: ".csv,.json,.txt,text/csv,application/json,text/plain" });
  const form = h("form", { id: "distributor-sales-file-form", novalidate: true, "aria-labelledby": "distributor-sales-file-title" },
    h("h2", { id: "distributor-sales-file-title" }, "Reintegrate a sales file"),
    h("p", { class: "hint" }, "A file the distributor sent (CSV or JSON). Each line succeeds or fails alone; a line already ",
      "integrated is reported so, never sold twice. A big file is kept for a sales reintegration run."),
    problem, field("Sales file", file),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "distributor-sales-file-submit" }, "Reintegrate")),
    result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    fill(result);
    const chosen = file.files[0];
    if (!chosen) {
      showError(problem, { message: "Choose a sales file.", fields: [{ field: "file", reason: "Required." }] }, form);
      return;
    }
    whileBusy(form.querySelector("#distributor-sales-file-submit"), async () => {
      clearErrors(problem, form);
      try {
        const text = await chosen.text();
        const type = /\.json$/i.test(chosen.name) || text.trimStart().startsWith("{") || text.trimStart().startsWith("[")
          ? "application/json" : "text/csv";
        // The inbox takes names of letters, digits, ".", "_" and "-" only.
        const name = chosen.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100) || "sales.csv";
        const path = `${interfacePath(item.id, "sales-files")}?name=${encodeURIComponent(name)}`;
        const { status, data } = await postText(path, text, type);
        fill(result, status === 202 ? kept(data) : outcomes(data));
        ctx.notify(status === 202 ? `${chosen.name} kept for a reintegration run.` : `${chosen.name} reintegrated.`);
        await after();
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  return ctx.can(AREA, "create") ? form : null;
}

function kept(data) {
  return h("p", { id: "distributor-sales-file-kept" }, "The file is kept in the inbox",
    data?.key ? [" as ", h("code", {}, data.key)] : "", ": start a sales reintegration run with it (Run now, file to take)",
    data?.run_id ? `; run ${data.run_id} started` : "", ".");
}

function outcomes(data) {
  const lines = OUTCOME_KEYS.map((key) => data?.[key]).find(Array.isArray) || [];
  const counts = ["read", "integrated", "already_integrated", "cancelled", "failed"]
    .filter((key) => typeof data?.[key] === "number").map((key) => `${data[key]} ${key.replace("_", " ")}`);
  const errors = Array.isArray(data?.errors) ? data.errors : [];
  return [
    h("p", { id: "distributor-sales-file-counts" }, counts.length ? counts.join(" · ") : `${lines.length} line(s)`),
    lines.length ? table("distributor-sales-outcomes", "Outcome per line", ["Line", "Sale", "Status", "Category", "Message", "Order"],
      lines.map((o) => h("tr", { "data-status": o.status },
        h("td", { class: "num" }, String(o.line ?? "")), h("td", {}, o.external_sale_id || ""),
        h("td", {}, badge(o.status)), h("td", {}, o.category || ""), h("td", {}, o.message || ""),
        h("td", {}, o.order_id ? h("a", { href: `#/orders/${encodeURIComponent(o.order_id)}` }, o.order_id) : "")))) : null,
    errors.length ? table("distributor-sales-errors", "The file's errors, by line", ["Category", "Error"],
      errors.map((e) => h("tr", { "data-category": e.category || "" }, h("td", {}, badge(e.category || "technical", "category")), h("td", {}, errorLine(e))))) : null,
  ];
}
