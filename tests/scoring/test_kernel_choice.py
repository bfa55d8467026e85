"""Which loops ``readiness_matrix(kernel="auto")`` runs, and the cache-warming step.

``auto`` must never make a call wait for numba to compile: it runs the compiled kernel only
when that kernel is loaded in the process already or, for a large enough matrix, found in
numba's on-disk cache (``python -m competency_core.scoring.compiled --warm`` puts it there),
and the sparse kernel otherwise. Each case runs in a fresh interpreter with its own
``NUMBA_CACHE_DIR``, so the cache starts cold whatever the checkout's state.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from competency_core.errors import ScoringError
from competency_core.scoring import PeopleLevels, readiness_matrix
from competency_core.testing.samples import sample_model, sample_workforce

CHOICE = """
import sys
from competency_core.scoring import bulk
print(bulk._use_compiled("auto", int(sys.argv[1])))
print("competency_core.scoring.compiled" in sys.modules, "numba" in sys.modules)
"""


def _python(cache: Path, *args: str) -> list[str]:
    """Run ``python args`` with numba's cache in ``cache``: its output's words."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_auto_on_a_small_matrix_does_not_even_import_numba(tmp_path: Path) -> None:
    assert _python(tmp_path, "-c", CHOICE, "1000") == ["False", "False", "False"]


@pytest.mark.slow
def test_auto_is_sparse_with_a_cold_cache_and_compiled_once_warmed(tmp_path: Path) -> None:
    big = str(10**9)
    # cold: numba is imported to look, nothing is found, the sparse kernel runs
    assert _python(tmp_path, "-c", CHOICE, big) == ["False", "True", "True"]
    status = " ".join(_python(tmp_path, "-m", "competency_core.scoring.compiled"))
    assert status == "bulk kernels: not cached"
    warmed = " ".join(_python(tmp_path, "-m", "competency_core.scoring.compiled", "--warm"))
    assert warmed.startswith("bulk kernels compiled in ")
    assert warmed.endswith("bulk kernels: ready (auto uses the compiled kernel)")
    assert any(tmp_path.rglob("*.nbi"))
    # warm: a fresh process finds the kernel in the cache
    assert _python(tmp_path, "-c", CHOICE, big) == ["True", "True", "True"]
    # still below the threshold, a fresh process stays with the sparse kernel
    assert _python(tmp_path, "-c", CHOICE, "1000") == ["False", "False", "False"]
    again = " ".join(_python(tmp_path, "-m", "competency_core.scoring.compiled", "--warm"))
    assert again.startswith("bulk kernels loaded from the cache in ")


def test_auto_uses_the_compiled_kernel_once_loaded_and_gives_the_same_bits() -> None:
    from competency_core.scoring import bulk

    model = sample_model()
    levels = PeopleLevels.from_workforce(model, sample_workforce())
    compiled = readiness_matrix(model, levels, kernel="compiled")
    assert bulk._use_compiled("auto", 1)  # loaded now: any size
    auto = readiness_matrix(model, levels)
    sparse = readiness_matrix(model, levels, kernel="sparse")
    for name in ("readiness", "gap", "share_met", "coverage", "ready"):
        assert np.array_equal(getattr(auto, name), getattr(sparse, name)), name
        assert np.array_equal(getattr(compiled, name), getattr(sparse, name)), name


def test_kernel_names() -> None:
    from competency_core.scoring import bulk

    assert not bulk._use_compiled("sparse", 10**12)
    assert bulk._use_compiled("compiled", 0)
    with pytest.raises(ScoringError, match="unknown kernel 'fast'"):
        bulk._use_compiled("fast")
