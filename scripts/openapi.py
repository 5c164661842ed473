"""Write the API's OpenAPI document (the typed contract) to ``web/openapi.json``.

The web front end's types (``web/src/api-schema.d.ts``) are generated from this file with
openapi-typescript (``make web-types``); ``make web-check`` regenerates both into a temporary
folder and fails when they differ from the committed ones (drift between Python and
TypeScript). The document does not depend on the region served: the app is built over the
small test region in a temporary folder, with a temporary database.

Usage::

    python scripts/openapi.py                 # writes web/openapi.json
    python scripts/openapi.py --out FILE      # writes FILE instead
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "web" / "openapi.json"


def openapi_document(folder: Path) -> dict[str, Any]:
    """The OpenAPI document of the full app (API, web routers and participation).

    Parameters
    ----------
    folder : Path
        Scratch folder for the test region and the database.
    """
    os.environ["GG_DATABASE_URL"] = f"sqlite:///{folder / 'openapi.sqlite'}"
    os.environ.setdefault("GG_API_DOCS", "true")
    from groengezond.api.testing import web_app

    app = web_app(folder / "region")
    doc: dict[str, Any] = app.openapi()
    return doc


def render(doc: dict[str, Any]) -> str:
    """The document as stable, readable JSON text (2-space indent, final newline)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the document; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"file to write (default {DEFAULT_OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gg-openapi-") as tmp:
        text = render(openapi_document(Path(tmp)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
