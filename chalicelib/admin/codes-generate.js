// Single-use codes, "generate and send": generate N codes for a contact (a large batch is made by a
// workflow: its progress is polled every 2 s), import codes from a CSV, and the advantage's batches
// with CSV download and sending by email.

import { api, fetchFile, seg } from "./api.js";
import { nameOf } from "./crud.js";
import { checkRequired, clearErrors, errorBox, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";
import { listIn } from "./advantages-common.js";

const POLL_MS = 2000;
const IMPORT_CHUNK = 1000;
const CODE = /^[A-Za-z0-9-]{4,32}$/;

export const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** A contact select (or a text input when contacts cannot be listed); name "contact_id". */
export function contactControl(id, contacts, value = "", blank = "— none —") {
  if (contacts === null) return h("input", { id, name: "contact_id", value, autocomplete: "off", spellcheck: "false" });
  const select = h("select", { id, name: "contact_id" }, h("option", { value: "" }, blank),
    contacts.map((c) => h("option", { value: c.id }, nameOf(c))));
  select.value = value;
  return select;
}

export const contactName = (contacts, id) => (id ? nameOf(contacts?.find((c) => c.id === id)) || id : "–");

/** The codes of a CSV: the first cell of each line, quotes and a header line left out. */
export function codesOfCsv(text) {
  const codes = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    const cell = line.split(/[,;\t]/)[0].trim().replace(/^"(.*)"$/, "$1").trim();
    if (!cell) continue;
    if (CODE.test(cell) && cell.toLowerCase() !== "code") codes.push(cell.toUpperCase());
    else skipped++;
  }
  return { codes: [...new Set(codes)], skipped };
}

