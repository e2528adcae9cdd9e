// The organisation's time zone (GET /backoffice/organisation/time-zone): the clock of times tied to no
// venue (orders and emails, the queue, scans, workflow runs, the outbox) and a new venue's default.

import { api } from "./api.js";
import { DEFAULT_ZONE, localTimeSeconds } from "./time-zones.js";

let asked = null;

/** The organisation's IANA zone, asked once per page load (DEFAULT_ZONE if it cannot be read). */
export function organisationZone() {
  asked ??= api.get("/backoffice/organisation/time-zone").then((answer) => answer.timezone || DEFAULT_ZONE, () => {
    asked = null; // asked again next time
    return DEFAULT_ZONE;
  });
  return asked;
}

/** After the zone was changed on this page. */
export function forgetOrganisationZone() {
  asked = null;
}

/** A formatter of instants on the organisation's clock, to the second, and its zone for labels. */
export async function organisationClock() {
  const zone = await organisationZone();
  return { zone, at: (iso) => localTimeSeconds(iso, zone) };
}
