"""The built front end (``web/`` bundled by Vite into ``src/groengezond/web_dist/``).

``/`` answers ``index.html`` and ``/assets/...`` the hashed bundle files. Explicit routes rather
than a catch-all mount at ``/``, so routers added after this one still match. When the bundle
has not been built, ``/`` answers a short page saying how to build it (``make web``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

WEB_DIST = Path(__file__).resolve().parent.parent / "web_dist"
"""Where ``npm run build`` in ``web/`` writes the bundle."""

NOT_BUILT = """<!doctype html><html lang="nl"><meta charset="utf-8"><title>groengezond</title>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:3em auto">
<h1>groengezond</h1><p>De webapplicatie is nog niet gebouwd / the web front end has not been
built: run <code>make web</code> (or <code>npm ci &amp;&amp; npm run build</code> in
<code>web/</code>). The API is available: <a href="/docs">/docs</a>, <a href="/ogc">/ogc</a>.</p>
</body></html>"""


def mount_static(app: FastAPI, dist: Path = WEB_DIST) -> None:
    """Serve the bundle in ``dist`` at ``/`` and ``/assets``.

    Parameters
    ----------
    app : FastAPI
        The app to add the routes to.
    dist : Path
        Folder holding ``index.html`` and ``assets/``.
    """
    index = dist / "index.html"
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/", include_in_schema=False)
    def front_end() -> Response:
        if index.is_file():
            return FileResponse(index, media_type="text/html",
                                headers={"Cache-Control": "no-cache"})
        return HTMLResponse(NOT_BUILT, status_code=200)

    icon = dist / "favicon.svg"

    @app.get("/favicon.svg", include_in_schema=False)
    def favicon() -> Response:
        if icon.is_file():
            return FileResponse(icon, media_type="image/svg+xml")
        return Response(status_code=404)
