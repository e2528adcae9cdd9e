// A seating plan drawn as one SVG: seats as small circles at their x/y (the viewBox scales them to
// fit), standing areas as labelled boxes under them; colours by key with a legend; a selection tool
// (click, shift-click to add or remove, drag a rectangle, shift-drag to add). Built for 20,000 seats:
// the seats are written as one markup string, and one set of listeners on the <svg> serves them all.

import { fill, h } from "./dom.js";

const DRAG_PX = 4;
const ZOOMS = [1, 1.5, 2, 3, 4, 6];
const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (n) => Math.round(Number(n) * 100) / 100;

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

/** Seat radius: 0.4 of the median distance between seats listed one after the other in a block. */
function radiusOf(blocks, width, height) {
  const gaps = [];
  for (const block of blocks) {
    for (let i = 1; i < block.seats.length; i++) {
      const a = block.seats[i - 1];
      const b = block.seats[i];
      const d = Math.hypot(b.x - a.x, b.y - a.y);
      if (d > 0) gaps.push(d);
    }
  }
  if (!gaps.length) return Math.max(width, height, 10) / 100;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] * 0.4;
}

/**
 * Draw a plan from GET /backoffice/seating-plans/{id}/seats ({blocks, areas}).
 * Returns {node, seats, index, paint(keyOf, palette), tag(name, valueOf), selectedIds(), selectIds(ids, add),
 *          clear(), onSelect(fn), describe} — `describe(seat)` gives the hover text (set it after drawing).
 * Each seat is a <circle class="seat" data-seat="<seat id>">; tag() adds data-<name> attributes to them.
 */
