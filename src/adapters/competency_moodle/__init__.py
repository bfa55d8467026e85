"""competency-core's Moodle adapter: a model live in Moodle, ratings back.

It talks to a Moodle site's REST web services (token auth) and:

* pushes a model (plan, then apply): the framework on an existing Moodle scale, its
  competencies top-down, related competencies, completion rules, course links and
  learning-plan templates from role profiles, all matched by idnumber (or a marker line)
  so re-runs are idempotent;
* assigns learning: individual plans for people's roles, or membership of the cohort
  linked to a template, and manual course enrolments;
* moves ratings both ways: Moodle grades pulled as assessments, assessments pushed as
  grades.

It is a plugin of the ``competency_core`` entry-point group (``moodle =
"competency_moodle.plugin"``). Test support (a contract-checking emulator of Moodle's web
services, a real-Moodle harness) is a distribution of its own, competency-core-testing
(:mod:`competency_testing.moodle`).

Its modules: ``plugin`` (the hooks), ``settings``, ``adapter``, ``client`` (the REST
client), ``model`` (``objects``, ``push``, ``pull``), ``learning``, ``ratings``, ``cli``
(``competency moodle check``, on ``check``) and ``demo``; helpers: ``site``, ``functions``,
``capabilities``, ``directory``, ``scales``, ``texts``, ``errors``. See
docs/adapters/moodle.md.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_moodle.adapter import (
        MoodleAdapter as MoodleAdapter,
    )
    from competency_moodle.client import (
        MoodleClient as MoodleClient,
    )
    from competency_moodle.client import (
        encode_params as encode_params,
    )
    from competency_moodle.errors import (
        CompetenciesDisabledError as CompetenciesDisabledError,
    )
    from competency_moodle.errors import (
        MoodleAccessError as MoodleAccessError,
    )
    from competency_moodle.errors import (
        MoodleError as MoodleError,
    )
    from competency_moodle.errors import (
        MoodleSiteError as MoodleSiteError,
    )
    from competency_moodle.errors import (
        MoodleWebServiceError as MoodleWebServiceError,
    )
    from competency_moodle.scales import (
        ScaleMap as ScaleMap,
    )
    from competency_moodle.scales import (
        ScaleMismatchError as ScaleMismatchError,
    )
    from competency_moodle.scales import (
        map_scale as map_scale,
    )
    from competency_moodle.settings import (
        MoodleSettings as MoodleSettings,
    )
    from competency_moodle.site import (
        SiteInfo as SiteInfo,
    )
    from competency_moodle.site import (
        check_site as check_site,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
