"""The knowledge base: lessons from field labs and projects (what, where, result, source).

Lessons are stored with the programme (:class:`~.models.Lesson`), linked to a catalogue entry
and an area, searched with SQL ``LIKE`` (case-insensitive on SQLite and PostgreSQL through
``ILIKE``) and quoted in area reports (:func:`lessons_for_area`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import or_, select

from groengezond.programme.db import ProgrammeDatabase
from groengezond.programme.models import Lesson


def _row(le: Lesson) -> dict[str, Any]:
    return {"what": le.what, "where": le.where, "area_code": le.area_code,
            "result": le.result, "source": le.source, "catalogue_entry": le.catalogue_entry,
            "project": le.project_code}


def search_lessons(db: ProgrammeDatabase, text: str = "", *, catalogue_entry: str = "",
                   area_codes: set[str] | None = None, limit: int = 50
                   ) -> list[dict[str, Any]]:
    """Lessons whose what, where, result or source contain every word of ``text``.

    Parameters
    ----------
    db : ProgrammeDatabase
        The store.
    text : str
        Words to find (all of them, anywhere, case-insensitive); empty finds all.
    catalogue_entry : str
        Only lessons linked to this catalogue entry.
    area_codes : set of str, optional
        Only lessons of these areas.
    limit : int
        At most this many, newest first.
    """
    q = select(Lesson)
    for word in text.split():
        pattern = f"%{word}%"
        q = q.where(or_(Lesson.what.ilike(pattern), Lesson.where.ilike(pattern),
                        Lesson.result.ilike(pattern), Lesson.source.ilike(pattern)))
    if catalogue_entry:
        q = q.where(Lesson.catalogue_entry == catalogue_entry)
    if area_codes is not None:
        q = q.where(Lesson.area_code.in_(sorted(area_codes)))
    with db.read() as s:
        return [_row(le) for le in s.scalars(q.order_by(Lesson.id.desc()).limit(limit)).all()]


def lessons_for_area(db: ProgrammeDatabase, areas: pd.DataFrame, code: str
                     ) -> list[dict[str, Any]]:
    """Lessons of an area, of the areas under it and of the areas it lies in."""
    from groengezond.reports.area import descendants

    parents = areas.set_index("code")["parent"].to_dict()
    codes = descendants(areas, code)
    up = parents.get(code)
    while isinstance(up, str) and up not in codes:
        codes.add(up)
        up = parents.get(up)
    return search_lessons(db, area_codes=codes, limit=10)
