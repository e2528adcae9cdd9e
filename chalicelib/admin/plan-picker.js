// A drawn plan's "block / row / seats" picker (select a block, one of its rows or all, and a range of
// seat numbers) and the list of the selected seats by block and row, for the screen's side panel.

import { fill, h } from "./dom.js";

const LISTED_ROWS = 40; // rows listed before "… and N more rows"

/** "3–7, 9, 12": numbers as ranges; names that are not whole numbers are listed as they are. */
export function ranges(numbers) {
  const whole = numbers.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < whole.length; i++) {
    let j = i;
    while (j + 1 < whole.length && whole[j + 1] === whole[j] + 1) j++;
    parts.push(j > i ? `${whole[i]}–${whole[j]}` : String(whole[i]));
    i = j;
  }
  return [...parts, ...numbers.filter((n) => !/^\d+$/.test(n))].join(", ");
}

function rowsOf(block) {
  return [...new Set(block.seats.map((seat) => seat.row))];
}

/** The picker: Block, Row (or every row), seats from / to; Select replaces the selection, Add adds to it. */
export function seatPicker(id, blocks, { seats, index, selection }) {
  if (!blocks.length) return null;
  const block = h("select", { id: `${id}-pick-block` },
    blocks.map((b, n) => h("option", { value: String(n) }, `Zone ${b.zone} · block ${b.block} (${b.seats.length})`)));
  const row = h("select", { id: `${id}-pick-row` });
  const from = h("input", { id: `${id}-pick-from`, type: "number", min: 0, inputmode: "numeric", class: "short" });
  const to = h("input", { id: `${id}-pick-to`, type: "number", min: 0, inputmode: "numeric", class: "short" });
  const rowsFor = () => fill(row, h("option", { value: "" }, "Every row"),
    rowsOf(blocks[Number(block.value)]).map((name) => h("option", { value: name }, `Row ${name}`)));
  block.addEventListener("change", rowsFor);
  rowsFor();
  const picked = () => {
    const chosen = blocks[Number(block.value)];
    const low = from.value === "" ? null : Number(from.value);
    const high = to.value === "" ? null : Number(to.value);
    return chosen.seats.filter((seat) => {
      if (row.value && seat.row !== row.value) return false;
      if (low === null && high === null) return true;
      if (!/^\d+$/.test(seat.number)) return false; // a range keeps whole seat numbers, as the API does
      const number = Number(seat.number);
      return (low === null || number >= low) && (high === null || number <= high);
    }).map((seat) => index.get(seat.seat_id));
  };
  const labelled = (text, control) => h("label", { class: "picker-field" }, h("span", {}, text), control);
  const act = (text, add) => h("button", {
    type: "button", class: "small", id: `${id}-pick-${add ? "add" : "select"}`,
    onclick: () => selection.select(picked(), add),
  }, text);
  return h("fieldset", { class: "seat-picker", id: `${id}-picker`, "data-testid": "seat-picker" },
    h("legend", {}, "Pick seats"),
    labelled("Block", block), labelled("Row", row), labelled("Seats from", from), labelled("to", to),
    h("span", { class: "inline" }, act("Select", false), act("Add", true)),
    seats.length ? null : h("p", { class: "muted" }, "No seats."));
}

/** The selection listed by zone, block and row with its seat numbers; refresh(chosen) redraws it. */
export function selectionList(id, seats) {
  const list = h("ul", { class: "selection-list", id: `${id}-chosen-list`, "data-testid": "selection-list" });
  const node = h("section", { class: "card side-card", id: `${id}-chosen`, "aria-labelledby": `${id}-chosen-title` },
    h("h2", { id: `${id}-chosen-title` }, "Selected seats"), list);
  return {
    node,
    refresh(chosen) {
      const rows = new Map(); // "zone · block · row" -> its numbers
      for (let n = 0; n < seats.length; n++) {
        if (!chosen[n]) continue;
        const seat = seats[n];
        const key = `${seat.zone}\u0000${seat.block}\u0000${seat.row}`;
        if (!rows.has(key)) rows.set(key, []);
        rows.get(key).push(seat.number);
      }
      const entries = [...rows].slice(0, LISTED_ROWS).map(([key, numbers]) => {
        const [zone, block, row] = key.split("\u0000");
        return h("li", { "data-block": `${zone}/${block}`, "data-row": row },
          h("strong", {}, `Zone ${zone} · block ${block} · row ${row}`), `: ${ranges(numbers)} `,
          h("span", { class: "muted" }, `(${numbers.length})`));
      });
      fill(list, rows.size ? entries : h("li", { class: "muted" }, "No seat selected."),
        rows.size > LISTED_ROWS ? h("li", { class: "muted" }, `… and ${rows.size - LISTED_ROWS} more rows`) : null);
    },
  };
}
