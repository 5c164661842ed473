"""Every string the reports print, in Dutch (first) and English.

Templates never hold words of their own: they call ``t("key")``, which looks the key up here
for the report's language. A missing key is an error when the template renders (never an
English fallback in a Dutch report).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # common
    "printed": ("Afgedrukt op", "Printed on"),
    "version": ("groengezond versie", "groengezond version"),
    "sources": ("Bronnen en naamsvermelding", "Sources and attribution"),
    "licence": ("licentie", "licence"),
    "synthetic_badge": ("SYNTHETISCHE DATA — niets in dit rapport is echt",
                        "SYNTHETIC DATA — nothing in this report is real"),
    "quality": ("Kwaliteit van de gegevens", "Data quality"),
    "quality_intro": ("Lagen die niet (volledig) op echte gegevens rusten; cijfers die erop "
                      "steunen zijn gemarkeerd.",
                      "Layers that do not rest (fully) on real data; figures built on them are "
                      "flagged."),
    "layer": ("laag", "layer"),
    "status": ("status", "status"),
    "reason": ("reden", "reason"),
    "status_real": ("echt", "real"),
    "status_derived": ("afgeleid", "derived"),
    "status_placeholder": ("plaatsvervanger", "placeholder"),
    "status_missing": ("ontbreekt", "missing"),
    "not_computable": ("niet te berekenen", "not computable"),
    "suppressed": ("onderdrukt", "suppressed"),
    "none": ("geen", "none"),
    "notes": ("Opmerkingen", "Notes"),
    "contents": ("Inhoud", "Contents"),
    # scenario report
    "scenario_report": ("Scenariorapport", "Scenario report"),
    "scenario_intro": ("Effecten van het plan tegenover de huidige situatie van {region}, "
                       "met 95%-intervallen uit {draws} Monte-Carlotrekkingen (seed {seed}).",
                       "Effects of the plan against the present state of {region}, with 95 % "
                       "intervals from {draws} Monte Carlo draws (seed {seed})."),
    "plan": ("Het plan", "The plan"),
    "plan_map_alt": ("Kaart van het plan: {n} ingrepen (groen) over de buurten eromheen; "
                     "buurten met een effect zijn licht gekleurd.",
                     "Map of the plan: {n} interventions (green) over the buurten around "
                     "them; buurten with an effect are shaded."),
    "intervention": ("ingreep", "intervention"),
    "kind": ("soort", "kind"),
    "size": ("omvang", "size"),
    "catalogue_entry": ("catalogus", "catalogue"),
    "kind_add_green": ("nieuw groen", "new green"),
    "kind_remove_green": ("groen weg", "green removed"),
    "kind_plant_trees": ("bomen planten", "tree planting"),
    "kind_green_roofs": ("groene daken", "green roofs"),
    "kind_depave": ("ontharden", "depaving"),
    "kind_add_connection": ("nieuwe verbinding", "new connection"),
    "kind_add_dwellings": ("nieuwe woningen", "new dwellings"),
    "size_ha": ("ha", "ha"),
    "size_m": ("m", "m"),
    "size_trees": ("bomen", "trees"),
    "size_dwellings": ("woningen", "dwellings"),
    "green_access": ("Groen dichtbij", "Green nearby"),
    "within_300m": ("Aandeel bewoners met openbaar groen binnen 300 m lopen: {before}% → "
                    "{after}%",
                    "Share of residents with public green within 300 m walking: {before} % → "
                    "{after} %"),
    "effects": ("Gezondheidseffecten", "Health effects"),
    "outcome": ("uitkomst", "outcome"),
    "median": ("mediaan", "median"),
    "per_year_unit": ("per jaar", "per year"),
    "outcome_all_cause_mortality": ("Voorkomen sterfgevallen", "Deaths prevented"),
    "outcome_depression": ("Voorkomen gevallen van depressie", "Depression cases prevented"),
    "outcome_anxiety": ("Voorkomen gevallen van angststoornis", "Anxiety cases prevented"),
    "money": ("Euro's en kosten", "Euros and costs"),
    "money_total": ("Waarde van de gezondheidswinst per jaar", "Value of the health gain per year"),
    "price_years": ("prijspeil", "price year"),
    "costs_total": ("Investering", "Investment"),
    "maintenance": ("Onderhoud per jaar", "Maintenance per year"),
    "benefits_pv": ("Contante waarde van de baten ({years} jaar, {rate}%)",
                    "Present value of the benefits ({years} years, {rate} %)"),
    "costs_pv": ("Contante waarde van de kosten", "Present value of the costs"),
    "bcr": ("Baten-kostenverhouding", "Benefit-cost ratio"),
    "cost_assumption": ("Kosten rusten (deels) op aannames uit de catalogus.",
                        "Costs rest (partly) on assumptions from the catalogue."),
    "by_buurt": ("Effecten per buurt", "Effects per buurt"),
    "by_buurt_intro": ("De {shown} buurten met de grootste waarde per jaar, van de {affected} "
                       "buurten waar het plan effect heeft; in de andere {unaffected} van de "
                       "{n} buurten is het effect 0.",
                       "The {shown} buurten with the largest value per year, of the {affected} "
                       "buurten where the plan has an effect; in the other {unaffected} of the "
                       "{n} buurten the effect is 0."),
    "buurt": ("buurt", "buurt"),
    "residents": ("bewoners", "residents"),
    "deaths": ("sterfgevallen", "deaths"),
    "depression_cases": ("depressie", "depression"),
    "value_per_year": ("waarde per jaar", "value per year"),
    "gap": ("De gezondheidskloof", "The health gap"),
    "gap_intro": ("Verschil tussen de meest en minst achtergestelde buurten (slope index of "
                  "inequality) in {indicator}, voor en na het plan.",
                  "Difference between the most and least deprived buurten (slope index of "
                  "inequality) in {indicator}, before and after the plan."),
    "sii_before": ("Kloof nu", "Gap now"),
    "sii_after": ("Kloof na het plan", "Gap after the plan"),
    "sii_change": ("Verandering", "Change"),
    "quintile_gap": ("Verschil tussen laagste en hoogste inkomensgroep: {before} → {after}",
                     "Difference between lowest and highest income group: {before} → {after}"),
    "verdict_narrows": ("De kloof wordt kleiner.", "The gap narrows."),
    "verdict_widens": ("De kloof wordt groter.", "The gap widens."),
    "verdict_unchanged": ("De kloof verandert niet aantoonbaar.",
                          "The gap does not change detectably."),
    "verdict_unknown": ("Of de kloof verandert is niet te zeggen.",
                        "Whether the gap changes cannot be said."),
    "access_verdict": ("Toegang tot groen: ", "Access to green: "),
    "assumptions": ("Aannames en bronnen", "Assumptions and sources"),
    "assumptions_intro": ("Geldwaarden en dosis-responsrelaties waarop het resultaat rust; "
                          "* = aanname.",
                          "Money values and exposure-response functions the result rests "
                          "on; * = assumption."),
    "what": ("wat", "what"),
    "source": ("bron", "source"),
    "engine_notes": ("Opmerkingen van het rekenmodel", "Notes of the model"),
    "money_value": ("{amount} {currency} (prijspeil {year}) per {per}",
                    "{amount} {currency} ({year} prices) per {per}"),
    "currency_EUR": ("euro", "euro"),
    "currency_USD_PPP": ("US-dollar (koopkrachtpariteit)", "US dollar (PPP)"),
    "per_prevented death": ("voorkomen sterfgeval", "prevented death"),
    "per_prevented case": ("voorkomen geval", "prevented case"),
    "per_hectare of green per year": ("hectare groen per jaar", "hectare of green per year"),
    "beside_total": ("naast het totaal (niet opgeteld)", "beside the total (not added)"),
    "cost_reason_no_costs": ("het plan heeft geen kosten opgegeven",
                             "the plan carries no costs"),
    "residents_said": ("Wat bewoners zeiden", "What residents said"),
    "residents_none": ("Dit scenario is niet in een veldlab gepubliceerd.",
                       "This scenario was not published in a field lab."),
    "published_in": ("Gepubliceerd in veldlab {lab} als \u201c{name}\u201d: {n} goedgekeurde "
                     "reacties.",
                     "Published in field lab {lab} as \u201c{name}\u201d: {n} approved "
                     "comments."),
    "category_idea": ("idee", "idea"),
    "category_concern": ("zorg", "concern"),
    "category_question": ("vraag", "question"),
    "category_praise": ("compliment", "praise"),
    "category_other": ("overig", "other"),
    "flags": ("Cijfers op plaatsvervangende gegevens", "Figures on placeholder data"),
    "run_info": ("Invoer-hash {hash}", "Input hash {hash}"),
    # evaluation report
    "evaluation_report": ("Evaluatierapport", "Evaluation report"),
    "evaluation_intro": ("Wat de geregistreerde ingrepen deden met deze indicator in {region}: "
                         "{n} gebieden ({level}), {first}–{last}, schatter {estimator}.",
                         "What the registered interventions did to this indicator in {region}: "
                         "{n} areas ({level}), {first}–{last}, estimator {estimator}."),
    "eval_interventions": ("Ingrepen", "Interventions"),
    "eval_areas": ("gebieden", "areas"),
    "eval_start": ("start", "start"),
    "eval_estimates": ("Geschat effect", "Estimated effect"),
    "eval_estimates_intro": ("Effect op de indicator ({unit}) met 95%-interval; een schatting "
                             "die de gegevens niet dragen staat er niet als getal.",
                             "Effect on the indicator ({unit}) with its 95 % interval; an "
                             "estimate the data cannot support is not printed as a number."),
    "eval_target": ("schatting", "estimate"),
    "eval_effect": ("effect", "effect"),
    "eval_treated_control": ("behandeld / vergelijking", "treated / comparison"),
    "eval_not_identified": ("niet geïdentificeerd", "not identified"),
    "eval_caveat": ("kanttekening", "caveat"),
    "eval_event_study": ("Effect per jaar vanaf de start", "Effect by years from the start"),
    "eval_event_intro": ("Negatieve jaren liggen vóór de start: effecten daar wijzen op "
                         "verschillen die er al waren.",
                         "Negative years lie before the start: effects there point to "
                         "differences that were already there."),
    "eval_event_alt": ("Grafiek: effect op {name} per jaar vanaf de start, met "
                       "95%-intervallen; de getallen staan in de tabel eronder.",
                       "Chart: effect on {name} by years from the start, with 95 % intervals; "
                       "the numbers are in the table below."),
    "eval_e": ("jaren vanaf start", "years from start"),
    "eval_series": ("Behandelde en vergelijkingsgebieden", "Treated and comparison areas"),
    "eval_treated": ("behandeld (gemiddelde)", "treated (mean)"),
    "eval_comparison": ("vergelijking (gemiddelde)", "comparison (mean)"),
    # area report
    "area_report": ("Gebiedsrapport", "Area report"),
    "level_buurt": ("buurt", "neighbourhood (buurt)"),
    "level_wijk": ("wijk", "district (wijk)"),
    "level_gemeente": ("gemeente", "municipality"),
    "level_region": ("regio", "region"),
    "code": ("code", "code"),
    "inhabitants": ("inwoners", "inhabitants"),
    "part_of": ("onderdeel van", "part of"),
    "map": ("Kaart", "Map"),
    "map_alt": ("Kaart van {name} (gemarkeerd) tussen de andere gebieden van {parent}.",
                "Map of {name} (highlighted) among the other areas of {parent}."),
    "geometry_flag": ("De grens van dit gebied is een benadering: {reason}",
                      "The boundary of this area is an approximation: {reason}"),
    "indicators": ("Indicatoren", "Indicators"),
    "indicators_intro": ("Waarde in het laatste jaar met 95%-interval, rang en kwintiel onder "
                         "de gebieden van hetzelfde niveau (1 = best), en de trend.",
                         "Value in the latest year with 95% interval, rank and quintile among "
                         "the areas of the same level (1 = best), and the trend."),
    "indicator": ("indicator", "indicator"),
    "year": ("jaar", "year"),
    "value": ("waarde", "value"),
    "interval": ("95%-interval", "95% interval"),
    "rank": ("rang", "rank"),
    "quintile": ("kwintiel", "quintile"),
    "trend": ("trend", "trend"),
    "unit": ("eenheid", "unit"),
    "of": ("van", "of"),
    "coverage": ("dekking", "coverage"),
    "per_year": ("per jaar", "per year"),
    "trend_up": ("stijgend", "rising"),
    "trend_down": ("dalend", "falling"),
    "trend_stable": ("stabiel", "stable"),
    "trend_none": ("te weinig jaren", "too few years"),
    "trend_charts": ("Trends", "Trends"),
    "trend_alt": ("Verloop van {name} in {area}, {first}–{last}, met 95%-intervallen.",
                  "{name} in {area}, {first}–{last}, with 95% intervals."),
    "gaps": ("Plaats in de verschillen", "Place in the gaps"),
    "gaps_intro": ("Kwintiel 1 is de best scorende 20% van de gebieden van dit niveau, "
                   "kwintiel 5 de slechtste 20%.",
                   "Quintile 1 is the best-scoring 20% of the areas of this level, quintile 5 "
                   "the worst 20%."),
    "worst_quintile": ("In de slechtste 20% voor", "In the worst 20% for"),
    "best_quintile": ("In de beste 20% voor", "In the best 20% for"),
    "access": ("Toegang tot groen", "Green access"),
    "access_within_300m": ("inwoners binnen 300 m lopen van openbaar groen",
                           "residents within a 300 m walk of public green"),
    "access_3_30_300": ("inwoners die aan 3-30-300 voldoen",
                        "residents meeting 3-30-300"),
    "access_canopy": ("kroonbedekking", "tree canopy cover"),
    "access_green_m2": ("m² openbaar groen per inwoner binnen 500 m",
                        "m² of public green per inhabitant within 500 m"),
    "access_median_m": ("mediane looplengte naar groen (m)",
                        "median walking distance to green (m)"),
    "network_degraded": ("Het loopnetwerk is onvolledig; deze cijfers zijn gemarkeerd.",
                         "The walking network is incomplete; these figures are flagged."),
    "field_labs": ("Proeftuinen", "Field labs"),
    "field_labs_none": ("Geen proeftuinen in dit gebied.", "No field labs in this area."),
    "open_period": ("open", "open"),
    "lessons": ("Lessen uit de kennisbank", "Lessons from the knowledge base"),
    "lessons_none": ("Geen lessen voor dit gebied.", "No lessons for this area."),
    "lesson_what": ("wat", "what"),
    "lesson_where": ("waar", "where"),
    "lesson_result": ("resultaat", "result"),
    "lesson_source": ("bron", "source"),
    # programme report
    "programme_report": ("Voortgangsrapportage Regio Deal", "Regio Deal progress report"),
    "period": ("periode", "period"),
    "tracks": ("Voortgang per spoor", "Progress per track"),
    "track": ("spoor", "track"),
    "projects": ("projecten", "projects"),
    "project": ("project", "project"),
    "project_list": ("Projecten", "Projects"),
    "lead": ("trekker", "lead"),
    "status_planned": ("gepland", "planned"),
    "status_running": ("lopend", "running"),
    "status_completed": ("afgerond", "completed"),
    "status_paused": ("gepauzeerd", "paused"),
    "status_cancelled": ("gestopt", "cancelled"),
    "committed": ("vastgelegd (€)", "committed (€)"),
    "spent": ("besteed (€)", "spent (€)"),
    "share": ("aandeel", "share"),
    "allocation_range": ("bandbreedte", "allocation range"),
    "budget": ("Budget en regels", "Budget and rules"),
    "money_source": ("herkomst", "source"),
    "source_rijk": ("Rijk", "Rijk (national government)"),
    "source_region": ("regio", "region"),
    "source_partners": ("partners", "partners"),
    "rules": ("Toetsing aan de regels", "Check against the rules"),
    "rule_ok": ("voldoet", "passes"),
    "rule_breach": ("voldoet niet", "fails"),
    "budget_chart_alt": ("Staafdiagram van het vastgelegde budget per spoor tegen de "
                         "bandbreedte.",
                         "Bar chart of the committed budget per track against its range."),
    "rule_rijk_max": ("Bijdrage van het Rijk {rijk} (maximum {max})",
                      "Rijk contribution {rijk} (maximum {max})"),
    "rule_cofinancing": ("Cofinanciering door regio en partners {cofin}, vereist {required}",
                         "Cofinancing by region and partners {cofin}, required {required}"),
    "rule_allocation": ("{subject}: aandeel {share} binnen de bandbreedte {low}–{high}",
                        "{subject}: share {share} within the range {low}–{high}"),
    "rule_spent_le_committed": ("Niet meer besteed dan vastgelegd ({n} regels erboven)",
                                "No more spent than committed ({n} lines over)"),
    "kpis": ("KPI's tegen hun doelen", "KPIs against their targets"),
    "baseline": ("nulmeting", "baseline"),
    "target": ("doel", "target"),
    "actual": ("gerealiseerd", "actual"),
    "on_track": ("op koers", "on track"),
    "kpi_behind": ("achter", "behind"),
    "kpi_no_actual": ("nog geen meting", "no measurement yet"),
    "kpi_note_no_region": ("geen regio opgegeven om de Monitor uit te lezen",
                           "no region given to read the Monitor from"),
    "kpi_note_no_value": ("de Monitor heeft geen waarde voor dit gebied in of voor deze periode",
                          "the Monitor has no value for this area up to this period"),
    "kpi_note_suppressed": ("de Monitorwaarde is onderdrukt (te weinig personen)",
                            "the Monitor value is suppressed (too few persons)"),
    "from_monitor": ("uit de Monitor", "from the Monitor"),
    "milestones": ("Mijlpalen", "Milestones"),
    "due": ("gepland op", "due"),
    "done": ("gereed", "done"),
    "risks": ("Risico's", "Risks"),
    "likelihood": ("kans", "likelihood"),
    "impact": ("impact", "impact"),
    "mitigation": ("beheersmaatregel", "mitigation"),
}
"""Message key → (Dutch, English)."""

UNITS_NL: dict[str, str] = {
    "% of adults (18+)": "% van volwassenen (18+)",
    "% of households": "% van huishoudens",
    "% of inhabitants": "% van inwoners",
    "% of land (resident-weighted)": "% van het land (gewogen naar inwoners)",
    "% of land area": "% van het landoppervlak",
    "% of residents": "% van inwoners",
    "% of residents in the age group": "% van de inwoners in de leeftijdsgroep",
    "EUR per year": "euro per jaar",
    "decile (1-10)": "deciel (1-10)",
    "households": "huishoudens",
    "km (by road)": "km (over de weg)",
    "km (straight line)": "km (hemelsbreed)",
    "m² per inhabitant": "m² per inwoner",
    "persons": "personen",
    "score (1-10)": "cijfer (1-10)",
    "score (Leefbaarometer 3.0)": "score (Leefbaarometer 3.0)",
    "score (deviation, Leefbaarometer 3.0)": "score (afwijking, Leefbaarometer 3.0)",
    "score (standardised; 0 = national mean)":
        "score (gestandaardiseerd; 0 = landelijk gemiddelde)",
    "years": "jaar",
    "deaths per year": "sterfgevallen per jaar",
    "cases": "gevallen",
    "cases per year": "gevallen per jaar",
}
"""Units of the indicator registry (English there) in Dutch; others print as they are."""

REASONS_NL: tuple[tuple[str, str], ...] = (
    ("fewer than ", "minder dan "), (" persons", " personen"),
    ("number of persons unknown", "aantal personen onbekend"),
    ("dominance rule (one contributor dominates the total)",
     "dominantieregel (één bijdrager domineert het totaal)"),
)
"""Suppression reasons of :func:`groengezond.indicators.disclosure.disclose` in Dutch."""


def unit(text: str, lang: Lang) -> str:
    """An indicator unit in ``lang`` (the registry writes units in English)."""
    return UNITS_NL.get(text, text) if lang == "nl" else text


def reason(text: str, lang: Lang) -> str:
    """A disclosure suppression reason in ``lang``."""
    if lang == "en":
        return text
    for en, nl in REASONS_NL:
        text = text.replace(en, nl)
    return text


def message(key: str, lang: Lang, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    Raises
    ------
    KeyError
        When the key is not in :data:`MESSAGES` (a template asked for a word nobody wrote).
    """
    nl, en = MESSAGES[key]
    text = nl if lang == "nl" else en
    return text.format(**values) if values else text
