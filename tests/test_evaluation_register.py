"""The intervention register's migrations and its coexistence with the participation schema."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point
from sqlalchemy import inspect

from groengezond.errors import InputError
from groengezond.evaluation.register import (
    Derive,
    RegisterDatabase,
    add_intervention,
    delete_intervention,
    import_yaml,
    list_interventions,
    open_register,
    register_scenario,
    treatment,
    update_intervention,
)
from groengezond.evaluation.treated import treated_buurten
from groengezond.participation.db import Database
from groengezond.scenario.model import scenario_from_data


def test_register_migrates_up_and_down_beside_participation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    part = Database.from_url(url)
    reg = open_register(url)
    assert reg.current_revision() == "e0001"
    tables = set(inspect(reg.engine).get_table_names())
    assert "evaluation_interventions" in tables
    assert {"evaluation_alembic_version", "participation_alembic_version"} <= tables
    reg.downgrade("base")
    assert "evaluation_interventions" not in set(inspect(reg.engine).get_table_names())
    assert part.current_revision() is not None  # participation untouched
    reg.migrate()
    assert reg.current_revision() == "e0001"


def _db(tmp_path: Path) -> RegisterDatabase:
    return open_register(f"sqlite:///{tmp_path / 'reg.sqlite'}")


def _derive() -> Derive:
    addresses = gpd.GeoDataFrame(
        {"buurt": ["BU00010001", "BU00010001", "BU00010002"], "residents": [10, 10, 10]},
        geometry=[Point(150, 50), Point(350, 50), Point(1500, 50)], crs="EPSG:28992")
    return lambda geom: treated_buurten(geom, addresses).codes


def test_yaml_import_takes_lists_and_geometries(tmp_path: Path) -> None:
    db = _db(tmp_path)
    path = tmp_path / "iv.yaml"
    path.write_text(
        "interventions:\n"
        "- name: Schoolplein\n  areas: [BU00010002, BU00010003]\n  start_date: 2017-03-01\n"
        "  completion_date: 2017-09-01\n  cost_eur: 120000\n  catalogue_id: schoolyard\n"
        "- name: Buurtpark\n  geometry: POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))\n"
        "  start_date: 2019-05-01\n", "utf-8")
    ids = import_yaml(db, path, derive=_derive())
    rows = list_interventions(db)
    assert ids == [1, 2]
    assert rows[0]["areas"] == ["BU00010002", "BU00010003"]
    assert rows[0]["cost_eur"] == 120000 and rows[0]["catalogue_id"] == "schoolyard"
    assert rows[1]["areas"] == ["BU00010001"]  # both residents within 300 m of the park
    assert rows[1]["geometry_wkt"].startswith("POLYGON")
    assert treatment(db, [1, 2]) == {"BU00010002": 2017, "BU00010003": 2017,
                                     "BU00010001": 2019}


def test_yaml_import_checks_every_row_and_writes_nothing(tmp_path: Path) -> None:
    db = _db(tmp_path)
    path = tmp_path / "bad.yaml"
    path.write_text("- name: A\n  areas: [XX1]\n  start_date: 1850-01-01\n"
                    "- name: B\n  geometry: POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))\n"
                    "  start_date: 2019-01-01\n", "utf-8")
    with pytest.raises(InputError) as err:
        import_yaml(db, path)
    text = str(err.value)
    assert "row 1" in text and "bad codes ['XX1']" in text and "year 1850" in text
    assert "row 2" in text and "only a geometry" in text
    assert list_interventions(db) == []


def test_a_built_planner_scenario_is_registered(tmp_path: Path) -> None:
    db = _db(tmp_path)
    scenario = scenario_from_data({"name": "Groen plein", "interventions": [
        {"kind": "add_green", "name": "Park", "catalogue_id": "neighbourhood_park",
         "geometry": "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))",
         "cost": {"low_eur": 100000, "high_eur": 300000, "price_year": 2020,
                  "source": "tender"}},
        {"kind": "plant_trees", "geometry": {"type": "Point", "coordinates": [1500, 60]}}]})
    ids = register_scenario(db, scenario, start_date=dt.date(2020, 3, 1),
                            completion_date=dt.date(2021, 6, 1), derive=_derive())
    rows = list_interventions(db)
    assert ids == [1, 2]
    assert rows[0]["name"] == "Groen plein: Park" and rows[0]["cost_eur"] == 200000
    assert rows[0]["areas"] == ["BU00010001"] and rows[0]["completion_date"] == "2021-06-01"
    assert rows[1]["name"] == "Groen plein: plant_trees 2" and rows[1]["cost_eur"] is None
    assert rows[1]["areas"] == ["BU00010002"]


def test_add_update_delete_one_intervention(tmp_path: Path) -> None:
    db = _db(tmp_path)
    row = add_intervention(db, {"name": "Wadi", "areas": ["BU00010001"],
                                "start_date": "2018-01-01"})
    assert row["id"] == 1 and row["areas"] == ["BU00010001"]
    with pytest.raises(InputError, match="before the start date"):
        update_intervention(db, 1, {"name": "Wadi 2", "areas": "BU00010002",
                                    "start_date": dt.date(2018, 2, 1),
                                    "completion_date": dt.date(2018, 1, 1)})
    assert update_intervention(db, 1, {"name": "Wadi 2", "areas": "BU00010002",
                                       "start_date": "2018-02-01"})["name"] == "Wadi 2"
    delete_intervention(db, 1)
    assert list_interventions(db) == []
    with pytest.raises(InputError, match="no such intervention"):
        delete_intervention(db, 1)
