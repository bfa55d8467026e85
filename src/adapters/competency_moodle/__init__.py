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
"competency_moodle"``). A contract-checking local emulator of Moodle's web services is in
:mod:`competency_moodle.emulator`. See docs/adapters/moodle.md.
"""

from __future__ import annotations

from typing import Any

from competency_core.hookspecs import hookimpl
from competency_core.sync import Adapter
from competency_moodle.adapter import MoodleAdapter
from competency_moodle.client import MoodleClient, encode_params
from competency_moodle.errors import (
    CompetenciesDisabledError,
    MoodleAccessError,
    MoodleError,
    MoodleSiteError,
    MoodleWebServiceError,
)
from competency_moodle.scales import ScaleMap, ScaleMismatchError, map_scale
from competency_moodle.settings import MoodleSettings
from competency_moodle.site import SiteInfo, check_site


@hookimpl
def register_adapters() -> list[type[Adapter[Any]]]:
    """The ``moodle`` adapter."""
    return [MoodleAdapter]


__all__ = [
    "CompetenciesDisabledError",
    "MoodleAccessError",
    "MoodleAdapter",
    "MoodleClient",
    "MoodleError",
    "MoodleSettings",
    "MoodleSiteError",
    "MoodleWebServiceError",
    "ScaleMap",
    "ScaleMismatchError",
    "SiteInfo",
    "check_site",
    "encode_params",
    "map_scale",
    "register_adapters",
]
