"""The Moodle web-service functions the adapter calls, by what they do to the site.

Whether a function only reads (and so may be retried after a failed call) or writes is
taken from Moodle's own ``db/services.php`` (``'type' => 'read'`` or ``'write'``), as
recorded in the contract file competency-core-testing ships (the shared one plus what was
read from Moodle 5.1's source, e.g. course completion); ``tests/adapters/moodle/test_moodle_emulator.py`` checks
this table against that file so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

FunctionType = Literal["read", "write"]

FUNCTION_TYPES: dict[str, FunctionType] = {
    # site
    "core_webservice_get_site_info": "read",
    # frameworks and competencies
    "core_competency_list_competency_frameworks": "read",
    "core_competency_count_competency_frameworks": "read",
    "core_competency_create_competency_framework": "write",
    "core_competency_update_competency_framework": "write",
    "core_competency_delete_competency_framework": "write",
    "core_competency_get_scale_values": "read",
    "core_competency_search_competencies": "read",
    "core_competency_list_competencies": "read",
    "core_competency_create_competency": "write",
    "core_competency_update_competency": "write",
    "core_competency_delete_competency": "write",
    "core_competency_set_parent_competency": "write",
    "core_competency_move_up_competency": "write",
    "core_competency_move_down_competency": "write",
    "core_competency_add_related_competency": "write",
    "core_competency_remove_related_competency": "write",
    "core_competency_count_courses_using_competency": "read",
    "core_competency_count_templates_using_competency": "read",
    # courses
    "core_course_get_courses_by_field": "read",
    "core_competency_list_course_competencies": "read",
    "core_competency_add_competency_to_course": "write",
    "core_competency_remove_competency_from_course": "write",
    "core_competency_set_course_competency_ruleoutcome": "write",
    # templates
    "core_competency_list_templates": "read",
    "core_competency_create_template": "write",
    "core_competency_update_template": "write",
    "core_competency_delete_template": "write",
    "core_competency_list_competencies_in_template": "read",
    "core_competency_add_competency_to_template": "write",
    "core_competency_remove_competency_from_template": "write",
    # plans and ratings
    "core_user_get_users_by_field": "read",
    "core_competency_list_user_plans": "read",
    "core_competency_create_plan": "write",
    "core_competency_delete_plan": "write",
    "core_competency_list_plan_competencies": "read",
    "core_competency_add_competency_to_plan": "write",
    "core_competency_remove_competency_from_plan": "write",
    "core_competency_grade_competency": "write",
    "tool_lp_data_for_user_competency_summary": "read",
    # cohorts and enrolments
    "core_cohort_get_cohorts": "read",
    "core_cohort_get_cohort_members": "read",
    "core_cohort_add_cohort_members": "write",
    "core_cohort_delete_cohort_members": "write",
    "enrol_manual_enrol_users": "write",
    "enrol_manual_unenrol_users": "write",
    # course completion
    "core_completion_get_course_completion_status": "read",
}
"""Every function the adapter may call, with its type from Moodle's service definitions."""

READ_FUNCTIONS: frozenset[str] = frozenset(n for n, t in FUNCTION_TYPES.items() if t == "read")
"""The functions that only read: the client retries these after a failed call."""

_SITE = ("core_webservice_get_site_info",)
_MODEL = (
    "core_competency_list_competency_frameworks",
    "core_competency_create_competency_framework",
    "core_competency_update_competency_framework",
    "core_competency_get_scale_values",
    "core_competency_search_competencies",
    "core_competency_create_competency",
    "core_competency_update_competency",
    "core_competency_set_parent_competency",
    "core_competency_move_up_competency",
    "core_competency_move_down_competency",
    "core_competency_add_related_competency",
)
_MODEL_LEARNING = (
    "core_course_get_courses_by_field",
    "core_competency_list_course_competencies",
    "core_competency_add_competency_to_course",
    "core_competency_set_course_competency_ruleoutcome",
    "core_competency_list_templates",
    "core_competency_create_template",
    "core_competency_update_template",
    "core_competency_list_competencies_in_template",
    "core_competency_add_competency_to_template",
)
_PRUNE_MODEL = (
    "core_competency_delete_competency_framework",
    "core_competency_delete_competency",
    "core_competency_remove_related_competency",
    "core_competency_remove_competency_from_course",
    "core_competency_delete_template",
    "core_competency_remove_competency_from_template",
    "core_competency_count_courses_using_competency",
    "core_competency_count_templates_using_competency",
)
_PEOPLE = ("core_user_get_users_by_field",)
_LEARNING = (
    "core_competency_list_competency_frameworks",
    "core_competency_search_competencies",
    "core_course_get_courses_by_field",
    "core_competency_list_templates",
    "core_competency_list_user_plans",
    "core_competency_create_plan",
    "core_competency_list_plan_competencies",
    "core_competency_add_competency_to_plan",
    "core_cohort_get_cohorts",
    "core_cohort_get_cohort_members",
    "core_cohort_add_cohort_members",
    "enrol_manual_enrol_users",
)
_PRUNE_LEARNING = (
    "core_competency_delete_plan",
    "core_competency_remove_competency_from_plan",
    "core_cohort_delete_cohort_members",
    "enrol_manual_unenrol_users",
)
_PUSH_RATINGS = (
    "core_competency_list_competency_frameworks",
    "core_competency_search_competencies",
    "core_competency_get_scale_values",
    "core_competency_list_user_plans",
    "core_competency_list_plan_competencies",
    "tool_lp_data_for_user_competency_summary",
    "core_competency_grade_competency",
)
_PULL_MODEL = (
    "core_competency_list_competency_frameworks",
    "core_competency_get_scale_values",
    "core_competency_search_competencies",
    "core_competency_list_templates",
    "core_competency_list_competencies_in_template",
)
_PULL_RATINGS = (
    "core_competency_list_competency_frameworks",
    "core_competency_search_competencies",
    "core_competency_get_scale_values",
    "core_competency_list_user_plans",
    "core_competency_list_plan_competencies",
    "tool_lp_data_for_user_competency_summary",
)

_PULL_COMPLETIONS = (
    "core_course_get_courses_by_field",
    "core_completion_get_course_completion_status",
)

Operation = Literal[
    "push-model",
    "pull-model",
    "assign-learning",
    "push-ratings",
    "pull-ratings",
    "pull-completions",
]


def needed_functions(operation: Operation, *, prune: bool = False) -> tuple[str, ...]:
    """The functions a token must allow for ``operation`` (with ``prune``: the deletes too)."""
    groups: dict[str, tuple[tuple[str, ...], ...]] = {
        "push-model": (_MODEL, _MODEL_LEARNING) + ((_PRUNE_MODEL,) if prune else ()),
        "pull-model": (_PULL_MODEL,),
        "assign-learning": (_PEOPLE, _LEARNING) + ((_PRUNE_LEARNING,) if prune else ()),
        "push-ratings": (_PEOPLE, _PUSH_RATINGS),
        "pull-ratings": (_PEOPLE, _PULL_RATINGS),
        "pull-completions": (_PEOPLE, _PULL_COMPLETIONS),
    }
    return _unique((*_SITE, *(f for g in groups[operation] for f in g)))


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


__all__ = ["FUNCTION_TYPES", "READ_FUNCTIONS", "FunctionType", "Operation", "needed_functions"]
