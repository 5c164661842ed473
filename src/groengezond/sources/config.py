"""The build configuration (``sources.yaml``): which file feeds which layer.

Example (paths are relative to ``base_dir``, which is relative to the config file's folder)::

    name: Gemeente Utrecht (open data)
    base_dir: ..                     # the repository, when this file is in examples/
    gemeenten: [GM0344]
    primary_year: 2023               # the KWB year whose areas the region has
    region: {code: RG0344, name: Utrecht}
    cbs:
      - {path: ../shared/data/cbs_kwb/kwb2023_gemeente_utrecht.csv, year: 2023}
    boundaries:
      - {path: ../shared/data/boundaries/cbs_wijken_2016_gegeneraliseerd_regio_utrecht.gpkg,
         year: 2016}
    health:
      - {kind: small_area, path: ..., indicator: overweight_pct, year: 2012}
      - {kind: statline, path: ..., year: 2020}
      - {kind: rivm_50090, path: .../RIVM_50090NED_gezondheid_wijk_buurt_2020_18plus.xlsx}
    green: {path: ...}
    trees: {path: ...}
    network: {path: ...}
    buildings: {path: ..., lod: "1.2"}
    bag:                             # BAG panden and/or verblijfsobjecten (addresses)
      panden: {path: ...}
      verblijfsobjecten: {path: ...}
    landcover:                       # rasterised with green, trees, buildings and BAG panden
      water: [{path: ...}]
      paved: [{path: ..., width_m: 4}]
      buildings: [{path: ...}]       # e.g. OSM buildings, on top of 3DBAG and BAG panden
      default_class: paved           # cells no layer covers
      ndvi: {path: ..., column: _NDVImean, code_column: gemeentecode, method: shift}
    population: {method: auto}

Any CBS-shaped table (``tables:``, see :mod:`groengezond.sources.tables`) maps its columns to
registry indicators; with ``defines_areas: true`` and an inhabitants column it can stand in
for the KWB table (then ``cbs:`` may be left out)::

    tables:
      - path: ../shared/data/cbs_kwb/kwb2020_buurten_provincie_utrecht_leefbaarometer.csv
        year: 2020
        code_column: buurt_code
        name_column: regio
        inhabitants_column: aantal_inwoners
        defines_areas: true
        ignore: ["", gm_naam]
        columns:
          leefbarometer_score: leefbaarometer_score
          social_economische_score_gemiddeld: {id: ses_woa_score, missing_values: [0]}
    missing_buurt_polygons: placeholder   # or omit: leave the buurt level out

Every input may carry ``name``, ``licence`` and ``attribution`` to replace the default source
entry written into ``region.json``, and ``quality`` (``{status, reason}``) to record a known
limitation of the file in the layer's quality record (e.g. an export truncated at 4,000
features is ``placeholder``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from groengezond.errors import InputError, Problem
from groengezond.region.model import Source
from groengezond.region.quality import LayerQuality
from groengezond.sources.areas import REGION_CODE
from groengezond.sources.tables import TableSpec


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path
    name: str | None = None
    licence: str | None = None
    attribution: str | None = None
    quality: LayerQuality | None = None

    def source(self, name: str, licence: str, attribution: str) -> Source:
        """The source entry of this input: the config's texts where given, else the defaults."""
        return Source(name=self.name or name, licence=self.licence or licence,
                      attribution=self.attribution or attribution)


class CbsInput(_Input):
    """A KWB table (csv/xlsx release or OData JSON); ``names``: WijkenEnBuurten JSON."""

    year: int | None = None
    names: Path | None = None


class TableInput(_Input, TableSpec):
    """A CBS-shaped table read through its column mapping (see :class:`TableSpec`)."""


class BoundaryInput(_Input):
    """Wijk/buurt/gemeente polygons; ``layers`` of a GeoPackage (all with CBS codes if none)."""

    layers: list[str] | None = None
    year: int | None = None


class HealthInput(_Input):
    """A health table: ``small_area`` (estimate + SE per area), ``statline`` (StatLine shape)
    or ``rivm_50090`` (RIVM 50090NED download or OData JSON; ``age_group`` only for a table
    without a Leeftijd column)."""

    kind: Literal["small_area", "statline", "rivm_50090"]
    indicator: str | None = None
    year: int | None = None
    proportion: bool | None = None
    age_group: str | None = None


class OsmInput(_Input):
    """An OpenStreetMap extract (.osm.pbf) or GeoJSON export."""


class BuildingsInput(_Input):
    """3DBAG CityJSON / CityJSONSeq; ``lod`` used for heights and footprints."""

    lod: Literal["1.2", "1.3", "2.2"] = "1.2"


class BagInput(BaseModel):
    """BAG panden (footprints) and verblijfsobjecten (address points); either may be absent."""

    model_config = ConfigDict(extra="forbid")

    panden: _Input | None = None
    verblijfsobjecten: _Input | None = None


class ClassInput(_Input):
    """A vector layer of one land-cover class; ``width_m`` (m) for lines without a width;
    ``where`` (column -> values) keeps only matching features (default: the OSM tags of the
    class, for OSM extracts and exports)."""

    width_m: float = Field(4.0, gt=0)
    where: dict[str, list[str]] | None = None


class NdviInput(_Input):
    """Observed mean NDVI per area (gemeente) to calibrate the per-class NDVI to."""

    column: str = "_NDVImean"
    code_column: str = "gemeentecode"
    method: Literal["shift", "gain"] = "shift"


LandcoverClass = Literal["building", "paved", "low_green", "trees", "water", "agriculture",
                         "bare"]


