// Hand-drawn SVG charts for the home and reports screens (no library, nothing inline the CSP refuses).
// Every chart is drawn next to a table of the same figures, for screen readers and copy-paste.

import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

export function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Columns over time: points = [{label, value, title}], one column each, the value above the tallest. */
export function columnChart({ id, title, points, valueText = String }) {
  const width = 760;
  const height = 200;
  const left = 40;
  const bottom = 28;
  const top = 16;
  const most = Math.max(1, ...points.map((p) => p.value));
  const step = (width - left - 8) / Math.max(1, points.length);
  const bar = Math.max(2, Math.floor(step * 0.7));
  const scale = (value) => Math.round((value / most) * (height - top - bottom));
  const columns = points.map((point, n) => {
    const x = Math.round(left + n * step);
    const tall = scale(point.value);
    const every = Math.ceil(points.length / 10);
    return s("g", { "data-label": point.label, "data-value": point.value },
      s("rect", {
        class: "bar bar-ordered", x, y: height - bottom - tall, width: bar, height: Math.max(tall, point.value ? 1 : 0),
      }, s("title", {}, point.title || `${point.label}: ${valueText(point.value)}`)),
      n % every === 0 || n === points.length - 1
        ? s("text", { x: x + bar / 2, y: height - bottom + 14, "text-anchor": "middle", class: "value" }, point.label)
        : null);
  });
  const axis = [
    s("line", { x1: left - 4, x2: width, y1: height - bottom, y2: height - bottom, stroke: "currentColor", "stroke-opacity": 0.3 }),
    s("text", { x: left - 6, y: top + 4, "text-anchor": "end", class: "value" }, valueText(most)),
    s("text", { x: left - 6, y: height - bottom, "text-anchor": "end", class: "value" }, "0"),
  ];
  return s("svg", {
    id, viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "bar-chart",
    "aria-labelledby": `${id}-title`, "data-testid": id,
  }, s("title", { id: `${id}-title` }, title), axis, columns);
}

const PARTS = [
  ["sold", "Sold", "bar-ordered"],
  ["held", "Held", "bar-placed"],
  ["free", "Free", "bar-requested"],
];

/** One horizontal bar per row, split into sold / held / free: rows = [{label, sold, held, free, capacity}]. */
export function fillChart({ id, title, rows }) {
  const width = 760;
  const labelWidth = 220;
  const bar = 14;
  const gap = 8;
  const top = 24;
  const span = width - labelWidth - 70;
  const height = top + rows.length * (bar + gap);
  const legend = PARTS.map(([, text, css], i) => s("g", { transform: `translate(${labelWidth + i * 90}, 4)` },
    s("rect", { class: `bar ${css}`, width: 12, height: 12, rx: 2 }),
    s("text", { x: 18, y: 11, class: "legend-text" }, text)));
  const bars = rows.map((row, n) => {
    const y = top + n * (bar + gap);
    let x = labelWidth;
    const capacity = Math.max(1, row.capacity);
    const pieces = PARTS.map(([key, text, css]) => {
      const w = Math.round((row[key] / capacity) * span);
      const piece = s("rect", { class: `bar ${css}`, x, y, width: w, height: bar, "data-kind": key, "data-value": row[key] },
        s("title", {}, `${row.label}: ${text.toLowerCase()} ${row[key]}`));
      x += w;
      return piece;
    });
    const rate = row.capacity ? Math.round((row.sold / row.capacity) * 100) : 0;
    return s("g", { "data-row": row.label },
      s("text", { x: labelWidth - 8, y: y + bar - 3, "text-anchor": "end", class: "label" }, row.label),
      pieces,
      s("text", { x: labelWidth + span + 6, y: y + bar - 3, class: "value" }, `${rate} %`));
  });
  return s("svg", {
    id, viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "bar-chart",
    "aria-labelledby": `${id}-title`, "data-testid": id,
  }, s("title", { id: `${id}-title` }, title), legend, bars);
}

/** A table of figures: columns = [[key, heading, format?, numeric?]]; totals (optional) in the footer. */
export function figuresTable({ id, caption, columns, rows, totals }) {
  const cell = (row, [key, , format, numeric]) =>
    h("td", { class: numeric ? "num" : null, "data-col": key }, format ? format(row[key], row) : String(row[key] ?? ""));
  // Kept a table on a phone (figures read across): it scrolls in its own focusable box.
  return h("div", { class: "scroll" }, h("table", { id, class: "counts", "data-testid": id },
    h("caption", { class: "sr-only" }, caption),
    h("thead", {}, h("tr", {}, columns.map(([, text, , numeric]) => h("th", { scope: "col", class: numeric ? "num" : null }, text)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((column) => cell(row, column))))),
    totals ? h("tfoot", {}, h("tr", { "data-testid": `${id}-totals` }, columns.map((column, i) => (i === 0
      ? h("th", { scope: "row" }, "Total")
      : column[0] in totals ? cell(totals, column) : h("td", {}))))) : null));
}
