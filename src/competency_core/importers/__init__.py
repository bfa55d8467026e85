"""Importers that turn published competency frameworks into :class:`~competency_core.CompetencyModel`.

Career ladders published as data:

- :func:`import_ft_progression`: one job-family file of the Financial Times engineering
  progression framework (``engineering.yml``, ``operations.yml``, ...);
- :func:`import_unidays`: the UNiDAYS competency framework folder (``competencies/`` and
  ``roles/``);
- :func:`import_snowflake`: Medium's snowflake tracks (``snowflake-tracks.json``).

Occupational databases (career graphs with real requirements; see ``docs/careers.md``):

- :func:`~competency_core.importers.onet.import_onet`: the O*NET database in its
  published text layout (occupations, skill and knowledge ratings, related occupations);
- :func:`~competency_core.importers.esco.import_esco`: ESCO occupations with their
  essential and optional skills.

Evidence of what people can do (Open Badges 3.0 credentials, xAPI statements, CSV
certifications and courses): :mod:`competency_core.importers.evidence` (see
``docs/evidence.md``, "Importing evidence").

Each ladder importer has a ``check_*`` twin that returns ``(model or None, problems)`` instead of raising,
like :func:`competency_core.check_model_file`. See ``docs/importers.md``.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.importers.ft import (
        check_ft_progression as check_ft_progression,
    )
    from competency_core.importers.ft import (
        import_ft_progression as import_ft_progression,
    )
    from competency_core.importers.snowflake import (
        check_snowflake as check_snowflake,
    )
    from competency_core.importers.snowflake import (
        import_snowflake as import_snowflake,
    )
    from competency_core.importers.unidays import (
        check_unidays as check_unidays,
    )
    from competency_core.importers.unidays import (
        import_unidays as import_unidays,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
