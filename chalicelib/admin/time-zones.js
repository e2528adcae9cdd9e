// The venue's local time: performance, option and order times are shown in the IANA time zone of the
// performance's venue (never the browser's), and say which zone they are in.

/** The zone of a venue that names none (as chalicelib/catalog/zones.py DEFAULT_ZONE). */
export const DEFAULT_ZONE = "Europe/Paris";

const formats = new Map();

function formatIn(zone) {
  if (!formats.has(zone)) {
    let format;
    try {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
        second: "2-digit", weekday: "short", hourCycle: "h23",
      });
    } catch {
      format = null; // not a zone this browser knows: shown in UTC, and labelled so
    }
    formats.set(zone, format);
  }
  return formats.get(zone);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The wall clock of `zone` at `iso`: {zone, year, month, day, hour, minute, weekday}; null if no time. */
function wallClock(iso, zone) {
  if (!iso) return null;
  const t = new Date(typeof iso === "number" ? iso * 1000 : iso);
  if (Number.isNaN(t.getTime())) return null;
  const used = formatIn(zone || DEFAULT_ZONE) ? zone || DEFAULT_ZONE : "UTC";
  const parts = Object.fromEntries(formatIn(used).formatToParts(t).map((p) => [p.type, p.value]));
  return { zone: used, ...parts };
}

/** "2026-12-12 20:00" in the venue's zone; "" for nothing. `iso` may also be epoch seconds. */
export function localTime(iso, zone) {
  const w = wallClock(iso, zone);
  return w ? `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}` : (iso ? String(iso) : "");
}

/** "2026-05-28 14:03:07" on the clock of `zone` (to the second, for logs: runs, scans, the outbox). */
export function localTimeSeconds(iso, zone) {
  const w = wallClock(iso, zone);
  return w ? `${localTime(iso, zone)}:${w.second}` : (iso ? String(iso) : "");
}

/** "2026-12-12 20:00 (Europe/Paris)": a time that says its zone; "" for nothing. */
export function localTimeLabelled(iso, zone) {
  const w = wallClock(iso, zone);
  return w ? `${localTime(iso, zone)} (${w.zone})` : localTime(iso, zone);
}

/** "2026-12-12 20:00 +01:00": the venue's wall clock with its offset from UTC (as reports print it). */
export function localStamp(iso, zone) {
  const w = wallClock(iso, zone);
  if (!w) return iso ? String(iso) : "";
  const t = new Date(typeof iso === "number" ? iso * 1000 : iso);
  const wall = Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute));
  const minutes = Math.round((wall - Math.floor(t.getTime() / 60_000) * 60_000) / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const pad = (n) => String(n).padStart(2, "0");
  return `${localTime(iso, zone)} ${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** "12 Dec 20:00" in the venue's zone, for titles; "" for nothing. */
export function shortLocalTime(iso, zone) {
  const w = wallClock(iso, zone);
  return w ? `${Number(w.day)} ${MONTHS[Number(w.month) - 1]} ${w.hour}:${w.minute}` : "";
}

export const zoneOfVenue = (venue) => venue?.timezone || DEFAULT_ZONE;

/** The zones of an organisation's venues from its halls and venues (lists or id maps): `ofHall(id)`,
 * `ofPerformance(p)`, `zones`, `one` (the zone every venue shares, else null) and `label`, the zone to
 * name in a heading (that one zone, else "venue's local time"). */
export function zonesOf(halls, venues) {
  const byId = (items) => (items instanceof Map ? items : new Map([...items].map((item) => [item.id, item])));
  const hallsById = byId(halls);
  const venuesById = byId(venues);
  const ofHall = (hallId) => zoneOfVenue(venuesById.get(hallsById.get(hallId)?.venue_id));
  const zones = [...new Set([...venuesById.values()].map(zoneOfVenue))];
  return {
    ofHall,
    ofPerformance: (performance) => ofHall(performance?.hall_id),
    zones,
    one: zones.length === 1 ? zones[0] : null,
    label: zones.length === 1 ? zones[0] : "venue's local time",
  };
}

/** `zonesOf` the halls and venues of a screen's reference cache (crud.js refCache), read once. */
export async function venueZones(cache) {
  const [halls, venues] = await Promise.all([
    cache.byId("halls").catch(() => new Map()),
    cache.byId("venues").catch(() => new Map()),
  ]);
  return zonesOf(halls, venues);
}

/** An ISO time as the value of <input type=datetime-local> on the venue's wall clock. */
export function toZoneInput(iso, zone) {
  const w = wallClock(iso, zone);
  return w ? `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}` : "";
}

/** The instant (ISO, UTC) at which the venue's clocks read `raw` ("2027-03-28T20:00"); "" for nothing.
 * As chalicelib/catalog/zones.py: a wall time skipped by a spring change is the instant after the skip,
 * one repeated in autumn its first occurrence. */
export function fromZoneInput(raw, zone) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(raw || "");
  if (!match) return "";
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  const wallAt = (ms) => {
    const w = wallClock(new Date(ms).toISOString(), zone);
    return Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute));
  };
  const DAY = 86_400_000;
  const before = wallAt(wanted - DAY) - (wanted - DAY); // the offsets either side of any change that day
  const after = wallAt(wanted + DAY) - (wanted + DAY);
  const fits = [wanted - before, wanted - after].filter((t) => wallAt(t) === wanted);
  const instant = fits.length ? Math.min(...fits) : wanted - before;
  return new Date(instant).toISOString().replace(".000Z", "Z");
}
