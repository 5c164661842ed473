"""Interactive API docs served from our own origin (no CDN).

FastAPI's default ``/docs`` loads Swagger UI from a CDN without an integrity check, on the
origin that holds the staff session. Here ``/docs`` is a small page of our own that loads
Swagger UI from the ``swagger-ui-bundle`` package installed with groengezond (``/docs/assets``)
and starts it from a script file (``/docs/init.js``), so the docs keep the strict
Content-Security-Policy (``script-src 'self'``). ``GG_API_DOCS=false`` turns ``/docs`` off
(production); ``/openapi.json`` stays, it is what the front end's types are generated from.
ReDoc (``/redoc``) is not served: it has no local package.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

log = logging.getLogger(__name__)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} - API docs</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""

INIT_JS = """window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui',
  deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout'});
"""


def swagger_ui_dir() -> Path | None:
    """Folder of the packaged Swagger UI assets, or None when the package is missing."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    path = Path(swagger_ui_bundle.swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def mount_docs(app: FastAPI, enabled: bool = True) -> bool:
    """Serve ``/docs`` from the local Swagger UI; return whether it is served.

    Create the app with ``docs_url=None, redoc_url=None`` first.
    """
    if not enabled:
        return False
    assets = swagger_ui_dir()
    if assets is None:
        log.warning("API docs not served: the swagger-ui-bundle package is not installed",
                    extra={"fields": {"event": "docs_missing"}})
        return False
    app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")
    page = PAGE.format(title=app.title)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(INIT_JS, media_type="text/javascript")

    return True
