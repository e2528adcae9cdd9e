// A seating plan's drawing (plan-svg.js): where seats and standing areas go, and the SVG markup of
// them, written as one string: 20,000 circles through one innerHTML, not 20,000 createElement calls.

const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const num = (n) => Math.round(Number(n) * 100) / 100;

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

function bounds(seats) {
  if (!seats.length) return { minX: 0, maxX: 100, minY: 0, maxY: 20 };
  let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
  for (const s of seats) {
    if (s.x < minX) minX = s.x;
    if (s.x > maxX) maxX = s.x;
    if (s.y < minY) minY = s.y;
    if (s.y > maxY) maxY = s.y;
  }
  return { minX, maxX, minY, maxY };
}

/** True when the plan gives the standing area its place in the hall: x, y (top left), width, height. */
const placed = (area) => ["x", "y", "width", "height"].every((key) => area[key] !== null && area[key] !== undefined &&
  Number.isFinite(Number(area[key])));

/**
 * The seats (flattened, with their zone and block), their index by id, and the drawing's geometry.
 * Standing areas with coordinates (`inPlace`) are drawn where they are; the others (`loose`) side by
 * side under the seats.
 */
export function geometry(blocks, areas) {
  const seats = [];
  for (const block of blocks) {
    for (const seat of block.seats) {
      seats.push({ ...seat, zone: block.zone, block: block.block, x: Number(seat.x), y: Number(seat.y) });
    }
  }
  const index = new Map(seats.map((seat, i) => [seat.seat_id, i]));
  const inPlace = areas.filter(placed);
  const loose = areas.filter((area) => !placed(area));
  const corners = inPlace.flatMap((a) => [
    { x: Number(a.x), y: Number(a.y) }, { x: Number(a.x) + Number(a.width), y: Number(a.y) + Number(a.height) }]);
  const { minX, maxX, minY, maxY } = bounds([...seats, ...corners]);
  const r = radiusOf(blocks, maxX - minX, maxY - minY);
  const margin = 3 * r;
  const width = Math.max(maxX - minX, 10 * r) + 2 * margin;
  const areaHeight = loose.length ? Math.max(width / 12, 8 * r) : 0;
  const seatsHeight = seats.length || inPlace.length ? maxY - minY + 2 * margin : 0;
  // Row A is drawn at the top, nearest the stage: the stage is a band above the seats.
  const stageHeight = seats.length ? Math.max(4 * r, width / 30) : 0;
  const height = stageHeight + seatsHeight + (loose.length ? areaHeight + 2 * margin : 0) || 10;
  const top = minY - margin - stageHeight;
  return {
    seats, index, r, margin, width, height, areaHeight, seatsHeight, stageHeight, x0: minX - margin, y0: top,
    seatsTop: minY - margin, inPlace, loose,
  };
}

/** "Stage" across the top, each block's "zone · block" above it, each row's name left of its first seat. */
function labelMarkup(blocks, g) {
  if (!g.seats.length) return "";
  const { r } = g;
  let markup = `<g class="plan-labels" aria-hidden="true">` +
    `<rect class="stage" x="${num(g.x0 + g.margin)}" y="${num(g.y0 + r)}" width="${num(g.width - 2 * g.margin)}" ` +
    `height="${num(g.stageHeight - 2 * r)}" rx="${num(r)}"/>` +
    `<text class="stage-label" x="${num(g.x0 + g.width / 2)}" y="${num(g.y0 + g.stageHeight / 2)}" ` +
    `font-size="${num(Math.min(g.stageHeight / 2.5, 4 * r))}" text-anchor="middle" dominant-baseline="middle">Stage</text>`;
  for (const block of blocks) {
    if (!block.seats.length) continue;
    const xs = block.seats.map((s) => Number(s.x));
    const ys = block.seats.map((s) => Number(s.y));
    markup += `<text class="block-label" x="${num((Math.min(...xs) + Math.max(...xs)) / 2)}" y="${num(Math.min(...ys) - 1.8 * r)}" ` +
      `font-size="${num(1.6 * r)}" text-anchor="middle">${esc(block.zone)} · ${esc(block.block)}</text>`;
    const firsts = new Map(); // row -> its leftmost seat
    for (const seat of block.seats) {
      const first = firsts.get(seat.row);
      if (!first || Number(seat.x) < Number(first.x)) firsts.set(seat.row, seat);
    }
    for (const [row, seat] of firsts) {
      markup += `<text class="row-label" x="${num(Number(seat.x) - 1.6 * r)}" y="${num(Number(seat.y))}" ` +
        `font-size="${num(1.2 * r)}" text-anchor="end" dominant-baseline="middle">${esc(row)}</text>`;
    }
  }
  return `${markup}</g>`;
}

/** A group per block (its zone/block as data-*), a circle per seat (its index as data-i). */
function seatMarkup(blocks, r) {
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
  return markup;
}

function areaBox(area, left, top, width, height, r) {
  const font = Math.max(Math.min(height / 4, width / 10), r);
  return `<g class="plan-area" data-area="${esc(area.code)}">` +
    `<rect x="${num(left)}" y="${num(top)}" width="${num(width)}" height="${num(height)}" rx="${num(r)}"/>` +
    `<text x="${num(left + width / 2)}" y="${num(top + height / 2)}" font-size="${num(font)}" ` +
    `text-anchor="middle" dominant-baseline="middle">${esc(area.name)} · ${esc(area.capacity)} standing</text></g>`;
}

/** Standing areas: where the plan places them, else as labelled boxes side by side under the seats. */
function areaMarkup(g) {
  let markup = g.inPlace.map((a) => areaBox(a, Number(a.x), Number(a.y), Number(a.width), Number(a.height), g.r)).join("");
  if (!g.loose.length) return markup;
  const gap = g.margin / 2;
  const boxWidth = (g.width - 2 * g.margin - gap * (g.loose.length - 1)) / g.loose.length;
  const top = g.seatsTop + g.seatsHeight + g.margin;
  markup += g.loose.map((area, n) =>
    areaBox(area, g.x0 + g.margin + n * (boxWidth + gap), top, boxWidth, g.areaHeight, g.r)).join("");
  return markup;
}

/** The <svg>: seats, areas and the (hidden) selection rectangle, focusable and described. */
export function planSvg(id, title, blocks, areas, g) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("id", id);
  svg.setAttribute("class", "plan-svg fit");
  svg.setAttribute("viewBox", `${num(g.x0)} ${num(g.y0)} ${num(g.width)} ${num(g.height)}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("tabindex", "0");
  svg.setAttribute("aria-label",
    `${title}: ${g.seats.length} seats in ${blocks.length} blocks${areas.length ? `, ${areas.length} standing areas` : ""}. ` +
    "Click a seat to select it, shift-click to add it, drag a rectangle to select many; with the keyboard, " +
    "arrow keys move between seats, Space selects one, R its row; Escape clears; + and - zoom, 0 fits.");
  svg.setAttribute("data-testid", "plan-svg");
  // Areas first: a seat drawn over an area stays clickable.
  svg.innerHTML = `${labelMarkup(blocks, g)}<g class="plan-areas">${areaMarkup(g)}</g>` +
    `<g class="plan-seats">${seatMarkup(blocks, g.r)}</g>` +
    `<rect class="lasso" hidden x="0" y="0" width="0" height="0" vector-effect="non-scaling-stroke"/>`;
  return svg;
}
