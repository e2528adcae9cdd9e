// Selecting seats on a drawn plan (plan-svg.js): the selection itself, the pointer gestures (click,
// shift-click to add or remove, drag a rectangle, shift-drag to add; Escape clears) and the keyboard
// (arrow keys move a cursor between seats, Space or Enter selects the seat, R its row).

const DRAG_PX = 4;

/** The selection over `seats`: marks each chosen <circle> with class "sel"; onChanged(count, text). */
export function selectionOf(seats, nodes, onChanged) {
  const chosen = new Uint8Array(seats.length);
  let count = 0;

  function mark(n, on) {
    if (Boolean(chosen[n]) === on) return;
    chosen[n] = on ? 1 : 0;
    count += on ? 1 : -1;
    nodes[n].classList.toggle("sel", on);
  }

  /** " (A/1: 12, A/2: 3)": how many seats per zone/block, the first four. */
  function perBlock() {
    const counts = new Map();
    for (let n = 0; n < seats.length; n++) {
      if (!chosen[n]) continue;
      const where = `${seats[n].zone}/${seats[n].block}`;
      counts.set(where, (counts.get(where) || 0) + 1);
    }
    const parts = [...counts].slice(0, 4).map(([where, c]) => `${where}: ${c}`);
    return ` (${parts.join(", ")}${counts.size > 4 ? ", …" : ""})`;
  }

  const changed = () => onChanged(count, count ? `${count} seat${count > 1 ? "s" : ""} selected${perBlock()}.` : "No seat selected.");

  return {
    chosen,
    select(indices, add) {
      if (!add) for (let n = 0; n < seats.length; n++) if (chosen[n]) mark(n, false);
      for (const n of indices) mark(n, true);
      changed();
    },
    toggle(n) {
      mark(n, !chosen[n]);
      changed();
    },
  };
}

function toPlan(svg, event) {
  const matrix = svg.getScreenCTM().inverse();
  return new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
}

function showLasso(lasso, from, to) {
  lasso.removeAttribute("hidden");
  lasso.setAttribute("x", Math.min(from.x, to.x));
  lasso.setAttribute("y", Math.min(from.y, to.y));
  lasso.setAttribute("width", Math.abs(to.x - from.x));
  lasso.setAttribute("height", Math.abs(to.y - from.y));
}

function seatsInside(seats, r, from, to) {
  const [left, right] = [Math.min(from.x, to.x) - r, Math.max(from.x, to.x) + r];
  const [top, bottom] = [Math.min(from.y, to.y) - r, Math.max(from.y, to.y) + r];
  const inside = [];
  for (let n = 0; n < seats.length; n++) {
    const s = seats[n];
    if (s.x >= left && s.x <= right && s.y >= top && s.y <= bottom) inside.push(n);
  }
  return inside;
}

/** Pointer and keyboard gestures on `svg`; hovered(seat or null) says what is under the pointer. */
export function listenForSelection(svg, { seats, r, selection, hovered }) {
  const lasso = svg.querySelector("rect.lasso");
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = {
      x: event.clientX, y: event.clientY, from: toPlan(svg, event), target: event.target, moved: false,
      add: event.shiftKey || event.ctrlKey || event.metaKey,
    };
    svg.setPointerCapture(event.pointerId);
    svg.focus({ preventScroll: true });
    event.preventDefault();
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) {
      const n = event.target.getAttribute?.("data-i");
      hovered(n === null || n === undefined ? null : seats[Number(n)]);
      return;
    }
    if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_PX) return;
    drag.moved = true;
    showLasso(lasso, drag.from, toPlan(svg, event));
  });
  const endDrag = (event) => {
    if (!drag) return;
    const { add, moved, target, from } = drag;
    drag = null;
    lasso.setAttribute("hidden", "");
    if (event.type === "pointercancel") return;
    if (moved) return selection.select(seatsInside(seats, r, from, toPlan(svg, event)), add);
    const n = target.getAttribute?.("data-i");
    if (n === null || n === undefined) {
      if (!add) selection.select([], false);
    } else if (add) {
      selection.toggle(Number(n));
    } else {
      selection.select([Number(n)], false);
    }
    if (n !== null && n !== undefined) hovered(seats[Number(n)], true); // a click's details stay shown
  };
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener("pointerleave", () => { if (!drag) hovered(null); });
  svg.addEventListener("keydown", keyboard(svg, { seats, r, selection, hovered }));
}

/** The nearest seat from seat `from` in a direction (dx, dy), at least half a seat away that way. */
function nearest(seats, from, dx, dy, r) {
  const a = seats[from];
  let best = -1;
  let bestScore = Infinity;
  for (let n = 0; n < seats.length; n++) {
    const along = (seats[n].x - a.x) * dx + (seats[n].y - a.y) * dy;
    if (along < r) continue;
    const across = Math.abs((seats[n].x - a.x) * dy) + Math.abs((seats[n].y - a.y) * dx);
    const score = along + 3 * across; // keep to the row (or column) before jumping sideways
    if (score < bestScore) [best, bestScore] = [n, score];
  }
  return best;
}

const MOVES = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

function keyboard(svg, { seats, r, selection, hovered }) {
  let cursor = -1;
  // Looked up each time: the seats' circles may be drawn again (a selection, a refresh) meanwhile.
  const showCursor = () => {
    for (const node of svg.querySelectorAll("circle.cursor")) node.classList.remove("cursor");
    const node = svg.querySelectorAll("circle.seat")[cursor];
    node?.classList.add("cursor");
    return node;
  };
  const moveTo = (n) => {
    if (n < 0) return;
    cursor = n;
    // Zoomed in, the plan scrolls so that the cursor stays in view.
    showCursor()?.scrollIntoView({ block: "nearest", inline: "nearest" });
    hovered(seats[n], true);
  };
  // Coming back to the plan with Tab shows the keyboard cursor's seat again.
  svg.addEventListener("focus", () => { if (cursor >= 0) hovered(seats[cursor], true); });
  return (event) => {
    if (event.key === "Escape") return selection.select([], false);
    if (!seats.length) return;
    if (MOVES[event.key]) {
      event.preventDefault();
      moveTo(cursor < 0 ? 0 : nearest(seats, cursor, ...MOVES[event.key], r));
    } else if ((event.key === " " || event.key === "Enter") && cursor >= 0) {
      event.preventDefault();
      selection.toggle(cursor);
      showCursor();
    } else if (event.key.toLowerCase() === "r" && cursor >= 0) {
      const { zone, block, row } = seats[cursor];
      const sameRow = [];
      seats.forEach((s, n) => { if (s.zone === zone && s.block === block && s.row === row) sameRow.push(n); });
      selection.select(sameRow, event.shiftKey);
      showCursor();
    }
  };
}
