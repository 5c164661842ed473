"""U-Cloud: the secure hub that links care, social-domain and environment data.

Modules: :mod:`.pseudonym` (keyed BSN pseudonyms), :mod:`.addresses` (address → buurt),
:mod:`.fhir_ingest` (FHIR R4 nl-core), :mod:`.social` (Wmo, Jeugdwet, Participatiewet CSV),
:mod:`.linkage`, :mod:`.tables`, :mod:`.suppression` and :mod:`.attack` (disclosure control and
the differencing attack that tests it), :mod:`.care_indicators`, :mod:`.pipeline`,
:mod:`.synthpop` (synthetic population), :mod:`.audit` and :mod:`.governance`,
:mod:`.microdata` (synthetic microdata with utility and privacy reports). See docs/ucloud.md.
"""
