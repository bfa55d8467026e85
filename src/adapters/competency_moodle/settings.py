"""The settings of the ``moodle`` adapter (the token is a :class:`~pydantic.SecretStr`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from competency_core.sync import AdapterSettings

RuleOutcome = Literal["none", "evidence", "recommend", "complete"]
"""What a rule does when it fires (named, since Moodle numbers them two ways)."""

COMPETENCY_RULE_OUTCOME: dict[str, int] = {
    "none": 0,
    "evidence": 1,
    "complete": 2,
    "recommend": 3,
}
"""Rule outcomes on a competency: 0 none, 1 evidence, 2 complete, 3 recommend."""

COURSE_RULE_OUTCOME: dict[str, int] = {
    "none": 0,
    "evidence": 1,
    "recommend": 2,
    "complete": 3,
}
"""Rule outcomes on a course link: 0 none, 1 evidence, 2 recommend, 3 complete."""


class MoodleSettings(AdapterSettings):
    """Where the Moodle site is, how to match people, courses and scales, and what to push.

    Give the token through ``COMPETENCY_MOODLE_TOKEN``, ``--token-env VAR`` or
    ``--token-file FILE``: never on the command line.
    """

    url: str = Field(description="The Moodle site's root URL, e.g. https://moodle.example.org.")
    token: SecretStr = Field(description="A web-service token of the sync's service.")
    scale_id: int | None = Field(
        default=None,
        gt=0,
        description="The id of the existing Moodle scale the framework uses (no web service "
        "creates scales).",
    )
    scale_fit: Literal["exact", "spread"] = Field(
        default="exact",
        description="How a model scale maps onto the Moodle scale's items when no level_map "
        "is given: 'exact' (same names, else same number of items), or 'spread' (also "
        "spread fewer levels over more items, keeping their order).",
    )
    level_map: dict[str, dict[int, int]] = Field(
        default_factory=dict,
        description="Explicit maps per model scale: {scale key: {level value: item number}}.",
    )
    user_field: Literal["username", "email", "idnumber"] = Field(
        default="username",
        description="The Moodle user field a person is matched by (username and idnumber "
        "hold the person's key; email the person's email).",
    )
    course_field: Literal["auto", "idnumber", "shortname"] = Field(
        default="auto",
        description="How a learning resource's moodle_course names a course (auto: "
        "idnumber, else shortname).",
    )
    course_rule_outcome: RuleOutcome = Field(
        default="evidence",
        description="What completing a linked course does to its competencies.",
    )
    parent_rule: RuleOutcome = Field(
        default="none",
        description="The completion rule of parent competencies ('all children "
        "completed' with this outcome; none: no rule).",
    )
    plans: Literal["individual", "cohort", "none"] = Field(
        default="individual",
        description="How people get learning plans for their role: individual plans, or "
        "membership of the cohort linked to the role's template (see cohorts).",
    )
    cohorts: dict[str, str] = Field(
        default_factory=dict,
        description="Role key -> idnumber of the cohort linked to its template in Moodle.",
    )
    student_role_id: int = Field(default=5, gt=0, description="The role of manual enrolments.")
    users: tuple[str, ...] = Field(
        default=(), description="People keys whose ratings `pull ratings` reads."
    )
    timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for an answer.")
    retries: int = Field(default=3, ge=0, description="Retries of read calls that failed.")
    backoff: float = Field(
        default=0.5, ge=0, description="Seconds before the first retry (doubling after)."
    )
    check_site: bool = Field(default=True, description="Check the site before syncing.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("give the site's root URL, starting with https:// (or http://)")
        if "@" in value.split("//", 1)[1].split("/", 1)[0]:
            raise ValueError("give the URL without credentials (the token is separate)")
        return value


__all__ = [
    "COMPETENCY_RULE_OUTCOME",
    "COURSE_RULE_OUTCOME",
    "MoodleSettings",
    "RuleOutcome",
]
