"""The Verkenner: a catalogue of interventions for green, healthy neighbourhoods.

- :mod:`.model` - the catalogue (``interventions.yaml``), its validation and scenario templates
- :mod:`.search` - search by text and filter by problem, area type, cost and evidence

See ``docs/catalogue.md``.
"""
