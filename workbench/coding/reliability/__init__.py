"""Inter-rater reliability statistics (Qt-free; numpy/scipy/pandas only).

``ratings`` is a sequence of units, each a sequence of the raters' values
(None or NaN = missing). Every function returns a :class:`ReliabilityResult`.
Undefined cases give ``value`` NaN with a ``reason``; malformed input raises
ValueError.
"""

from .agreement import brennan_prediger, fleiss_kappa, gwet_ac, percent_agreement
from .icc import icc
from .kappas import cohen_kappa, scott_pi
from .krippendorff import krippendorff_alpha
from .results import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, ReliabilityResult

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "ReliabilityResult",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac",
    "icc",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]
