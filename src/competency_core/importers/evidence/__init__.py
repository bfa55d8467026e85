"""Readers of evidence from the formats people have: Open Badges 3.0, xAPI and CSV.

Each reader returns an :class:`EvidenceImport`: the
:class:`~competency_core.people.Evidence` it read (with its source, date, issuer or
authority and id), and every item it left out as a :class:`Skipped` with where (file or
LRS, JSON path or line, column) and why.

- :func:`read_badges`: Open Badges 3.0 credentials (JSON files, arrays, directories);
- :func:`read_xapi_files` and :func:`read_xapi_lrs`: xAPI statements from files or a
  Learning Record Store (:class:`LrsClient`);
- :func:`read_evidence_csv`: certifications and course completions from CSV.

See ``docs/evidence.md`` (Importing evidence) for the mapping rules.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.importers.evidence.badges import read_badges as read_badges
    from competency_core.importers.evidence.lrs import LrsClient as LrsClient
    from competency_core.importers.evidence.lrs import LrsError as LrsError
    from competency_core.importers.evidence.matching import EvidenceImport as EvidenceImport
    from competency_core.importers.evidence.matching import (
        EvidenceSourceError as EvidenceSourceError,
    )
    from competency_core.importers.evidence.matching import Skipped as Skipped
    from competency_core.importers.evidence.table import read_evidence_csv as read_evidence_csv
    from competency_core.importers.evidence.xapi import read_xapi_files as read_xapi_files
    from competency_core.importers.evidence.xapi import read_xapi_lrs as read_xapi_lrs

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