class LandcoverInput(BaseModel):
    """Inputs of the land-cover raster besides green, trees, buildings and BAG panden."""

    model_config = ConfigDict(extra="forbid")

    water: list[ClassInput] = Field(default_factory=list)
    paved: list[ClassInput] = Field(default_factory=list)
    bare: list[ClassInput] = Field(default_factory=list)
    buildings: list[ClassInput] = Field(default_factory=list)
    default_class: LandcoverClass = "paved"
    ndvi: NdviInput | None = None

    @field_validator("water", "paved", "bare", "buildings", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    def class_inputs(self) -> list[tuple[str, ClassInput]]:
        """(class, input) of every class layer."""
        return [*(("water", i) for i in self.water), *(("paved", i) for i in self.paved),
                *(("bare", i) for i in self.bare), *(("building", i) for i in self.buildings)]


class PopulationInput(BaseModel):
    """How residents are placed: ``auto`` uses points if given, else BAG per buurt (addresses,
    else residential panden), else buildings, else a lattice."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["auto", "points", "bag", "buildings", "lattice"] = "auto"
    path: Path | None = None
    column: str | None = None
    spacing_m: float = Field(50.0, gt=0)
    residents_per_point: int = Field(10, ge=1)
    min_volume_m3: float = Field(60.0, ge=0)
    max_residents_per_dwelling: float = Field(5.0, gt=0)


class RegionInput(BaseModel):
    """Code and name of the region-level area on top of the gemeenten."""

    model_config = ConfigDict(extra="forbid")

    code: str = REGION_CODE
    name: str | None = None


class BuildConfig(BaseModel):
    """A build configuration; see the module docstring for an example."""

    model_config = ConfigDict(extra="forbid")

    name: str
    base_dir: Path = Path(".")
    gemeenten: list[str] = Field(default_factory=list)
    primary_year: int | None = None
    region: RegionInput = Field(default_factory=RegionInput)
    cbs: list[CbsInput] = Field(default_factory=list)
    tables: list[TableInput] = Field(default_factory=list)
    boundaries: list[BoundaryInput]
    missing_buurt_polygons: Literal["placeholder", "omit"] = "placeholder"
    health: list[HealthInput] = Field(default_factory=list)
    green: OsmInput | None = None
    trees: OsmInput | None = None
    network: OsmInput | None = None
    buildings: BuildingsInput | None = None
    bag: BagInput | None = None
    landcover: LandcoverInput | None = None
    population: PopulationInput = Field(default_factory=PopulationInput)
    clip_buffer_m: float = Field(1000.0, ge=0)
    config_path: Path | None = None

    @field_validator("cbs", "tables", "boundaries", "health", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("gemeenten")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not (len(code) == 6 and code.startswith("GM") and code[2:].isdigit()):
                raise ValueError(f"{code!r} is not a gemeente code like GM0344")
        return value

    @model_validator(mode="after")
    def _has_areas(self) -> BuildConfig:
        if not self.cbs and not any(t.defines_areas for t in self.tables):
            raise ValueError("no table defines the areas: give a KWB table under `cbs:`, or a "
                             "`tables:` entry with `defines_areas: true` and an "
                             "inhabitants_column")
        for table in self.tables:
            if table.defines_areas and table.inhabitants_column is None:
                raise ValueError(f"tables entry {table.path}: `defines_areas` needs "
                                 "`inhabitants_column`")
        return self


def _resolve(config: BuildConfig, base: Path) -> BuildConfig:
    root = (base / config.base_dir).resolve()

    def fix(path: Path | None) -> Path | None:
        if path is None:
            return None
        return path if path.is_absolute() else root / path

    extra: list[_Input | None] = []
    if config.bag is not None:
        extra += [config.bag.panden, config.bag.verblijfsobjecten]
    if config.landcover is not None:
        extra += [i for _, i in config.landcover.class_inputs()] + [config.landcover.ndvi]
    for item in [*config.cbs, *config.tables, *config.boundaries, *config.health, config.green,
                 config.trees, config.network, config.buildings, *extra]:
        if item is not None:
            item.path = fix(item.path) or item.path
    for cbs in config.cbs:
        cbs.names = fix(cbs.names)
    config.population.path = fix(config.population.path)
    return config


def parse_config(data: Any, *, file: str = "config", base: Path = Path(".")) -> BuildConfig:
    """Validate a parsed config mapping; relative paths are resolved against ``base``."""
    if not isinstance(data, dict):
        raise InputError.single(file, "", "", "does not hold a mapping",
                                "write keys such as name, cbs, boundaries (see docs/sources.md)")
    try:
        config = BuildConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            Problem(file, "", ".".join(str(p) for p in err["loc"]), err["msg"],
                    "see docs/sources.md for the keys and their values")
            for err in exc.errors()) from exc
    return _resolve(config, base)


def load_config(path: Path) -> BuildConfig:
    """Read and validate a ``sources.yaml`` build configuration.

    Raises
    ------
    InputError
        For a missing file, YAML syntax errors (with line) and invalid keys or values.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.single(str(path), "", "", "does not exist",
                                "give the path of a sources.yaml (see examples/)")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError.single(str(path), "", "", "is not UTF-8 text",
                                "save the config as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise InputError.single(str(path), where, "", f"is not valid YAML ({exc})",
                                "repair the YAML syntax (indentation, colons, quotes)") from exc
    config = parse_config(data, file=path.name, base=path.resolve().parent)
    config.config_path = path.resolve()
    return config
