"""Write the tiny RIVM 50090NED fixtures in each form StatLine publishes the table.

Run from the repository: ``python tests/data/sources/make_rivm_50090.py``. The values are made
up (a fictitious gemeente GM9990 'Testdorp' and the real name of GM1900 Súdwest-Fryslân, for
its accent), in the shape of the real download: ``ID, Leeftijd, Marges, WijkenEnBuurten,
Perioden, Gemeentenaam_1, SoortRegio_2, Codering_3`` and measure columns ``<Stem>_<n>``; codes
padded with spaces to 10 characters, measures as text right-aligned in 8 characters, a
suppressed buurt with empty cells (xlsx) or ``.`` (CSV), a land row NL01 and one measure that
maps to no indicator (``Onbekend_99``).

Files written next to this script:

- ``rivm_50090NED_sample.xlsx`` (openpyxl, one sheet, as the StatLine download);
- ``rivm_50090NED_sample_latin1.csv`` (``;``-separated, Windows-1252/Latin-1, decimal comma);
- ``rivm_50090NED_typeddataset.json`` (OData v3 TypedDataSet, with MOG0095/MBG0095 margins);
- ``fetch/rivm_50090NED_page1.json``, ``fetch/rivm_50090NED_page2.json`` and
  ``fetch/rivm_50090NED_dataproperties.json``: the responses of the OData service
  (``dataderden.cbs.nl/ODataApi/odata/50090NED``) to ``groengezond fetch`` for GM9990, two
  pages joined by ``odata.nextLink``, and the table's DataProperties (dimensions and topics
  with their units) in the shape CBS publishes them.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1",
          "SoortRegio_2", "Codering_3", "ErvarenGezondheidGoedZeerGoed_4", "Ondergewicht_7",
          "Overgewicht_9", "VoldoetAanBeweegrichtlijn_5", "MoeiteMetRondkomen_38",
          "Onbekend_99"]

AREAS = [
    ("NL01", "Nederland", "Land"),
    ("GM9990", "Testdorp", "Gemeente"),
    ("WK999001", "Testdorp", "Wijk"),
    ("BU99900101", "Testdorp", "Buurt"),
    ("BU99900102", "Testdorp", "Buurt"),
    ("BU99900103", "Testdorp", "Buurt"),
    ("GM1900", "Súdwest-Fryslân", "Gemeente"),
]

# (year, age code) -> values per area (None = suppressed); measures in HEADER order from _4.
VALUES: dict[tuple[int, int], dict[str, tuple[float | None, ...]]] = {
    (2016, 20300): {
        "NL01": (76.1, 1.9, 49.0, None, 24.0, 3.0),
        "GM9990": (78.3, 2.5, 38.7, None, 28.6, 3.0),
        "WK999001": (80.1, 2.6, 35.7, None, 27.5, 3.0),
        "BU99900101": (77.0, 0.9, 41.2, None, 30.1, 3.0),
        "BU99900102": (82.4, 2.1, 33.0, None, 22.8, 3.0),
        "BU99900103": (None, None, None, None, None, None),
        "GM1900": (79.5, 1.6, 52.3, None, 18.4, 3.0),
    },
    (2020, 20300): {
        "NL01": (76.5, 2.0, 50.1, 48.9, 23.1, 3.0),
        "GM9990": (80.8, 2.4, 37.9, 55.0, 26.0, 3.0),
        "WK999001": (82.5, 2.5, 35.0, 56.1, 25.2, 3.0),
        "BU99900101": (69.9, 0.8, 45.3, 49.5, 39.2, 3.0),
        "BU99900102": (85.8, 2.2, 31.8, 58.0, 18.7, 3.0),
        "BU99900103": (None, None, None, None, None, None),
        "GM1900": (80.2, 1.5, 53.0, 50.2, 17.9, 3.0),
    },
    (2020, 80200): {
        "NL01": (66.7, 1.3, 58.9, 37.7, 7.3, 3.0),
        "GM9990": (62.1, 1.8, 55.0, 35.2, 9.9, 3.0),
        "WK999001": (63.0, 1.7, 54.1, 36.0, 9.5, 3.0),
        "BU99900101": (58.4, None, 57.2, 33.3, 12.0, 3.0),
        "BU99900102": (65.2, 1.1, 52.9, 38.8, 7.7, 3.0),
        "BU99900103": (None, None, None, None, None, None),
        "GM1900": (70.3, 1.2, 60.5, 39.9, 5.1, 3.0),
    },
}


def rows() -> list[list[object]]:
    """The table as the StatLine download holds it (text cells, padded codes)."""
    out: list[list[object]] = []
    n = 0
    for (year, age), by_area in VALUES.items():
        for code, name, kind in AREAS:
            cells = [f"{v:8.1f}" if v is not None else None for v in by_area[code]]
            out.append([n, age, "MW00000", code.ljust(10), f"{year}JJ00", name.ljust(40),
                        kind.ljust(10), code.ljust(20), *cells])
            n += 1
    return out


def write_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "50090NED_UntypedDataSet"
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    book.save(path)


def write_csv(path: Path) -> None:
    lines = [";".join(f'"{h}"' for h in HEADER)]
    for row in rows():
        cells = []
        for i, cell in enumerate(row):
            if i >= 8:
                cells.append('"."' if cell is None else f'"{str(cell).replace(".", ",")}"')
            else:
                cells.append(f'"{cell}"')
        lines.append(";".join(cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_json(path: Path) -> None:
    """OData rows with numbers (not text), and a 95% interval for the 2020 18+ rows."""
    records = []
    n = 0
    for (year, age), by_area in VALUES.items():
        for code, name, kind in AREAS:
            margins = ["MW00000"] + (["MOG0095", "MBG0095"] if (year, age) == (2020, 20300)
                                     else [])
            for margin in margins:
                factor = {"MW00000": 1.0, "MOG0095": 0.9, "MBG0095": 1.1}[margin]
                record: dict[str, object] = {
                    "ID": n, "Leeftijd": str(age), "Marges": margin,
                    "WijkenEnBuurten": code.ljust(10), "Perioden": f"{year}JJ00",
                    "Gemeentenaam_1": name.ljust(40), "SoortRegio_2": kind.ljust(10),
                    "Codering_3": code.ljust(20)}
                for key, value in zip(HEADER[8:], by_area[code], strict=True):
                    record[key] = None if value is None else round(value * factor, 1)
                records.append(record)
                n += 1
    doc = {"odata.metadata": "https://dataderden.cbs.nl/ODataApi/OData/50090NED/$metadata"
                             "#Cbs.OData.WebAPI.TypedDataSet", "value": records}
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")


TITLES = {"ErvarenGezondheidGoedZeerGoed_4": "Ervaren gezondheid goed/zeer goed",
          "Ondergewicht_7": "Ondergewicht", "Overgewicht_9": "Overgewicht",
          "VoldoetAanBeweegrichtlijn_5": "Voldoet aan beweegrichtlijn",
          "MoeiteMetRondkomen_38": "Moeite met rondkomen", "Onbekend_99": "Onbekend"}


def write_fetch(folder: Path) -> None:
    """Recorded OData responses for GM9990 (two TypedDataSet pages and DataProperties)."""
    base = "https://dataderden.cbs.nl/ODataApi/OData/50090NED"
    records = []
    for (year, age), by_area in VALUES.items():
        for code, name, kind in AREAS:
            if not code.startswith(("GM9990", "WK9990", "BU9990")):
                continue
            record: dict[str, object] = {
                "ID": len(records), "Leeftijd": str(age), "Marges": "MW00000",
                "WijkenEnBuurten": code.ljust(10), "Perioden": f"{year}JJ00",
                "Gemeentenaam_1": name.ljust(40), "SoortRegio_2": kind.ljust(10),
                "Codering_3": code.ljust(20)}
            for key, value in zip(HEADER[8:], by_area[code], strict=True):
                record[key] = value
            records.append(record)
    half = len(records) // 2
    query = "$filter=startswith(WijkenEnBuurten,'GM9990')&$format=json"
    pages = [{"odata.metadata": f"{base}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
              "value": records[:half],
              "odata.nextLink": f"{base.replace('OData', 'odata')}/TypedDataSet?{query}"
                                f"&$skiptoken=Guid'{half:04d}'"},
             {"odata.metadata": f"{base}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
              "value": records[half:]}]
    for i, page in enumerate(pages, start=1):
        (folder / f"rivm_50090NED_page{i}.json").write_text(
            json.dumps(page, indent=1, ensure_ascii=False) + "\n", "utf-8")
    dims = [("Cbs.OData.Dimension", "Dimension", "Leeftijd", "Leeftijd"),
            ("Cbs.OData.Dimension", "Dimension", "Marges", "Marges"),
            ("Cbs.OData.GeoDimension", "GeoDimension", "WijkenEnBuurten", "Wijken en buurten"),
            ("Cbs.OData.TimeDimension", "TimeDimension", "Perioden", "Perioden")]
    props: list[dict[str, object]] = [
        {"odata.type": t, "ID": i, "Position": i, "ParentID": None, "Type": kind, "Key": key,
         "Title": title, "Description": "", "Kind": None, "MapYear": None,
         "ReleasePolicy": False} for i, (t, kind, key, title) in enumerate(dims)]
    for key in HEADER[8:]:
        props.append({"odata.type": "Cbs.OData.Topic", "ID": len(props),
                      "Position": len(props) - len(dims), "ParentID": None, "Type": "Topic",
                      "Key": key, "Title": TITLES[key], "Description": "",
                      "Datatype": "Double", "Unit": "%", "Decimals": 1,
                      "Default": "Impossible"})
    doc = {"odata.metadata": f"{base}/$metadata#Cbs.OData.WebAPI.DataProperties",
           "value": props}
    (folder / "rivm_50090NED_dataproperties.json").write_text(
        json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    write_xlsx(HERE / "rivm_50090NED_sample.xlsx")
    write_csv(HERE / "rivm_50090NED_sample_latin1.csv")
    write_json(HERE / "rivm_50090NED_typeddataset.json")
    write_fetch(HERE / "fetch")
