"""The typed API contract: the base of every response model and the shared field types.

Every JSON route declares its response model (``response_model=...``), and
``tests/test_api_contract.py`` checks that each one does and that real answers match the
OpenAPI document. The web front end's types (``web/src/api-schema.d.ts``) are generated from
that document (``make web-types``), so a field added, renamed or dropped on one side shows up
on the other as a type error or a test failure rather than as a blank in the browser.

Response models forbid fields they do not name (``extra="forbid"``): the OpenAPI schema then
says ``additionalProperties: false`` and the contract test fails on any undeclared key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

FloatOrNaN = Annotated[float | None, Field(
    description="A number, or null where the value is NaN or infinite (not computable, "
                "suppressed or missing); JSON has no NaN")]
"""A float as the API sends it: NaN and inf become null (:func:`groengezond.api.geojson.records`
and pydantic's JSON mode both do so), so the schema allows null."""

Quality = Literal["real", "derived", "placeholder", "missing"]
"""How a figure was made: real data, derived from real data, resting on a placeholder, or
missing its input (:mod:`groengezond.region.quality`)."""

Level = Literal["buurt", "wijk", "gemeente", "region"]
"""Area levels, from the smallest to the whole region."""


class Contract(BaseModel):
    """Base of every response model: unknown fields are refused, so drift is caught."""

    model_config = ConfigDict(extra="forbid")


class NotComputableRef(Contract):
    """Why a figure cannot be computed: a stable key the UI words, and the reason in English."""

    key: str
    reason: str
    missing: list[str] | None = None


class Link(Contract):
    """A web link (OGC API, RFC 8288): target, relation, media type and title."""

    href: str
    rel: str
    type: str
    title: str


REF = "#/components/schemas/{model}"


def body_of(model: type[BaseModel], description: str = "") -> dict[str, Any]:
    """``openapi_extra`` of a route that reads its JSON body itself: the body is ``model``.

    Use with :func:`document_models`, which adds ``model``'s schema to the components.
    """
    return {"requestBody": {"required": True, "description": description, "content": {
        "application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}}}


def document_models(app: FastAPI, models: Sequence[type[BaseModel]]) -> None:
    """Add the schemas of ``models`` (request bodies routers read themselves) to the app's
    OpenAPI components, once, when the document is first built.

    A router that parses its body itself (to answer with readable, located problems) still
    declares the body's model this way, so the generated client types it.

    Raises
    ------
    RuntimeError
        When a schema of the same name but another shape is already in the components.
    """
    if getattr(app.state, "documented_models", None) is not None:
        app.state.documented_models.extend(models)
        return
    app.state.documented_models = list(models)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        _, defs = models_json_schema([(m, "validation") for m in app.state.documented_models],
                                     ref_template=REF)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in defs.get("$defs", {}).items():
            if name in schemas and schemas[name] != schema:
                same = {k: v for k, v in schemas[name].items() if k != "description"}
                if same != {k: v for k, v in schema.items() if k != "description"}:
                    raise RuntimeError(f"OpenAPI schema {name!r} is defined twice, differently")
            schemas.setdefault(name, schema)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
