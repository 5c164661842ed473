"""Evaluator: did an intervention work? Panels, estimators, planted-effect checks, power.

Core modules, free of I/O, each returning :class:`~groengezond.evaluation.result.Estimate`:

* :mod:`.did2x2` — two-group two-period DiD (Card & Krueger) and before/after with matched
  comparison areas;
* :mod:`.staggered` — Callaway & Sant'Anna staggered DiD and a TWFE event study;
* :mod:`.bootstrap` — wild cluster bootstrap for few clusters;
* :mod:`.synth` — synthetic control with placebo-in-space inference and leave-one-out;
* :mod:`.panel` — panels from a region's indicators or a national long table;
* :mod:`.simulate` — planted-effect simulations (bias, coverage, power) and minimum detectable
  effects.
"""

from groengezond.evaluation.result import Estimate

__all__ = ["Estimate"]
