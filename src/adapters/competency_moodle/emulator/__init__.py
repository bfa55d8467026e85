"""A local Moodle emulator for tests, benchmarks and the demo: not a real Moodle.

It serves Moodle's REST web services from a thread on 127.0.0.1, keeps the competency
data a sync touches (frameworks, competencies, course links, templates, plans, ratings,
cohorts, enrolments, scales, users) and checks every call against Moodle's web-service
contract, read at run time from a ``ws_contract.json`` file (the project keeps it beside
the checkout, in ``../shared/moodle/``; :func:`find_contract` looks for it)::

    from competency_moodle.emulator import MoodleEmulator, find_contract

    with MoodleEmulator(find_contract()) as moodle:
        moodle.add_token("t0ken")
        ...

See :class:`MoodleEmulator` for tokens, the call log and failure injection, and
:class:`Site` for seeding users, courses, scales and cohorts.
"""

from competency_moodle.emulator.contract import (
    Contract,
    ContractViolation,
    MoodleException,
    decode_form,
    find_contract,
)
from competency_moodle.emulator.server import CallRecord, Failure, MoodleEmulator
from competency_moodle.emulator.site import Site

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
]
