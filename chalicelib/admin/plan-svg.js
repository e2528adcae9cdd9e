// A seating plan drawn as one SVG: seats as small circles at their x/y (the viewBox scales them to
// fit), standing areas as labelled boxes; colours by key with a legend; a selection tool (click,
// shift-click to add or remove, drag a rectangle, shift-drag to add, the keyboard, a block / row /
// seats picker) and the selection listed for the side panel; zoom and pan (plan-zoom.js). Built for
// 20,000 seats: the seats are written as one markup string (plan-draw.js), and one set of listeners on
// the <svg> serves them all (plan-select.js).

import { fill, h } from "./dom.js";
import { geometry, num, planSvg } from "./plan-draw.js";
import { seatPicker, selectionList } from "./plan-picker.js";
import { listenForSelection, selectionOf } from "./plan-select.js";
import { zoomer } from "./plan-zoom.js";

/** Distinct colours for keys that have none (quotas): golden-angle hues. */
export function paletteColour(index) {
  return `hsl(${Math.round((index * 137.508 + 200) % 360)} 62% 48%)`;
}

/** True for a "#rrggbb" colour too dark for a black selection ring. */
function dark(colour) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return false;
  const [red, green, blue] = match.slice(1).map((part) => parseInt(part, 16) / 255);
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.3;
}

const planStyles = new Map(); // plan id -> its constructed style sheet

/**
 * The plan's colour rules, in a constructed style sheet: the page's CSP refuses inline style
 * elements (no 'unsafe-inline'), not sheets built through the CSSOM. One sheet per plan id.
 */
function planStyle(id) {
  let sheet = planStyles.get(id);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    planStyles.set(id, sheet);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(""); // a new drawing starts with no colours, as before the sheet was shared
  return sheet;
}

/** paint(keyOf, entries): colour the seats by key and fill the legend, each entry with a Select button. */
function painter({ id, seats, nodes, selection, legend, r, button }) {
  const style = planStyle(id);
  const keyClass = new Array(seats.length).fill("");
  return (keyOf, entries) => {
    const position = new Map(entries.map((entry, n) => [entry.key, n]));
    const counts = new Array(entries.length).fill(0);
    let other = 0;
    for (let n = 0; n < seats.length; n++) {
      const p = position.get(keyOf(seats[n]));
      if (p === undefined) other++;
      else counts[p]++;
      const cls = p === undefined ? "seat" : `seat k${p}`;
      if (keyClass[n] !== cls) {
        keyClass[n] = cls;
        nodes[n].setAttribute("class", selection.chosen[n] ? `${cls} sel` : cls);
      }
    }
    style.replaceSync(
      `#${id} .seat{fill:#c9ced6}` +
      entries.map((entry, n) => `#${id} .k${n}{fill:${entry.colour}}`).join("") +
      `#${id} .seat.sel{stroke:#111;stroke-width:${num(r * 0.6)}px}` +
      // On a dark colour the selection ring is yellow, or it would not show.
      entries.map((entry, n) => (dark(entry.colour) ? `#${id} .k${n}.sel{stroke:#ffd400}` : "")).join(""));
    const selectKey = (n) => (event) => {
      const wanted = [];
      for (let m = 0; m < seats.length; m++) if (keyClass[m] === `seat k${n}`) wanted.push(m);
      selection.select(wanted, event.shiftKey);
    };
    fill(legend, entries.map((entry, n) => h("li", { "data-key": entry.key ?? "" },
      h("span", { class: "swatch", style: `background:${entry.colour}`, "aria-hidden": "true" }),
      h("span", { class: "legend-label" }, entry.label), " ",
      h("span", { class: "count", "data-testid": "legend-count" }, String(counts[n])),
      counts[n] ? button("Select", {
        "aria-label": `Select the ${counts[n]} seats: ${entry.label}`, "data-action": "select-key",
        title: "Shift-click to add to the selection",
      }, selectKey(n)) : null)),
    other ? h("li", { "data-key": "" },
      h("span", { class: "swatch", style: "background:#c9ced6", "aria-hidden": "true" }),
      h("span", { class: "legend-label" }, "Other"), " ", h("span", { class: "count" }, String(other))) : null);
  };
}

