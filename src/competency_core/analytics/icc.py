"""Intraclass correlation coefficients (Shrout & Fleiss, 1979) for a complete ratings table.

``ratings`` has one row per target (a person) and one column per judge (a rater type);
every cell is filled. From the two-way analysis of variance,

- ``BMS``: between-targets mean square, ``JMS``: between-judges mean square,
- ``WMS``: within-target mean square, ``EMS``: residual mean square,

the six forms are::

    ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)
    ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n)
    ICC(3,1) = (BMS - EMS) / (BMS + (k - 1) EMS)
    ICC(1,k) = (BMS - WMS) / BMS
    ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)
    ICC(3,k) = (BMS - EMS) / BMS

ICC(2,1) (two-way random effects, absolute agreement, one rater) is the one to read when
any rater of the kind could have rated: it penalises a rater type that rates everybody
higher (e.g. self ratings). No well-kept, light Python package computes these (pingouin
brings pandas and statsmodels), and the formulas are a few lines of numpy; they are
tested against Shrout & Fleiss' own worked example.

>>> r = intraclass_correlation([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
...                             [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
>>> round(r.icc2_1, 2), round(r.icc3_1, 2)
(0.29, 0.71)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.ratings import AnalyticsError


class IntraclassCorrelation(BaseModel):
    """The six Shrout & Fleiss ICC forms for one complete ratings table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    targets: int = Field(description="n: rows (people rated).")
    judges: int = Field(description="k: columns (raters or rater types).")
    icc1_1: float
    icc2_1: float = Field(description="Two-way random, absolute agreement, single rater.")
    icc3_1: float = Field(description="Two-way mixed, consistency, single rater.")
    icc1_k: float
    icc2_k: float
    icc3_k: float


def intraclass_correlation(ratings: Sequence[Sequence[float]]) -> IntraclassCorrelation:
    """The ICCs of a complete targets x judges table (see the module docs).

    Raises :class:`AnalyticsError` for fewer than two targets or judges, a missing cell, or
    a table where every target got the same ratings pattern (no variance to share out).
    """
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise AnalyticsError("an ICC needs at least two people each rated by at least two raters")
    if np.isnan(x).any():
        raise AnalyticsError("an ICC needs a complete table: every person rated by every rater")
    n, k = x.shape
    grand = x.mean()
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = float(k * ((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = float(n * ((x.mean(axis=0) - grand) ** 2).sum())
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    ems = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    if bms == 0:
        raise AnalyticsError("every person got the same ratings: the ICC is undefined")
    return IntraclassCorrelation(
        targets=n,
        judges=k,
        icc1_1=(bms - wms) / (bms + (k - 1) * wms),
        icc2_1=(bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3_1=(bms - ems) / (bms + (k - 1) * ems),
        icc1_k=(bms - wms) / bms,
        icc2_k=(bms - ems) / (bms + (jms - ems) / n),
        icc3_k=(bms - ems) / bms,
    )


__all__ = ["IntraclassCorrelation", "intraclass_correlation"]
