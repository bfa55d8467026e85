"""competency-jsonl: an example competency-core plugin, packaged as a third party's.

competency-core finds :mod:`competency_jsonl.plugin` through the ``competency_core``
entry point and calls its hooks: the ``jsonl`` adapter (:mod:`~competency_jsonl.adapter`,
:mod:`~competency_jsonl.settings`), the ``competency jsonl verify`` command
(:mod:`~competency_jsonl.cli`), a demo step (:mod:`~competency_jsonl.demo`), a lint rule
(:mod:`~competency_jsonl.lint`) and two sync hooks. The names below are imported on first
use, so importing the package (which loading the plugin does) costs nothing more::

    from competency_jsonl import JsonlAdapter, verify
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_jsonl.adapter import JsonlAdapter as JsonlAdapter
    from competency_jsonl.settings import JsonlSettings as JsonlSettings
    from competency_jsonl.signing import SIGNING_KEY_ENV as SIGNING_KEY_ENV
    from competency_jsonl.signing import Verification as Verification
    from competency_jsonl.signing import signed_line as signed_line
    from competency_jsonl.signing import verify as verify

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
