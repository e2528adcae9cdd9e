// Lists on a phone: each table row becomes a card whose cells say their column's name (CSS ::before
// reads data-label), so no list scrolls sideways and a row's actions stay in view. Wide grids (a rights
// matrix, a price matrix, the stock counts) keep their table and scroll in a focusable box instead.

const KEEP_TABLE = ".grid, .matrix, .rows, .counts";

function headers(table) {
  const row = table.tHead?.rows[table.tHead.rows.length - 1];
  return row ? [...row.cells].map((cell) => cell.textContent.trim()) : [];
}

function labelRows(table) {
  const names = headers(table);
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      [...row.cells].forEach((cell, index) => {
        if (!cell.hasAttribute("data-label") && names[index]) cell.dataset.label = names[index];
      });
    }
  }
}

function arrange(root) {
  for (const table of root.querySelectorAll("table")) {
    if (table.matches(KEEP_TABLE) || !table.tHead) continue;
    table.classList.add("as-cards");
    labelRows(table);
  }
  // A box that scrolls must take the keyboard's focus, or its hidden part is out of reach.
  for (const box of root.querySelectorAll(".scroll:not([tabindex]), .plan-box:not([tabindex]), table.grid:not([tabindex])")) {
    box.tabIndex = 0;
  }
}

/** Keep every table drawn inside `root` ready to show as cards on a narrow screen. */
export function cardTables(root) {
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      arrange(root);
    });
  }).observe(root, { childList: true, subtree: true });
}
