"""The admin page and its files are served with security headers, and the page needs no inline code."""

from __future__ import annotations

import re

from chalicelib.api.meta import ADMIN_DIR


def test_the_admin_page_and_its_files_send_security_headers(api):
    for path in ("/admin", "/admin/admin.js", "/admin/admin.css"):
        headers = api.http.get(path).headers

        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert headers["Referrer-Policy"] == "no-referrer"


def test_the_admin_page_has_no_inline_script_style_or_handler():
    html = (ADMIN_DIR / "index.html").read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_no_admin_script_writes_an_inline_style_the_policy_would_block():
    for path in ADMIN_DIR.glob("*.js"):
        text = path.read_text()

        assert "<style" not in text, path.name
        assert 'setAttribute("style"' not in text, path.name
