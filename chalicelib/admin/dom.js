// Small DOM helpers shared by the screens: element builder, error display, confirm dialog, notices.

/**
 * Build an element: h("button", {class: "primary", onclick: fn, "data-testid": "x"}, "Save").
 * Keys starting with "on" are listeners; booleans and `value` are set as properties; null is skipped.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else if (key === "value" || key === "checked") node[key] = value;
    // Through the CSSOM: the page's CSP refuses style="" attributes (no 'unsafe-inline').
    else if (key === "style") node.style.cssText = String(value);
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** Replace the children of a node. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let uid = 0;

/** A labelled form field: <div class="field" data-field=name><label/>control<hint/></div>. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f-${++uid}`;
  const box = h("div", { class: "field", "data-field": control.name || null },
    h("label", { for: control.id }, label), control);
  if (hint) {
    const hintNode = h("p", { class: "hint", id: `${control.id}-hint` }, hint);
    control.setAttribute("aria-describedby", hintNode.id);
    box.append(hintNode);
  }
  return box;
}

/** A group of checkboxes named `name`, one per value; `checked` lists the ticked values. */
export function checkboxes(legend, name, values, checked = []) {
  const set = new Set(checked);
  const items = values.length
    ? values.map((value) =>
        h("label", { class: "check" },
          h("input", { type: "checkbox", name, value, checked: set.has(value) }), " ", value))
    : [h("p", { class: "muted" }, "None defined yet.")];
  return h("fieldset", { class: "field checks", "data-field": name }, h("legend", {}, legend), ...items);
}

/** The ticked values of the checkboxes named `name` inside `form`. */
export function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[type=checkbox][name="${name}"]`)]
    .filter((box) => box.checked).map((box) => box.value);
}

/** An error box (hidden until showError). */
export function errorBox(id) {
  return h("div", { class: "error", id, role: "alert", "data-testid": "error", hidden: true });
}

/** Forget the errors shown in `box` and on the fields of `form`. */
export function clearErrors(box, form) {
  if (box) {
    box.hidden = true;
    box.replaceChildren();
  }
  if (!form) return;
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-err"));
    if (described.length) node.setAttribute("aria-describedby", described.join(" "));
    else node.removeAttribute("aria-describedby");
  }
}

// The API's 422 reasons come from pydantic; the slug one quotes a regular expression.
const SLUG_PATTERN = "^[a-z0-9][a-z0-9._-]*$";

function readable(reason, type) {
  if (type === "string_pattern_mismatch" && reason.includes(SLUG_PATTERN)) {
    return "Use lowercase letters, digits, '.', '_' or '-' only (no spaces or capitals).";
  }
  return reason;
}

function markField(form, name, reason) {
  const key = name.replace(/^(body|query)\./, "").split(".")[0];
  const wrapper = key && form.querySelector(`[data-field="${CSS.escape(key)}"]`);
  if (!wrapper) return false;
  const errorId = `${wrapper.querySelector("input,select,textarea")?.id || key}-err`;
  const shown = wrapper.querySelector(`[id="${CSS.escape(errorId)}"]`);
  if (shown) {
    shown.append(h("br"), reason);
    return true;
  }
  wrapper.append(h("p", { class: "field-error", id: errorId }, reason));
  for (const control of wrapper.querySelectorAll("input,select,textarea")) {
    control.setAttribute("aria-invalid", "true");
    const described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", described ? `${described} ${errorId}` : errorId);
  }
  return true;
}

/**
 * Show an error: its message in `box`; with `form`, per-field reasons next to the fields they name,
 * and the reasons of fields the form does not have listed under the message.
 */
export function showError(box, error, form) {
  clearErrors(box, form);
  const message = error?.message || "Something went wrong.";
  const leftOver = [];
  for (const { field: name, reason: raw, type, inMessage } of error?.fields || []) {
    const reason = readable(raw, type);
    const shown = form && markField(form, name, reason);
    if (!shown && !inMessage) leftOver.push(h("li", {}, h("strong", {}, name || "request"), ": ", reason));
  }
  fill(box, h("p", {}, message), leftOver.length ? h("ul", {}, leftOver) : null);
  box.hidden = false;
  const invalid = form?.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
}

/** Flag the empty [required] fields of `form`; true when none is empty. */
export function checkRequired(form, box) {
  clearErrors(box, form);
  const empty = [...form.querySelectorAll("[required]")].filter((control) => !control.value.trim());
  if (!empty.length) return true;
  const fields = empty.map((control) => ({ field: control.name, reason: "Required." }));
  showError(box, { message: "Please fill in the required fields.", fields }, form);
  return false;
}

/** Run `action` with `button` disabled; the page stays usable if it throws. */
export async function whileBusy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** Ask for confirmation in the page's modal dialog; resolves true when confirmed. */
export function confirmAction(text, confirmLabel = "Delete") {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-yes").textContent = confirmLabel;
  dialog.returnValue = "";
  dialog.showModal();
  document.getElementById("confirm-no").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
  });
}

let noticeTimer;

/** A short success message in the page's live region. */
export function notify(text) {
  const notice = document.getElementById("notice");
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, 6000);
}

const pad = (n) => String(n).padStart(2, "0");

/** "9 Dec 20:00", for titles: short enough for a browser tab; "" for nothing. */
export function shortTime(iso) {
  if (!iso) return "";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return String(iso);
  return `${t.getDate()} ${t.toLocaleString("en-GB", { month: "short" })} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** "2026-05-28 14:03:07" in the browser's time zone; "" for nothing. */
export function formatTime(iso) {
  if (!iso) return "";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return String(iso);
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ` +
    `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}
