"""The README's error list names every code the API can answer."""

from __future__ import annotations

from pathlib import Path

import app  # noqa: F401 - loads every route, so every error class the API raises is defined
from chalicelib.errors import DomainError, error_classes

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_names_every_error_code():
    codes = {cls.code for cls in error_classes().values() if cls is not DomainError}

    missing = sorted(code for code in codes if f"`{code}`" not in README)

    assert missing == []