/** tag(name, valueOf): each seat's data-<name> attribute; only changed values touch the DOM. */
function tagger(seats, nodes) {
  const tags = new Map(); // tag name -> each seat's value written as data-<name>
  return (name, valueOf) => {
    if (!tags.has(name)) tags.set(name, new Array(seats.length).fill(undefined));
    const values = tags.get(name);
    for (let n = 0; n < seats.length; n++) {
      const value = valueOf(seats[n]) ?? undefined;
      if (values[n] === value) continue;
      values[n] = value;
      if (value === undefined) nodes[n].removeAttribute(`data-${name}`);
      else nodes[n].setAttribute(`data-${name}`, value);
    }
  };
}

const button = (text, attrs, onclick) => h("button", { type: "button", class: "small", ...attrs, onclick }, text);

function toolbarOf(id, { selection, seats }) {
  const zoomLevel = h("span", { id: `${id}-zoom-level`, class: "muted", "aria-live": "polite" }, "100%");
  const zoomOut = button("−", { id: `${id}-zoom-out`, "aria-label": "Zoom out", disabled: true }, () => zoom.zoomOut());
  const zoomIn = button("+", { id: `${id}-zoom-in`, "aria-label": "Zoom in" }, () => zoom.zoomIn());
  let zoom = null;
  const node = h("div", { class: "plan-toolbar buttons compact" },
    button("Select all", { id: `${id}-all` }, () => selection.select(seats.map((_, n) => n), false)),
    button("Clear selection", { id: `${id}-clear` }, () => selection.select([], false)),
    h("span", { class: "inline zoom", role: "group", "aria-label": "Zoom" },
      zoomOut, button("Fit", { id: `${id}-zoom-fit`, "aria-label": "Fit the plan" }, () => zoom.fit()), zoomIn,
      zoomLevel));
  return {
    node,
    /** Bind the buttons to the plan's zoom once both exist; onZoom keeps the buttons and level true. */
    bind(zoomOf) {
      zoom = zoomOf((level, deepest) => {
        zoomLevel.textContent = `${Math.round(level * 100)}%`;
        zoomOut.disabled = level <= 1;
        zoomIn.disabled = deepest;
      });
    },
  };
}

/**
 * Draw a plan from GET /backoffice/seating-plans/{id}/seats ({blocks, areas}).
 * Returns {node, seats, index, paint(keyOf, palette), tag(name, valueOf), selectedIds(), selectIds(ids, add),
 *          clear(), onSelect(fn), describe} — `describe(seat)` gives the hover text (set it after drawing).
 * Each seat is a <circle class="seat" data-seat="<seat id>">; tag() adds data-<name> attributes to them.
 */
