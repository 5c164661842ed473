"""Versneller reports: HTML and tagged PDF from Jinja2 templates (WeasyPrint), SVG charts.

- :mod:`.messages`: every string a report prints, in Dutch and English (one table).
- :mod:`.render`: the Jinja2 environment, number formatting, HTML to tagged PDF.
- :mod:`.charts`: SVG charts and server-rendered maps.
- :mod:`.area`: the area report (indicators, gaps, green access, field labs, lessons).
- :mod:`groengezond.programme.report`: the Regio Deal half-year progress report.
"""
