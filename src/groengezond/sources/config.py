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
    population: {method: auto}

Every input may carry ``name``, ``licence`` and ``attribution`` to replace the default source
entry written into ``region.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from groengezond.errors import InputError, Problem
from groengezond.region.model import Source
from groengezond.sources.areas import REGION_CODE


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path
    name: str | None = None
    licence: str | None = None
    attribution: str | None = None

    def source(self, name: str, licence: str, attribution: str) -> Source:
        """The source entry of this input: the config's texts where given, else the defaults."""
        return Source(name=self.name or name, licence=self.licence or licence,
                      attribution=self.attribution or attribution)


class CbsInput(_Input):
    """A KWB table (csv/xlsx release or OData JSON); ``names``: WijkenEnBuurten JSON."""

    year: int | None = None
    names: Path | None = None


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


class PopulationInput(BaseModel):
    """How residents are placed: ``auto`` uses points if given, else buildings, else a lattice."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["auto", "points", "buildings", "lattice"] = "auto"
    path: Path | None = None
    column: str | None = None
    spacing_m: float = Field(50.0, gt=0)
    residents_per_point: int = Field(10, ge=1)
    min_volume_m3: float = Field(60.0, ge=0)


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
    cbs: list[CbsInput]
    boundaries: list[BoundaryInput]
    health: list[HealthInput] = Field(default_factory=list)
    green: OsmInput | None = None
    trees: OsmInput | None = None
    network: OsmInput | None = None
    buildings: BuildingsInput | None = None
    population: PopulationInput = Field(default_factory=PopulationInput)
    clip_buffer_m: float = Field(1000.0, ge=0)
    config_path: Path | None = None

    @field_validator("cbs", "boundaries", "health", mode="before")
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


def _resolve(config: BuildConfig, base: Path) -> BuildConfig:
    root = (base / config.base_dir).resolve()

    def fix(path: Path | None) -> Path | None:
        if path is None:
            return None
        return path if path.is_absolute() else root / path

    for item in [*config.cbs, *config.boundaries, *config.health, config.green, config.trees,
                 config.network, config.buildings]:
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