/** The "generate and send" card of one advantage: {node, load()}; onChange() runs after codes were made or sent. */
export function generatePanel(ctx, advantage, contacts, { onChange = () => {} } = {}) {
  const base = `/backoffice/advantages/${seg(advantage.advantage_id)}`;
  const problem = errorBox("codes-generate-error");
  const result = h("div", { id: "codes-generate-result", "aria-live": "polite" });
  const list = batchList(ctx, base, contacts, () => onChange());
  // New codes change the batches, the tracked codes and the dashboard.
  const batches = { ...list, reload: async () => { await list.reload(); await onChange(); } };
  const form = h("form", { id: "codes-generate-form", novalidate: true, "aria-labelledby": "codes-generate-title" },
    h("h3", { id: "codes-generate-title" }, "Generate codes"),
    problem,
    h("div", { class: "row" },
      field("Number of codes", h("input", { id: "codes-count", name: "count", type: "number", min: 1, max: 100000, step: 1, required: true }),
        "Up to 1,000 at once; a larger batch is made in the background and its progress shown."),
      field("For the contact", contactControl("codes-contact", contacts), "A company or partner; optional.")),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "codes-generate" }, "Generate")),
    result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const count = Number(form.elements.count.value);
    if (!Number.isInteger(count) || count < 1) {
      return showError(problem, { message: "Please correct the number.", fields: [{ field: "count", reason: "A whole number from 1." }] }, form);
    }
    const body = { count };
    if (form.elements.contact_id.value.trim()) body.contact_id = form.elements.contact_id.value.trim();
    whileBusy(form.querySelector("#codes-generate"), async () => {
      try {
        const answer = await api.post(`${base}/codes`, body);
        if (ctx.signal.aborted) return;
        form.reset();
        if (answer?.status === "generating") {
          ctx.notify(`Generating ${count} codes in the background…`);
          await follow(ctx, base, answer, count, result);
        } else {
          fill(result, h("p", { "data-testid": "generated" }, `${answer.codes.length} codes generated (batch ${answer.batch_id}).`));
          ctx.notify(`${answer.codes.length} codes generated.`);
        }
        await batches.reload();
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  const node = h("section", { class: "card", id: "codes-generate-card", "aria-labelledby": "codes-generate-card-title" },
    h("h2", { id: "codes-generate-card-title" }, "Generate and send"),
    form, importForm(ctx, base, contacts, batches), batches.node);
  return { node, load: () => list.reload() };
}

/** Poll a batch made in the background until it is done; a progress bar says generated / count. */
async function follow(ctx, base, answer, count, result) {
  const total = answer.count ?? count;
  const bar = h("progress", { id: "codes-progress", max: total, value: answer.generated ?? 0, "aria-labelledby": "codes-progress-label" });
  const text = h("span", { id: "codes-progress-text" });
  const show = (batch) => {
    bar.max = batch.count ?? total;
    bar.value = batch.generated ?? 0;
    text.textContent = ` ${batch.generated ?? 0} / ${batch.count ?? total} generated · ${batch.status}`;
  };
  fill(result, h("p", {}, h("span", { id: "codes-progress-label" }, `Batch ${answer.batch_id}`), " ", bar, text));
  show({ ...answer, count: total });
  while (!ctx.signal.aborted) {
    await sleep(POLL_MS, ctx.signal);
    if (ctx.signal.aborted) return;
    const batch = await api.get(`${base}/batches/${seg(answer.batch_id)}`);
    if (ctx.signal.aborted) return;
    show(batch);
    if (batch.status !== "generating") {
      ctx.notify(batch.status === "failed"
        ? `Batch ${answer.batch_id} failed: ${batch.error || "unknown error"}.`
        : `Batch ${answer.batch_id}: ${batch.generated} codes generated.`);
      return;
    }
  }
}

function importForm(ctx, base, contacts, batches) {
  const problem = errorBox("codes-import-error");
  const result = h("p", { id: "codes-import-result", "aria-live": "polite" });
  const form = h("form", { id: "codes-import-form", novalidate: true, "aria-labelledby": "codes-import-title" },
    h("h3", { id: "codes-import-title" }, "Import codes from a CSV"),
    problem,
    h("div", { class: "row" },
      field("CSV file", h("input", { id: "codes-import-file", name: "file", type: "file", accept: ".csv,.txt,text/csv,text/plain", required: true }),
        "One code per line, in the first column: 4 to 32 letters, digits or '-'."),
      field("For the contact", contactControl("codes-import-contact", contacts))),
    h("div", { class: "buttons" }, h("button", { type: "submit", id: "codes-import" }, "Import")),
    result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(problem, form);
    const file = form.elements.file.files[0];
    if (!file) return showError(problem, { message: "Choose a CSV file.", fields: [{ field: "file", reason: "Required." }] }, form);
    const contactId = form.elements.contact_id.value.trim();
    whileBusy(form.querySelector("#codes-import"), async () => {
      const { codes, skipped } = codesOfCsv(await file.text());
      if (!codes.length) return showError(problem, { message: "The file holds no code (4 to 32 letters, digits or '-')." });
      let done = 0;
      try {
        for (let at = 0; at < codes.length && !ctx.signal.aborted; at += IMPORT_CHUNK) {
          const body = { codes: codes.slice(at, at + IMPORT_CHUNK) };
          if (contactId) body.contact_id = contactId;
          done += (await api.post(`${base}/codes/import`, body)).codes.length;
          result.textContent = `${done} of ${codes.length} codes imported…`;
        }
        result.textContent = `${done} codes imported${skipped ? `; ${skipped} lines were not codes and were left out` : ""}.`;
        ctx.notify(`${done} codes imported.`);
        form.reset();
      } catch (error) {
        if (ctx.signal.aborted) return;
        showError(problem, error);
        if (done) result.textContent = `${done} codes were imported before the error.`;
      }
      await batches.reload();
    });
  });
  return form;
}

function batchList(ctx, base, contacts, onSent) {
  const problem = errorBox("codes-batches-error");
  const box = h("div", { id: "codes-batches", class: "scroll" });
  let rows = [];

  async function reload() {
    clearErrors(problem);
    try {
      rows = listIn(await api.get(`${base}/batches`), "batches");
    } catch (error) {
      if (ctx.signal.aborted) return;
      if (error.status === 404) return fill(box, h("p", { class: "muted" }, "This server does not list batches yet."));
      return showError(problem, error);
    }
    if (ctx.signal.aborted) return;
    draw();
  }

  function draw() {
    if (!rows.length) return fill(box, h("p", { "data-testid": "empty" }, "No batch yet."));
    fill(box, h("table", { id: "codes-batches-table", "data-testid": "codes-batches-table" },
      h("caption", { class: "sr-only" }, "Batches of codes"),
      h("thead", {}, h("tr", {}, ["Batch", "Contact", "Codes", "Status", "Created", "Sent", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.map((batch) => h("tr", { "data-batch": batch.batch_id, "data-status": batch.status || null },
        h("td", { "data-col": "batch" }, h("code", {}, batch.batch_id), batch.source ? h("div", { class: "muted" }, batch.source) : null),
        h("td", { "data-col": "contact" }, contactName(contacts, batch.contact_id)),
        h("td", { "data-col": "count", class: "num" }, `${batch.generated ?? batch.count ?? "–"}${batch.status === "generating" ? ` / ${batch.count}` : ""}`),
        h("td", { "data-col": "status" }, batch.status || "ready", batch.error ? h("div", { class: "muted" }, batch.error) : null),
        h("td", { "data-col": "created" }, formatTime(batch.created_at).slice(0, 16) || "–", batch.created_by ? h("div", { class: "muted" }, batch.created_by) : null),
        h("td", { "data-col": "sent" }, batch.sent_at ? formatTime(batch.sent_at).slice(0, 16) : "–",
          batch.sent_email || batch.sent_to ? h("div", { class: "muted" }, batch.sent_email || contactName(contacts, batch.sent_to)) : null),
        h("td", { class: "actions" }, batchActions(batch)))))));
  }

  function batchActions(batch) {
    const ready = batch.status !== "generating" && batch.status !== "failed";
    return [
      h("button", {
        type: "button", class: "small", "data-action": "download", disabled: !ready, "aria-label": `Download CSV of batch ${batch.batch_id}`,
        onclick: (e) => whileBusy(e.currentTarget, () => download(batch)),
      }, "Download CSV"),
      ctx.can("advantages", "execute") ? h("button", {
        type: "button", class: "small", "data-action": "send", disabled: !ready, "aria-label": `Send by email batch ${batch.batch_id}`,
        onclick: (e) => sendForm(e.currentTarget.closest("tr"), batch),
      }, "Send by email") : null,
    ];
  }

  async function download(batch) {
    clearErrors(problem);
    try {
      const blob = await fetchFile(`${base}/batches/${seg(batch.batch_id)}/codes.csv`, "text/csv");
      const url = URL.createObjectURL(new Blob([blob], { type: "text/csv" }));
      const link = h("a", { href: url, download: `codes-${batch.batch_id}.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      ctx.notify(`Batch ${batch.batch_id} downloaded.`);
    } catch (error) {
      showError(problem, error);
    }
  }

  function sendForm(row, batch) {
    row.parentNode.querySelector("tr.editor")?.remove();
    const control = contactControl(`codes-send-contact-${batch.batch_id}`, contacts, batch.contact_id || "", "— the batch's contact —");
    const form = h("form", { class: "inline", novalidate: true, id: "codes-send-form" },
      field("Send to", control),
      h("button", { type: "submit", class: "small primary", id: "codes-send" }, "Send"),
      h("button", { type: "button", class: "small", onclick: () => editor.remove() }, "Cancel"));
    const editor = h("tr", { class: "editor" }, h("td", { colspan: 7 }, form));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const contactId = control.value.trim();
      whileBusy(form.querySelector("#codes-send"), async () => {
        try {
          await api.post(`${base}/batches/${seg(batch.batch_id)}/send`, contactId ? { contact_id: contactId } : {});
          ctx.notify(`Batch ${batch.batch_id} is on its way to ${contactName(contacts, contactId || batch.contact_id)}.`);
          editor.remove();
          await Promise.all([reload(), onSent()]);
        } catch (error) {
          showError(problem, error);
        }
      });
    });
    row.after(editor);
    control.focus();
  }

  return {
    node: h("div", {}, h("h3", { id: "codes-batches-title" }, "Batches"), problem, box),
    reload,
    rows: () => rows,
  };
}