export function drawPlan({ id, blocks, areas = [], title = "Seating plan" }) {
  const seats = [];
  for (const block of blocks) {
    for (const seat of block.seats) {
      seats.push({ ...seat, zone: block.zone, block: block.block, x: Number(seat.x), y: Number(seat.y) });
    }
  }
  const index = new Map(seats.map((seat, i) => [seat.seat_id, i]));
  let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
  for (const s of seats) {
    if (s.x < minX) minX = s.x;
    if (s.x > maxX) maxX = s.x;
    if (s.y < minY) minY = s.y;
    if (s.y > maxY) maxY = s.y;
  }
  if (!seats.length) { minX = 0; maxX = 100; minY = 0; maxY = 20; }
  const r = radiusOf(blocks, maxX - minX, maxY - minY);
  const margin = 3 * r;
  const width = Math.max(maxX - minX, 10 * r) + 2 * margin;
  const areaHeight = areas.length ? Math.max(width / 12, 8 * r) : 0;
  const seatsHeight = seats.length ? maxY - minY + 2 * margin : 0;
  const height = seatsHeight + (areas.length ? areaHeight + 2 * margin : 0) || 10;
  const x0 = minX - margin;
  const y0 = minY - margin;

  // One markup string: a group per block (its zone/block as data-*), a circle per seat (its index).
  let markup = "";
  let i = 0;
  for (const block of blocks) {
    markup += `<g class="plan-block" data-zone="${esc(block.zone)}" data-block="${esc(block.block)}">`;
    for (const seat of block.seats) {
      markup += `<circle class="seat" cx="${num(seat.x)}" cy="${num(seat.y)}" r="${num(r)}" data-i="${i}" ` +
        `data-seat="${esc(seat.seat_id)}"/>`;
      i++;
    }
    markup += "</g>";
  }
  if (areas.length) {
    const gap = margin / 2;
    const boxWidth = (width - 2 * margin - gap * (areas.length - 1)) / areas.length;
    const top = y0 + seatsHeight + margin;
    const font = Math.min(areaHeight / 4, boxWidth / 10);
    areas.forEach((area, n) => {
      const left = x0 + margin + n * (boxWidth + gap);
      markup += `<g class="plan-area" data-area="${esc(area.code)}">` +
        `<rect x="${num(left)}" y="${num(top)}" width="${num(boxWidth)}" height="${num(areaHeight)}" rx="${num(r)}"/>` +
        `<text x="${num(left + boxWidth / 2)}" y="${num(top + areaHeight / 2)}" font-size="${num(font)}" ` +
        `text-anchor="middle" dominant-baseline="middle">${esc(area.name)} · ${esc(area.capacity)} standing</text></g>`;
    });
  }

  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("id", id);
  svg.setAttribute("class", "plan-svg fit");
  svg.setAttribute("viewBox", `${num(x0)} ${num(y0)} ${num(width)} ${num(height)}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("tabindex", "0");
  svg.setAttribute("aria-label",
    `${title}: ${seats.length} seats in ${blocks.length} blocks${areas.length ? `, ${areas.length} standing areas` : ""}. ` +
    "Click a seat to select it, shift-click to add it, drag a rectangle to select many; Escape clears.");
  svg.setAttribute("data-testid", "plan-svg");
  svg.innerHTML = `<g class="plan-seats">${markup}</g>` +
    `<rect class="lasso" hidden x="0" y="0" width="0" height="0" vector-effect="non-scaling-stroke"/>`;
  const style = planStyle(id);
  const lasso = svg.querySelector("rect.lasso");
  const nodes = [...svg.querySelectorAll("circle.seat")];
  const keyClass = new Array(seats.length).fill("");
  const tags = new Map(); // tag name -> each seat's value written as data-<name>
  const chosen = new Uint8Array(seats.length);
  let chosenCount = 0;
  let palette = [];
  let keys = [];
  const listeners = [];

  const status = h("p", { id: `${id}-selection`, class: "plan-selection", role: "status", "data-testid": "selection" },
    "No seat selected.");
  const hover = h("p", { id: `${id}-hover`, class: "plan-hover muted", "aria-hidden": "true" }, "\u00a0");
  const legend = h("ul", { id: `${id}-legend`, class: "legend", "data-testid": "legend" });
  const box = h("div", { class: "plan-box", id: `${id}-box` }, svg);
  const blockSelect = h("select", { id: `${id}-block`, "aria-label": "Block" },
    blocks.map((b, n) => h("option", { value: String(n) }, `Zone ${b.zone} · block ${b.block} (${b.seats.length})`)));
  let zoom = 0;
  const setZoom = (step) => {
    zoom = Math.max(0, Math.min(ZOOMS.length - 1, step));
    svg.style.width = `${ZOOMS[zoom] * 100}%`;
    svg.classList.toggle("fit", zoom === 0);
  };

  function changed() {
    status.textContent = chosenCount
      ? `${chosenCount} seat${chosenCount > 1 ? "s" : ""} selected${describeSelection()}.`
      : "No seat selected.";
    status.dataset.count = String(chosenCount);
    for (const listener of listeners) listener(chosenCount);
  }

  function describeSelection() {
    const perBlock = new Map();
    for (let n = 0; n < seats.length; n++) {
      if (!chosen[n]) continue;
      const label = `${seats[n].zone}/${seats[n].block}`;
      perBlock.set(label, (perBlock.get(label) || 0) + 1);
    }
    const parts = [...perBlock].slice(0, 4).map(([label, count]) => `${label}: ${count}`);
    return ` (${parts.join(", ")}${perBlock.size > 4 ? ", …" : ""})`;
  }

  function mark(n, on) {
    if (Boolean(chosen[n]) === on) return;
    chosen[n] = on ? 1 : 0;
    chosenCount += on ? 1 : -1;
    nodes[n].classList.toggle("sel", on);
  }

  function selectIndices(indices, add) {
    if (!add) clearMarks();
    for (const n of indices) mark(n, true);
    changed();
  }

  function clearMarks() {
    for (let n = 0; n < seats.length; n++) if (chosen[n]) mark(n, false);
  }

  function toPlan(event) {
    const matrix = svg.getScreenCTM().inverse();
    return new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
  }

  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = {
      x: event.clientX, y: event.clientY, from: toPlan(event), target: event.target, moved: false,
      add: event.shiftKey || event.ctrlKey || event.metaKey,
    };
    svg.setPointerCapture(event.pointerId);
    svg.focus({ preventScroll: true });
    event.preventDefault();
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) {
      const n = event.target.getAttribute?.("data-i");
      hover.textContent = n === null || n === undefined ? "\u00a0" : view.describe(seats[Number(n)]);
      return;
    }
    if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_PX) return;
    drag.moved = true;
    const to = toPlan(event);
    lasso.removeAttribute("hidden");
    lasso.setAttribute("x", Math.min(drag.from.x, to.x));
    lasso.setAttribute("y", Math.min(drag.from.y, to.y));
    lasso.setAttribute("width", Math.abs(to.x - drag.from.x));
    lasso.setAttribute("height", Math.abs(to.y - drag.from.y));
  });
  const endDrag = (event) => {
    if (!drag) return;
    const { add, moved, target, from } = drag;
    drag = null;
    lasso.setAttribute("hidden", "");
    if (event.type === "pointercancel") return;
    if (moved) {
      const to = toPlan(event);
      const [left, right] = [Math.min(from.x, to.x) - r, Math.max(from.x, to.x) + r];
      const [top, bottom] = [Math.min(from.y, to.y) - r, Math.max(from.y, to.y) + r];
      const inside = [];
      for (let n = 0; n < seats.length; n++) {
        const s = seats[n];
        if (s.x >= left && s.x <= right && s.y >= top && s.y <= bottom) inside.push(n);
      }
      selectIndices(inside, add);
      return;
    }
    const n = target.getAttribute?.("data-i");
    if (n === null || n === undefined) {
      if (!add) selectIndices([], false);
    } else if (add) {
      mark(Number(n), !chosen[Number(n)]);
      changed();
    } else {
      selectIndices([Number(n)], false);
    }
  };
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener("pointerleave", () => { if (!drag) hover.textContent = "\u00a0"; });
  svg.addEventListener("keydown", (event) => {
    if (event.key === "Escape") selectIndices([], false);
  });

  const button = (text, attrs, onclick) => h("button", { type: "button", class: "small", ...attrs, onclick }, text);
  const toolbar = h("div", { class: "plan-toolbar buttons compact" },
    button("Select all", { id: `${id}-all` }, () => selectIndices(seats.map((_, n) => n), false)),
    button("Clear selection", { id: `${id}-clear` }, () => selectIndices([], false)),
    blocks.length ? h("span", { class: "inline" }, blockSelect,
      button("Select block", { id: `${id}-select-block`, title: "Shift-click to add to the selection" },
        (event) => {
          const block = blocks[Number(blockSelect.value)];
          selectIndices(block.seats.map((seat) => index.get(seat.seat_id)), event.shiftKey);
        })) : null,
    h("span", { class: "inline zoom" },
      button("−", { id: `${id}-zoom-out`, "aria-label": "Zoom out" }, () => setZoom(zoom - 1)),
      button("Fit", { id: `${id}-zoom-fit`, "aria-label": "Fit the plan" }, () => setZoom(0)),
      button("+", { id: `${id}-zoom-in`, "aria-label": "Zoom in" }, () => setZoom(zoom + 1))));

  const view = {
    node: h("div", { class: "plan", id: `${id}-view` }, toolbar, box, hover, status,
      h("h3", { class: "sr-only" }, "Legend"), legend),
    seats,
    index,
    describe: (seat) => `Seat ${seat.seat_id}: zone ${seat.zone}, block ${seat.block}, row ${seat.row}, number ${seat.number}`,

    /** Colour every seat by keyOf(seat), with palette [{key, label, colour}]; unknown keys are grey. */
    paint(keyOf, entries) {
      palette = entries;
      keys = entries.map((entry) => entry.key);
      const position = new Map(keys.map((key, n) => [key, n]));
      const counts = new Array(entries.length).fill(0);
      let other = 0;
      for (let n = 0; n < seats.length; n++) {
        const p = position.get(keyOf(seats[n]));
        if (p === undefined) other++;
        else counts[p]++;
        const cls = p === undefined ? "seat" : `seat k${p}`;
        if (keyClass[n] !== cls) {
          keyClass[n] = cls;
          nodes[n].setAttribute("class", chosen[n] ? `${cls} sel` : cls);
        }
      }
      style.replaceSync(
        `#${id} .seat{fill:#c9ced6}` +
        entries.map((entry, n) => `#${id} .k${n}{fill:${entry.colour}}`).join("") +
        `#${id} .seat.sel{stroke:#111;stroke-width:${num(r * 0.6)}px}` +
        // On a dark colour the selection ring is yellow, or it would not show.
        entries.map((entry, n) => (dark(entry.colour) ? `#${id} .k${n}.sel{stroke:#ffd400}` : "")).join(""));
      fill(legend, entries.map((entry, n) => h("li", { "data-key": entry.key ?? "" },
        h("span", { class: "swatch", style: `background:${entry.colour}`, "aria-hidden": "true" }),
        h("span", { class: "legend-label" }, entry.label), " ",
        h("span", { class: "count", "data-testid": "legend-count" }, String(counts[n])),
        counts[n] ? button("Select", {
          "aria-label": `Select the ${counts[n]} seats: ${entry.label}`, "data-action": "select-key",
          title: "Shift-click to add to the selection",
        }, (event) => {
          const wanted = [];
          for (let m = 0; m < seats.length; m++) if (keyClass[m] === `seat k${n}`) wanted.push(m);
          selectIndices(wanted, event.shiftKey);
        }) : null)),
      other ? h("li", { "data-key": "" },
        h("span", { class: "swatch", style: "background:#c9ced6", "aria-hidden": "true" }),
        h("span", { class: "legend-label" }, "Other"), " ", h("span", { class: "count" }, String(other))) : null);
    },
    /**
     * Write valueOf(seat) as each seat's data-<name> attribute (e.g. data-status="sold"), whatever the
     * colouring; only changed values touch the DOM. undefined or null removes the attribute.
     */
    tag(name, valueOf) {
      if (!tags.has(name)) tags.set(name, new Array(seats.length).fill(undefined));
      const values = tags.get(name);
      for (let n = 0; n < seats.length; n++) {
        const value = valueOf(seats[n]) ?? undefined;
        if (values[n] === value) continue;
        values[n] = value;
        if (value === undefined) nodes[n].removeAttribute(`data-${name}`);
        else nodes[n].setAttribute(`data-${name}`, value);
      }
    },
    /** The selected seats' ids, in plan order. */
    selectedIds() {
      const ids = [];
      for (let n = 0; n < seats.length; n++) if (chosen[n]) ids.push(seats[n].seat_id);
      return ids;
    },
    selectIds(ids, add = false) {
      selectIndices(ids.map((seatId) => index.get(seatId)).filter((n) => n !== undefined), add);
    },
    clear() {
      selectIndices([], false);
    },
    onSelect(listener) {
      listeners.push(listener);
    },
    get palette() {
      return palette;
    },
  };
  return view;
}

// ---- colouring modes shared by the layout and stock views ----------------------------------------

export const STATUSES = [
  { key: "free", label: "Free", colour: "#2e9d5b" },
  { key: "held", label: "Held (in a cart)", colour: "#e69b00" },
  { key: "sold", label: "Sold", colour: "#6a4fc9" },
  { key: "blocked", label: "Blocked", colour: "#33373d" },
];
export const NO_QUOTA = "";

/**
 * The palette of a colouring mode: "category" (the categories' own colours, by rank), "quota"
 * (generated colours, plus the general stock) or "status".
 */
export function paletteFor(mode, { categories = [], quotas = [] } = {}) {
  if (mode === "status") return STATUSES;
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
