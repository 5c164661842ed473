"""Generate examples/programme/programme.xlsx: an example Regio Deal programme of 20 projects.

The projects are made up (names, leads, figures) to show and test the programme monitor; the
structure follows the Regio Deal (two tracks, the module "Vitale wijken", the Versneller),
its budget passes the rules of ``groengezond/programme/rules.yaml`` (Rijk ≤ €30M,
cofinancing ≥ Rijk, shares within their ranges). Run from the repository root:

    PYTHONPATH=src python examples/programme/make_programme.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from groengezond.programme.schemas import (
    BudgetLineData,
    KpiData,
    LessonData,
    MilestoneData,
    PeriodData,
    Programme,
    ProjectData,
    ProjectLink,
    RiskData,
)
from groengezond.programme.xlsx import write_programme

OUT = Path(__file__).with_name("programme.xlsx")
GM, GL = "Gezonde mensen", "Groene en gezonde leefomgeving"
TOTAL_EUR = 61_000_000
SHARES = {GM: 0.32, GL: 0.33, "Vitale wijken": 0.24, "Versneller": 0.11}
SPLIT = {"rijk": 0.48, "region": 0.32, "partners": 0.20}
"""Sources of every project's money: Rijk 48 %, so the Rijk's €29.28M stays under €30M and
region + partners (52 %) cover at least as much."""

LOWER_IS_BETTER = {"overweight_pct", "depression_anxiety_risk_pct"}
"""Monitor indicators whose KPI target lies below the baseline (registry: good_direction)."""

# code, name, track, module, lead, partners, area, catalogue, monitor indicator
PROJECTS = [
    ("P01", "Beweegcoaches in de wijk", GM, "", "GGD regio Utrecht", "Sportief Utrecht",
     "GM0344", "healthy_route", "physical_activity_guideline_pct"),
    ("P02", "Groen voorschrift via de huisarts", GM, "", "Huisartsen Utrecht Stad",
     "IVN Natuureducatie", "GM0344", "community_garden", "perceived_health_good_pct"),
    ("P03", "Gezonde schoolpleinen", GM, "", "Gemeente Nieuwegein", "Jantje Beton",
     "GM0356", "green_schoolyard", "overweight_pct"),
    ("P04", "Valpreventie en wandelen voor ouderen", GM, "", "Gemeente Zeist",
     "Ouderenfonds", "GM0355", "healthy_route", ""),
    ("P05", "Moestuinen en gezonde voeding", GM, "", "Gemeente Amersfoort",
     "Voedselbank Amersfoort", "GM0307", "allotment_gardens", ""),
    ("P06", "Mentale veerkracht jongeren in het groen", GM, "", "GGD regio Utrecht",
     "Jongerenwerk", "GM0345", "activity_park", "depression_anxiety_risk_pct"),
    ("P07", "Groene corridor Vaartsche Rijn", GL, "", "Gemeente Utrecht",
     "Waterschap HDSR", "GM0344", "green_corridor", "green_within_300m_pct"),
    ("P08", "Tegels eruit, groen erin", GL, "", "Provincie Utrecht", "Stichting Steenbreek",
     "GM0353", "tile_removal", ""),
    ("P09", "Klimaatbestendige bedrijventerreinen", GL, "", "Gemeente Houten",
     "Ondernemersvereniging", "GM0321", "business_park_depaving", ""),
    ("P10", "Bomen voor hittestraten", GL, "", "Gemeente Utrecht", "Bomenstichting",
     "GM0344", "street_trees", "canopy_pct"),
    ("P11", "Parkentree en veilige oversteek", GL, "", "Gemeente De Bilt", "Provincie Utrecht",
     "GM0310", "safe_crossing", ""),
    ("P12", "Wadi's en regentuinen", GL, "", "Waterschap HDSR", "Gemeente Nieuwegein",
     "GM0356", "wadi", ""),
    ("P13", "Vitale wijk Overvecht", GL, "Vitale wijken", "Gemeente Utrecht",
     "Bo-Ex; Mitros", "GM0344", "pocket_park", "green_within_300m_pct"),
    ("P14", "Vitale wijk Kanaleneiland", GM, "Vitale wijken", "Gemeente Utrecht",
     "Portaal", "GM0344", "neighbourhood_park", ""),
    ("P15", "Vitale wijk Batau", GL, "Vitale wijken", "Gemeente Nieuwegein",
     "Woonstichting Jutphaas", "GM0356", "parking_to_green", ""),
    ("P16", "Vitale wijk Zuidbroek", GM, "Vitale wijken", "Gemeente Houten", "Viveste",
     "GM0321", "square_greening", ""),
    ("P17", "Vitale wijk Kruiskamp", GL, "Vitale wijken", "Gemeente Amersfoort", "Alliantie",
     "GM0307", "tiny_forest", ""),
    ("P18", "Data- en KennisHub Gezond Stedelijk Leven", GM, "Versneller",
     "Universiteit Utrecht", "RIVM; GGD regio Utrecht", "GM0344", "", ""),
    ("P19", "Proeftuinen en participatie", GL, "Versneller", "Hogeschool Utrecht",
     "Gemeente Utrecht", "GM0344", "community_garden", ""),
    ("P20", "Programmamanagement en opschaling", GM, "Versneller", "Provincie Utrecht",
     "U16-gemeenten", "GM0344", "", ""),
]


def programme() -> Programme:
    """The example programme (deterministic)."""
    projects, budget, kpis, milestones, risks = [], [], [], [], []
    counts: dict[str, int] = {}
    for p in PROJECTS:
        cat = p[3] or p[2]
        counts[cat] = counts.get(cat, 0) + 1
    for i, (code, name, track, module, lead, partners, area, cat_entry, monitor) in \
            enumerate(PROJECTS):
        cat = module or track
        n = i + 1
        status = "completed" if n % 9 == 0 else "running" if n % 7 else "planned"
        projects.append(ProjectData(
            code=code, name=name, track=track, module=module, lead=lead,
            lead_user=f"lead{n:02d}", partners=tuple(partners.split("; ")), areas=(area,),
            starts_on=date(2025, 1 + n % 6, 1), ends_on=date(2027, 12, 31), status=status,
            catalogue=(cat_entry,) if cat_entry else (),
            links=(ProjectLink(kind="field_lab", ref=f"lab-{n}"),) if module == "Vitale wijken"
            else ()))
        project_eur = TOTAL_EUR * SHARES[cat] / counts[cat]
        for source, part in SPLIT.items():
            for year, year_part, spent_part in ((2025, 0.4, 0.9), (2026, 0.6, 0.35)):
                committed = round(project_eur * part * year_part, -3)
                budget.append(BudgetLineData(project=code, source=source, year=year,
                                             committed_eur=committed,
                                             spent_eur=round(committed * spent_part, -3)))
        base = 40.0 + n
        kpis.append(KpiData(
            project=code, result="Meer inwoners bereikt", indicator="Deelnemers",
            measure="personen", ascending=True, baseline_year=2024, baseline=0.0,
            periods=(PeriodData(period="2025H2", target=50.0 * n, actual=55.0 * n),
                     PeriodData(period="2026H1", target=100.0 * n, actual=90.0 * n + 40),
                     PeriodData(period="2026H2", target=150.0 * n,
                                actual=160.0 * n if n % 3 else 120.0 * n))))
        if monitor:
            up = monitor not in LOWER_IS_BETTER
            kpis.append(KpiData(
                project=code, result="Gezondere en groenere leefomgeving",
                indicator=f"Monitor: {monitor}", measure="% (Monitor)", ascending=up,
                baseline_year=2022, baseline=base, monitor_indicator=monitor,
                monitor_area=area,
                periods=(PeriodData(period="2026H2", target=base + (2.0 if up else -2.0)),)))
        milestones.append(MilestoneData(project=code, title="Plan van aanpak vastgesteld",
                                        due_on=date(2025, 6, 30), done_on=date(2025, 6, 20)))
        milestones.append(MilestoneData(
            project=code, title="Eerste resultaten opgeleverd", due_on=date(2026, 11, 30),
            done_on=date(2026, 11, 15) if n % 4 else None))
        risks.append(RiskData(
            project=code, description="Vertraging door vergunningen of aanbesteding",
            likelihood=2 + n % 3, impact=2 + n % 4,
            mitigation="Vroeg overleg met vergunningverlening; planning met buffer"))
    lessons = [
        LessonData(what="Tegels wippen met bewoners", where="IJsselstein", area_code="GM0353",
                   result="Bewoners onderhouden de nieuwe geveltuinen zelf",
                   source="Voorbeeld (fictief), project P08", catalogue_entry="tile_removal",
                   project="P08"),
        LessonData(what="Pocketpark op een parkeerplaats", where="Overvecht, Utrecht",
                   area_code="GM0344", result="Meer ontmoeting; parkeerdruk bleef gelijk",
                   source="Voorbeeld (fictief), project P13", catalogue_entry="pocket_park",
                   project="P13"),
        LessonData(what="Groen schoolplein na schooltijd open", where="Nieuwegein",
                   area_code="GM0356", result="Meer spelende kinderen na 15 uur",
                   source="Voorbeeld (fictief), project P03",
                   catalogue_entry="green_schoolyard", project="P03"),
        LessonData(what="Straatbomen in hittestraten", where="Utrecht", area_code="GM0344",
                   result="Bewoners ervaren de straat als koeler",
                   source="Voorbeeld (fictief), project P10", catalogue_entry="street_trees",
                   project="P10"),
    ]
    return Programme(projects=tuple(projects), budget=tuple(budget), kpis=tuple(kpis),
                     milestones=tuple(milestones), risks=tuple(risks), lessons=tuple(lessons))


if __name__ == "__main__":
    write_programme(programme(), OUT)
    print(f"wrote {OUT}")
