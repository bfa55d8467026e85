"""Top-k queries on a readiness matrix: exact, deterministic, vectorised.

The order is: ready before not ready, then higher readiness, then the earlier index (the
order people or roles were given in), so equal scores always rank the same way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

_READY_BIT = np.int64(1) << np.int64(62)


class Match(BaseModel):
    """One person-role pair from a readiness matrix, with its rank in a top-k answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str
    role: str
    rank: int
    readiness: float
    gap: float
    share_met: float
    coverage: float
    ready: bool


def rank_keys(
    readiness: npt.NDArray[np.float64], ready: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Integer keys ordered like (ready, readiness), exactly.

    The bits of a non-negative float64 sort like its value, and readiness in [0, 1] leaves
    bit 62 free for "ready".
    """
    bits = np.ascontiguousarray(np.clip(readiness, 0.0, 1.0), dtype=np.float64).view(np.int64)
    return np.where(ready, bits | _READY_BIT, bits)


def _top_k_keys(key: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.intp]:
    n, m = key.shape
    kk = min(k, m)
    if kk == m:
        return np.argsort(-key, axis=1, kind="stable")
    kth = np.partition(key, m - kk, axis=1)[:, m - kk]
    greater = key > kth[:, None]
    equal = key == kth[:, None]
    need = kk - greater.sum(axis=1)
    chosen = greater | (equal & (np.cumsum(equal, axis=1) <= need[:, None]))
    cols = np.nonzero(chosen)[1].reshape(n, kk)
    order = np.argsort(-np.take_along_axis(key, cols, axis=1), axis=1, kind="stable")
    return np.take_along_axis(cols, order, axis=1)


def top_k_rows(
    readiness: npt.NDArray[np.float64],
    ready: npt.NDArray[np.bool_],
    k: int,
    *,
    chunk_rows: int = 64,
) -> npt.NDArray[np.intp]:
    """For each row, the column indices of the ``k`` best entries, best first.

    Returns shape ``(rows, k)``; rows with fewer than ``k`` columns are padded with -1.
    """
    n, m = readiness.shape
    out = np.full((n, max(0, k)), -1, dtype=np.intp)
    if k <= 0 or m == 0:
        return out
    width = min(k, m)
    for start in range(0, n, chunk_rows):
        stop = min(n, start + chunk_rows)
        key = rank_keys(readiness[start:stop], ready[start:stop])
        out[start:stop, :width] = _top_k_keys(key, k)
    return out


__all__ = ["Match", "rank_keys", "top_k_rows"]
