"""Health impact of green scenarios: exposure-response functions, impact, valuation.

- :mod:`.erf` - the versioned registry of exposure-response functions (``erf_registry.yaml``)
- :mod:`.baseline` - baseline rates (``baseline_rates.yaml``)
- :mod:`.impact` - preventable cases per area with Monte Carlo uncertainty, declared totals
- :mod:`.valuation` - euros per year with price year and source, discounting

See ``docs/health.md`` for the formulas and every coefficient's source.
"""
