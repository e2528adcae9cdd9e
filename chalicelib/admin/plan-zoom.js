// Zoom and pan of a drawn plan (plan-svg.js): the <svg> grows inside its scrolling box, so panning is
// the box's own scrolling (scroll bars, wheel, two fingers, middle-button drag). Zoom by the buttons,
// Ctrl + wheel or a trackpad pinch, two-finger pinch on a touch screen, and + / - / 0 on the focused
// plan; the point under the pointer (or the keyboard cursor) stays where it is. Seat numbers are
// written inside the seats once a seat is big enough to read them (first time only: 20,000 labels).

import { num } from "./plan-draw.js";

const STEP = 1.5;
const MAX_SEAT_PX = 48; // the deepest zoom shows a seat this wide
const NUMBERS_FROM_PX = 18; // seat numbers show from this seat width

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

function numberMarkup(seats, r) {
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  let markup = "";
  for (const seat of seats) {
    markup += `<text x="${num(seat.x)}" y="${num(seat.y)}">${esc(seat.number)}</text>`;
  }
  return `<g class="seat-numbers" aria-hidden="true" font-size="${num(r * 0.95)}" text-anchor="middle" ` +
    `dominant-baseline="central" stroke-width="${num(r * 0.18)}">${markup}</g>`;
}

/**
 * zoomer(box, svg, {seats, r, viewWidth, onZoom}) -> {zoomIn, zoomOut, fit, zoomTo(factor, x?, y?), level()}.
 * x, y: the client point to keep still (default: the middle of the box).
 */
export function zoomer(box, svg, { seats, r, viewWidth, onZoom = () => {} }) {
  let zoom = 1;
  let numbered = false;
  const fitScale = () => (svg.getBoundingClientRect().width / zoom) / viewWidth || 1;
  const seatPx = () => 2 * r * fitScale() * zoom;
  const maxZoom = () => Math.max(1, MAX_SEAT_PX / (2 * r * fitScale()));

  function zoomTo(next, x, y) {
    const wanted = clamp(next, 1, maxZoom());
    const boxRect = box.getBoundingClientRect();
    const ax = x ?? boxRect.left + box.clientWidth / 2;
    const ay = y ?? boxRect.top + box.clientHeight / 2;
    const before = svg.getBoundingClientRect();
    const fx = (ax - before.left) / before.width;
    const fy = (ay - before.top) / before.height;
    zoom = wanted;
    svg.classList.toggle("fit", zoom === 1);
    svg.style.width = zoom === 1 ? "" : `${num(zoom * 100)}%`;
    const after = svg.getBoundingClientRect();
    box.scrollLeft += after.left + fx * after.width - ax;
    box.scrollTop += after.top + fy * after.height - ay;
    const legible = seatPx() >= NUMBERS_FROM_PX;
    if (legible && !numbered) {
      svg.querySelector(".plan-seats").insertAdjacentHTML("afterend", numberMarkup(seats, r));
      numbered = true;
    }
    svg.classList.toggle("numbered", legible);
    svg.dataset.zoom = String(num(zoom));
    onZoom(zoom, zoom >= maxZoom() - 1e-6);
  }

  const cursorPoint = () => {
    const rect = svg.querySelector("circle.cursor")?.getBoundingClientRect();
    return rect ? [rect.left + rect.width / 2, rect.top + rect.height / 2] : [];
  };
  const api = {
    zoomIn: (x, y) => zoomTo(zoom * STEP, x, y),
    zoomOut: (x, y) => zoomTo(zoom / STEP, x, y),
    fit: () => zoomTo(1),
    zoomTo,
    level: () => zoom,
  };
  box.addEventListener("wheel", (event) => {
    if (!event.ctrlKey && !event.metaKey) return; // a plain wheel scrolls (pans); a pinch comes with ctrlKey
    event.preventDefault();
    zoomTo(zoom * Math.exp(-event.deltaY * 0.0025), event.clientX, event.clientY); // a notch (100) is 1.28 times
  }, { passive: false });
  svg.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const zooms = { "+": api.zoomIn, "=": api.zoomIn, "-": api.zoomOut, _: api.zoomOut, 0: api.fit };
    if (!zooms[event.key]) return;
    event.preventDefault();
    zooms[event.key](...cursorPoint());
  });
  pointerGestures(box, svg, { zoomTo, level: () => zoom });
  return api;
}

/** Two fingers pinch and pan; the middle mouse button drags the plan. Neither starts a selection. */
function pointerGestures(box, svg, { zoomTo, level }) {
  const touches = new Map(); // pointer id -> {x, y}
  let pinch = null;
  let pan = null;
  const spread = () => {
    const [a, b] = [...touches.values()];
    return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  };
  svg.addEventListener("pointerdown", (event) => {
    if (event.button === 1) {
      pan = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (event.pointerType !== "touch") return;
    touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (touches.size !== 2) return;
    // The first finger began a selection gesture: a cancel ends it without selecting anything.
    svg.dispatchEvent(new PointerEvent("pointercancel", { pointerId: [...touches.keys()][0] }));
    pinch = { ...spread(), zoom: level(), left: box.scrollLeft, top: box.scrollTop };
    event.stopImmediatePropagation();
  }, { capture: true });
  svg.addEventListener("pointermove", (event) => {
    if (pan) {
      box.scrollLeft = pan.left - (event.clientX - pan.x);
      box.scrollTop = pan.top - (event.clientY - pan.y);
      event.stopImmediatePropagation();
      return;
    }
    if (!touches.has(event.pointerId)) return;
    touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (!pinch || touches.size !== 2) return;
    const now = spread();
    zoomTo(pinch.zoom * (now.d / pinch.d), now.x, now.y);
    box.scrollLeft -= now.x - pinch.x;
    box.scrollTop -= now.y - pinch.y;
    Object.assign(pinch, { x: now.x, y: now.y });
    event.stopImmediatePropagation();
  }, { capture: true });
  const end = (event) => {
    if (!event.isTrusted) return; // the cancel sent above to end a selection gesture
    if (pan && event.button === 1) pan = null;
    touches.delete(event.pointerId);
    if (touches.size < 2) pinch = null;
  };
  for (const type of ["pointerup", "pointercancel"]) svg.addEventListener(type, end, { capture: true });
}