export function drawPlan({ id, blocks, areas = [], title = "Seating plan" }) {
  const g = geometry(blocks, areas);
  const { seats, index } = g;
  const svg = planSvg(id, title, blocks, areas, g);
  const nodes = [...svg.querySelectorAll("circle.seat")];
  const listeners = [];
  let palette = [];
  const status = h("p", { id: `${id}-selection`, class: "plan-selection", role: "status", "data-testid": "selection" },
    "No seat selected.");
  // What the pointer is over, or the seat the keyboard or a click chose (then read out: aria-live).
  const hover = h("p", { id: `${id}-hover`, class: "plan-hover muted", "aria-live": "polite" }, "\u00a0");
  let pinned = null;
  const legend = h("ul", { id: `${id}-legend`, class: "legend", "data-testid": "legend" });
  const chosenList = selectionList(id, seats);
  const selection = selectionOf(seats, nodes, (count, text) => {
    status.textContent = text;
    status.dataset.count = String(count);
    chosenList.refresh(selection.chosen);
    for (const listener of listeners) listener(count);
  });
  chosenList.refresh(selection.chosen);
  const paint = painter({ id, seats, nodes, selection, legend, r: g.r, button });
  const toolbar = toolbarOf(id, { selection, seats });
  const box = h("div", { class: "plan-box", id: `${id}-box` }, svg);
  toolbar.bind((onZoom) => zoomer(box, svg, { seats, r: g.r, viewWidth: g.width, onZoom }));
  const view = {
    node: h("div", { class: "plan", id: `${id}-view` }, toolbar.node,
      box, hover, status, seatPicker(id, blocks, { seats, index, selection }),
      h("h2", { class: "sr-only" }, "Legend"), legend),
    /** The selected seats by block and row: the screen puts it in its side panel. */
    selectionPanel: chosenList.node,
    seats,
    index,
    /** The details of a seat (text or nodes, e.g. a link to what holds it); set it after drawing. */
    describe: (seat) => `Seat ${seat.seat_id}: zone ${seat.zone}, block ${seat.block}, row ${seat.row}, number ${seat.number}`,
    /** Colour every seat by keyOf(seat), with palette [{key, label, colour}]; unknown keys are grey. */
    paint(keyOf, entries) {
      palette = entries;
      paint(keyOf, entries);
    },
    /** Write valueOf(seat) as each seat's data-<name> (e.g. data-status="sold"); null removes it. */
    tag: tagger(seats, nodes),
    /** The selected seats' ids, in plan order. */
    selectedIds: () => seats.filter((_, n) => selection.chosen[n]).map((seat) => seat.seat_id),
    selectIds(ids, add = false) {
      selection.select(ids.map((seatId) => index.get(seatId)).filter((n) => n !== undefined), add);
    },
    clear: () => selection.select([], false),
    onSelect: (listener) => listeners.push(listener),
    get palette() {
      return palette;
    },
  };
  listenForSelection(svg, {
    seats, r: g.r, selection, hovered: (seat, pin = false) => {
      if (pin || !seat) pinned = pin ? seat : pinned;
      const shown = seat || pinned;
      fill(hover, shown ? view.describe(shown) : "\u00a0");
    },
  });
  return view;
}

// ---- colouring modes shared by the layout and stock views ----------------------------------------

export const STATUSES = [
  { key: "free", label: "Free", colour: "#2e9d5b" },
  { key: "held", label: "Held", colour: "#e69b00" },
  { key: "sold", label: "Sold", colour: "#6a4fc9" },
  { key: "blocked", label: "Blocked", colour: "#33373d" },
];

/**
 * With the seats' holders known, a held seat is coloured by what holds it (key "held:<kind>"); a seat
 * of a distributor's allotment, held or sold, is "held:distributor".
 */
export const HOLD_KINDS = [
  { key: "held:cart", label: "In a cart", colour: "#e69b00" },
  { key: "held:option", label: "Held by an option", colour: "#0b7285" },
  { key: "held:reservation", label: "Reserved (awaiting payment)", colour: "#c2255c" },
  { key: "held:distributor", label: "Distributor (allotment sold or held)", colour: "#228be6" },
];
export const NO_QUOTA = "";

/**
 * The palette of a colouring mode: "category" (the categories' own colours, by rank), "quota"
 * (generated colours, plus the general stock) or "status".
 */
export function paletteFor(mode, { categories = [], quotas = [], holders = false } = {}) {
  // A cart takes held's place: each status keeps its colour class (sold is k2) whether holders are known or not.
  if (mode === "status") return holders ? [STATUSES[0], HOLD_KINDS[0], ...STATUSES.slice(2), ...HOLD_KINDS.slice(1)] : STATUSES;
  if (mode === "quota") {
    return [
      ...quotas.map((quota, n) => ({ key: quota.id, label: quota.name || quota.code, colour: paletteColour(n) })),
      { key: NO_QUOTA, label: "No quota (general stock)", colour: "#8db4d9" },
    ];
  }
  return [...categories].sort((a, b) => a.rank - b.rank)
    .map((category) => ({ key: category.id, label: category.name || category.code, colour: category.colour }));
}

/** Radio buttons "Colour by: category / quota / status"; onChange(mode). */
export function modeSwitch(id, modes, current, onChange) {
  const names = { category: "Seat category", quota: "Quota", status: "Status" };
  return h("fieldset", { class: "mode-switch", id, "data-testid": "colour-by" },
    h("legend", {}, "Colour by"),
    modes.map((mode) => h("label", { class: "check" },
      h("input", {
        type: "radio", name: id, value: mode, checked: mode === current,
        onchange: (event) => { if (event.currentTarget.checked) onChange(mode); },
      }), " ", names[mode])));
}
