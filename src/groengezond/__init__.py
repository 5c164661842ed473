"""groengezond: health and green per neighbourhood, scenarios and their effects.

The package is organised after DESIGN: ``region`` (the data model and its store),
``synth`` (the synthetic default region), core computations, services and thin adapters
(``cli``, ``api``).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
