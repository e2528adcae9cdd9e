// Deadlines said the way an operator reads them: "expires in 58 min", marked when under a day away.

import { formatTime, h } from "./dom.js";
import { localTime } from "./time-zones.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const SOON_MS = DAY; // a deadline closer than this is highlighted and kept by "Expiring soon"

function span(ms) {
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))} min`;
  if (ms < DAY) {
    const hours = Math.floor(ms / HOUR);
    const minutes = Math.round((ms % HOUR) / MINUTE);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.round(ms / DAY);
  return `${days} day${days === 1 ? "" : "s"}`;
}

/** "expires in 58 min", "expired 2 h ago", "expires in 3 days"; "" without a deadline. */
export function untilText(iso, now = Date.now()) {
  if (!iso) return "";
  const left = new Date(iso).getTime() - now;
  if (Number.isNaN(left)) return String(iso);
  return left >= 0 ? `expires in ${span(left)}` : `expired ${span(-left)} ago`;
}

/** True when the deadline is still ahead and closer than SOON_MS. */
export function expiresSoon(iso, now = Date.now()) {
  const left = iso ? new Date(iso).getTime() - now : NaN;
  return left >= 0 && left < SOON_MS;
}

/** The deadline as a <time>: how long is left, then the date (on the clock of `zone`, a venue's, and
 * naming it; the browser's without one); highlighted when it is soon. */
export function deadlineNode(iso, now = Date.now(), zone = null) {
  if (!iso) return "–";
  const soon = expiresSoon(iso, now);
  const when = zone ? `${localTime(iso, zone)} ${zone}` : formatTime(iso).slice(0, 16);
  return h("time", { datetime: iso, class: soon ? "deadline soon" : "deadline", "data-soon": soon ? "true" : null },
    h("strong", {}, untilText(iso, now)), " ", h("span", { class: "muted" }, `(${when})`));
}
