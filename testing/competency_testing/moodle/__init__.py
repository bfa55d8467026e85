"""A local Moodle emulator for tests, benchmarks and the demo: not a real Moodle.

It serves Moodle's REST web services from a thread on 127.0.0.1, keeps the competency
data a sync touches (frameworks, competencies, course links, templates, plans, ratings,
cohorts, enrolments, course completion, scales, users) and checks every call against
Moodle's web-service contract, a ``ws_contract.json`` file shipped in this package (the project's
``shared/moodle/ws_contract.json`` plus functions read from Moodle 5.1's source, marked
``added``, such as course completion; :func:`find_contract` also honours
``$COMPETENCY_MOODLE_CONTRACT`` and an explicit path)::

    from competency_testing.moodle import MoodleEmulator

    with MoodleEmulator() as moodle:  # the packaged contract
        moodle.add_token("t0ken")
        ...

A real Moodle for tests is in :mod:`competency_testing.moodle.realsite`.

See :class:`MoodleEmulator` for tokens, the call log and failure injection, and
:class:`Site` for seeding users, courses, scales and cohorts.
"""

from competency_testing.moodle.contract import (
    Contract,
    ContractViolation,
    MoodleException,
    decode_form,
    find_contract,
    packaged_contract,
)
from competency_testing.moodle.server import CallRecord, Failure, MoodleEmulator
from competency_testing.moodle.site import Site

__all__ = [
    "CallRecord",
    "Contract",
    "ContractViolation",
    "Failure",
    "MoodleEmulator",
    "MoodleException",
    "Site",
    "decode_form",
    "find_contract",
    "packaged_contract",
]
