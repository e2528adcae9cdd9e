"""The simulated distributor's page: its allotment per performance, its sales, a sell form and the
failure it makes; server-rendered, every value escaped, one script allowed by its nonce."""

from __future__ import annotations

import html
from typing import Any


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _performances(overview: dict[str, Any]) -> str:
    if not overview["performances"]:
        return '<p id="no-allotment">No allotment received yet: export one from the back office.</p>'
    rows = "".join(
        "<tr><td>{id}</td><td>{version}</td><td>{allocated}</td><td>{sold}</td><td>{available}</td>"
        "<td>{categories}</td><td class=seats>{seats}</td></tr>".format(
            id=html.escape(p["distributor_performance_id"]),
            version=p["version"],
            allocated=p["allocated"],
            sold=p["sold"],
            available=p["available"],
            categories=html.escape(", ".join(p["categories"])),
            seats=html.escape(" ".join(p["free_seats"][:40]) + (" ..." if len(p["free_seats"]) > 40 else "")),
        )
        for p in overview["performances"]
    )
    return (
        '<table id="allotment"><thead><tr><th>Performance</th><th>Version</th><th>Allocated</th><th>Sold</th>'
        f"<th>Available</th><th>Categories</th><th>Free seats</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _sales(overview: dict[str, Any]) -> str:
    if not overview["sales"]:
        return '<p id="no-sales">No sale yet.</p>'
    rows = []
    for sale in overview["sales"][:200]:
        sale_id = html.escape(sale["external_sale_id"])
        lines = ", ".join(
            html.escape(f"{line['line']}: {line['seat'] or line['zone']}")
            + " "
            + html.escape(line["distributor_audience_subcategory_id"])
            + f" {_cents(line['price'])}"
            for line in sale["lines"]
        )
        action = (
            "cancelled"
            if sale["cancelled"]
            else f'<button type="button" class="cancel" data-sale="{sale_id}">Cancel</button>'
        )
        rows.append(
            f"<tr><td>{sale_id}</td><td>{html.escape(sale['distributor_performance_id'])}</td>"
            f"<td>{html.escape(sale['sold_at'])}</td><td>{lines}</td><td>{action}</td></tr>"
        )
    return (
        '<table id="sales"><thead><tr><th>Sale</th><th>Performance</th><th>Sold at</th><th>Lines</th>'
        f"<th></th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def render(org_id: str, interface_name: str, overview: dict[str, Any], nonce: str) -> str:
    failure = overview["failure"]
    options = "".join(
        f'<option value="{p}">{html.escape(p)}</option>'
        for p in (p["distributor_performance_id"] for p in overview["performances"])
    )
    modes = "".join(
        f'<option value="{m}"{" selected" if failure.get("mode") == m else ""}>{m}</option>'
        for m in ("none", "timeout", "error_500", "malformed", "duplicate")
    )
    left = failure.get("times_left")
    return PAGE.format(
        name=html.escape(interface_name),
        org=html.escape(org_id),
        interface_id=html.escape(overview["interface_id"]),
        performances=_performances(overview),
        sales=_sales(overview),
        options=options,
        modes=modes,
        failure=html.escape(
            f"{failure.get('mode', 'none')}" + ("" if left is None else f", {left} more time(s)")
        ),
        records=overview["records"],
        nonce=nonce,
    )


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Simulated distributor: {name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
td.seats {{ font-size: .8rem; color: #555; }} .hint {{ color: #555; font-size: .9rem; }}
form {{ display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1.5rem; }}
label {{ display: flex; flex-direction: column; font-size: .85rem; }}
</style></head>
<body>
<p class="hint">Simulated distributor (test stack only): nothing here is a real sale.</p>
<h1>{name}</h1>
<p class="hint">Organisation {org}, interface {interface_id}; {records} record(s) in its sales feed.</p>
<h2>Allotment received</h2>
{performances}
<h2>Sell</h2>
<form id="sell">
<label>Performance<select name="distributor_performance_id" required>{options}</select></label>
<label>Places (a number, or seat ids separated by spaces)<input name="seats" value="1" required></label>
<label>Audience<input name="audience" value="FULL" required></label>
<label>Price (cents)<input name="price" type="number" min="0" value="0"></label>
<button type="submit">Sell</button>
</form>
<h2>Sales</h2>
{sales}
<h2>Failure mode</h2>
<p id="failure">Now: {failure}</p>
<form id="fail">
<label>Mode<select name="mode">{modes}</select></label>
<label>Times (empty: always)<input name="times" type="number" min="1"></label>
<button type="submit">Apply</button>
</form>
<p id="status" role="status"></p>
<script nonce="{nonce}">
const statusLine = document.getElementById("status");
async function send(path, body) {{
  statusLine.textContent = "Sending...";
  const answer = await fetch(path, {{
    method: path === "failure" ? "PUT" : "POST",
    headers: {{"Content-Type": "application/json"}}, body: JSON.stringify(body),
  }});
  if (answer.ok) {{ window.location.reload(); return; }}
  const result = await answer.json().catch(() => ({{}}));
  statusLine.textContent = "Refused: " + (result.message || answer.statusText);
}}
document.getElementById("sell").onsubmit = (event) => {{
  event.preventDefault();
  const form = new FormData(event.target);
  const seats = String(form.get("seats")).trim();
  send("sell", {{
    distributor_performance_id: form.get("distributor_performance_id"),
    ...(/^[0-9]+$/.test(seats) ? {{ seats: Number(seats) }} : {{ seat_ids: seats.split(/\\s+/) }}),
    audience: form.get("audience"), price: Number(form.get("price") || 0),
  }});
}};
document.getElementById("fail").onsubmit = (event) => {{
  event.preventDefault();
  const form = new FormData(event.target);
  send("failure", {{mode: form.get("mode"), times: form.get("times") ? Number(form.get("times")) : null}});
}};
document.querySelectorAll("button.cancel").forEach((button) => {{
  button.onclick = () => send("sales/" + encodeURIComponent(button.dataset.sale) + "/cancel", {{}});
}});
</script>
</body></html>
"""
