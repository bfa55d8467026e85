"""From SCIM users to people: the attribute -> role mapping, keys, teams, and what is unmapped.

Identity providers say what someone does in a job title, a department, a cost centre or a
group, never in competency-core's role keys. A :class:`RoleMapping` says how to read a
role from those: rules tried in order (``title`` equals / matches / is one of, on any
attribute, or membership of a group), then, unless turned off, a title equal to a role
profile's title in any language of the model. People whose role cannot be mapped keep no
role and are listed by :func:`mapping_report`.

The same mapping serves the inbound service (users pushed by Okta or Entra ID) and the
client (users pulled from any SCIM service), so a person gets the same key and role
whichever way they arrive. A mapping file (YAML or JSON)::

    person_key: userName            # or employeeNumber, externalId, id
    rules:
      - attribute: title
        equals: Senior Software Engineer
        role: senior-engineer
      - attribute: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter
        one_of: [CC-4100, CC-4200]
        role: engineer
      - group: Engineering Managers
        role: engineering-manager
    match_role_titles: true          # a title equal to a role's title maps to it
    team_groups: ["Team *"]          # the first matching group a person is in is the team
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from competency_core.errors import ModelValidationError, Problem
from competency_core.keys import KEY_MAX_LENGTH, Key
from competency_core.model import CompetencyModel
from competency_core.people import Person

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ENTERPRISE_ATTRIBUTES = (
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
)
"""Attributes of the Enterprise User extension, which rules may name without the URN."""

UNMAPPED = "unmapped"


def _fold(value: str) -> str:
    """The comparison form of a text: case-folded, inner white space collapsed."""
    return " ".join(value.split()).casefold()


def _get_ci(data: Mapping[str, Any], name: str) -> Any:
    """``data[name]`` with SCIM's case-insensitive attribute names."""
    if name in data:
        return data[name]
    folded = name.casefold()
    for key, value in data.items():
        if key.casefold() == folded:
            return value
    return None


def _dig(value: Any, parts: Sequence[str]) -> list[Any]:
    """The values at ``parts`` below ``value``, through multi-valued attributes."""
    if not parts:
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]
    if isinstance(value, list):
        return [v for item in value for v in _dig(item, parts)]
    if isinstance(value, Mapping):
        return _dig(_get_ci(value, parts[0]), parts[1:])
    return []


def attribute_values(data: Mapping[str, Any], path: str) -> list[Any]:
    """Every value of a SCIM attribute ``path`` in a resource's JSON ``data``.

    ``path`` is an attribute name (``title``), a sub-attribute (``name.givenName``), an
    extension attribute with its schema URN
    (``urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department``) or, for
    the Enterprise User extension, the bare name (``department``). A multi-valued
    complex attribute gives its ``value`` sub-attributes (``emails`` gives addresses).

    >>> attribute_values({"name": {"givenName": "Ann"}}, "name.givenName")
    ['Ann']
    >>> attribute_values({ENTERPRISE_USER: {"department": "R&D"}}, "department")
    ['R&D']
    """
    schema, _, rest = path.rpartition(":") if path.startswith("urn:") else ("", "", path)
    parts = rest.split(".")
    if schema:
        container = _get_ci(data, schema)
        if not isinstance(container, Mapping):
            return []
        found = _dig(container, parts)
    else:
        found = _dig(data, parts)
        if not found and parts[0].casefold() in {a.casefold() for a in ENTERPRISE_ATTRIBUTES}:
            ext = _get_ci(data, ENTERPRISE_USER)
            found = _dig(ext, parts) if isinstance(ext, Mapping) else []
    out: list[Any] = []
    for v in found:
        if isinstance(v, Mapping):
            v = _get_ci(v, "value")
        if v is not None and not isinstance(v, Mapping | list):
            out.append(v)
    return out


def first_text(data: Mapping[str, Any], path: str) -> str | None:
    """The first value of ``path`` as text, or None (booleans as ``true``/``false``)."""
    for v in attribute_values(data, path):
        if isinstance(v, bool):
            return "true" if v else "false"
        text = str(v).strip()
        if text:
            return text
    return None


@dataclass(frozen=True)
class ScimUser:
    """A SCIM user as plain JSON, with the display names of the groups it belongs to."""

    data: Mapping[str, Any]
    groups: tuple[str, ...] = ()

    def values(self, path: str) -> list[str]:
        """The values of an attribute as texts (``groups``: the group names)."""
        if path.casefold() == "groups":
            return list(self.groups) or [str(v) for v in attribute_values(self.data, "groups")]
        return [str(v) for v in attribute_values(self.data, path)]

    def text(self, path: str) -> str | None:
        """The first value of an attribute as text."""
        return first_text(self.data, path)

    @property
    def id(self) -> str | None:
        """The service's id of the user."""
        value = self.data.get("id")
        return str(value) if value is not None else None

    @property
    def user_name(self) -> str | None:
        """The ``userName``."""
        return self.text("userName")

    @property
    def active(self) -> bool:
        """Whether the user is active (absent means active)."""
        value = _get_ci(self.data, "active")
        if isinstance(value, str):
            return value.strip().casefold() != "false"
        return value is not False

    @property
    def manager_id(self) -> str | None:
        """The id of the user's manager (Enterprise User ``manager.value``)."""
        ext = _get_ci(self.data, ENTERPRISE_USER)
        if not isinstance(ext, Mapping):
            return None
        manager = _get_ci(ext, "manager")
        if isinstance(manager, Mapping):
            manager = _get_ci(manager, "value")
        return str(manager) if manager else None


class RoleRule(BaseModel):
    """One rule: when an attribute (or group membership) matches, the person has ``role``.

    Exactly one of ``equals`` (case and spacing ignored), ``matches`` (a regular
    expression matching the whole value, case ignored) and ``one_of`` is given. ``group``
    is a shorthand for ``attribute: groups`` with ``equals``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    attribute: str = Field(default="title", description="A SCIM attribute path, or 'groups'.")
    equals: str | None = None
    matches: str | None = None
    one_of: tuple[str, ...] | None = None
    group: str | None = Field(default=None, description="Membership of the group named so.")
    role: Key

    @model_validator(mode="after")
    def _one_test(self) -> RoleRule:
        given = [x for x in (self.equals, self.matches, self.one_of, self.group) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of equals, matches, one_of or group")
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as exc:
                raise ValueError(f"matches is not a regular expression: {exc}") from None
        return self

    @cached_property
    def _test(self) -> Any:
        if self.matches is not None:
            pattern = re.compile(self.matches, re.IGNORECASE)
            return lambda v: pattern.fullmatch(v.strip()) is not None
        wanted = {_fold(v) for v in (self.one_of or (self.equals or self.group or "",))}
        return lambda v: _fold(v) in wanted

    @property
    def path(self) -> str:
        """The attribute the rule reads."""
        return "groups" if self.group is not None else self.attribute

    def test(self, user: ScimUser) -> str | None:
        """The matching value, if the rule applies to ``user``."""
        return next((v for v in user.values(self.path) if self._test(v)), None)

    def describe(self) -> str:
        """The rule in words."""
        if self.group is not None:
            return f"member of {self.group!r}"
        if self.matches is not None:
            return f"{self.attribute} matches {self.matches!r}"
        if self.one_of is not None:
            return f"{self.attribute} one of {list(self.one_of)!r}"
        return f"{self.attribute} = {self.equals!r}"


PersonKeySource = Literal["userName", "employeeNumber", "externalId", "id"]


class RoleMapping(BaseModel):
    """How SCIM users become people: key, role, team and job level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_key: PersonKeySource = Field(
        default="userName",
        description="The attribute a person's key is made from (falls back to userName, id).",
    )
    rules: tuple[RoleRule, ...] = ()
    match_role_titles: bool = Field(
        default=True, description="A title equal to a role profile's title maps to that role."
    )
    team_groups: tuple[str, ...] = Field(
        default=("*",),
        description="Group-name patterns; the first matching group (by name) is the team.",
    )
    team_attribute: str | None = Field(
        default=None, description="Take the team from this attribute instead of a group."
    )
    job_level_attribute: str | None = Field(
        default=None, description="Take the job level from this attribute (e.g. userType)."
    )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RoleMapping:
        """Read a mapping file (YAML or JSON); :class:`ModelValidationError` if invalid."""
        file = str(path)
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ModelValidationError(
                [Problem(path="", message=str(exc).splitlines()[0], file=file)],
                f"cannot read the role mapping {file}",
            ) from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = [
                Problem(path=".".join(str(p) for p in e["loc"]), message=str(e["msg"]), file=file)
                for e in exc.errors(include_url=False, include_input=False)
            ]
            raise ModelValidationError(problems, f"{file} is not a valid role mapping") from None

    def check(self, model: CompetencyModel) -> list[Problem]:
        """Problems of the mapping against a model: rules naming roles it does not have."""
        return [
            Problem(path=f"rules[{i}].role", message=f"the model has no role {r.role!r}")
            for i, r in enumerate(self.rules)
            if not model.has_role(r.role)
        ]

    def needs_groups(self) -> bool:
        """Whether roles or teams are read from group memberships."""
        return bool(
            any(r.path == "groups" for r in self.rules)
            or (self.team_groups and self.team_attribute is None)
        )


def to_key(value: str) -> str:
    """A valid person key made from an identifier (an email address, a number...).

    >>> to_key("Barbara.Jensen@Example.COM")
    'barbara.jensen-example.com'
    """
    text = re.sub(r"[^a-z0-9_.:/\-]+", "-", value.strip().casefold())
    return text.strip("-_.:/")[:KEY_MAX_LENGTH].rstrip("-_.:/")


@dataclass(frozen=True)
class RoleMatch:
    """The role read for a user (None: unmapped) and why."""

    role: str | None
    source: str


@dataclass
class RoleMapper:
    """A :class:`RoleMapping` ready to use, with the role titles of a model (if any)."""

    mapping: RoleMapping = field(default_factory=RoleMapping)
    model: CompetencyModel | None = None

    @cached_property
    def _titles(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.model is None or not self.mapping.match_role_titles:
            return out
        for role in self.model.roles:
            for lang in self.model.all_languages():
                title = self.model.text(role.title, lang)
                if title:
                    out.setdefault(_fold(title), role.key)
        return out

    def role_for(self, user: ScimUser) -> RoleMatch:
        """The role of ``user``: the first matching rule, else a role title equal to its title."""
        for i, rule in enumerate(self.mapping.rules, 1):
            value = rule.test(user)
            if value is not None:
                return RoleMatch(rule.role, f"rule {i}: {rule.describe()}")
        title = user.text("title")
        if title and _fold(title) in self._titles:
            return RoleMatch(self._titles[_fold(title)], "title equals the role's title")
        shown = f"title {title!r}" if title else "no title"
        return RoleMatch(None, f"{UNMAPPED}: {shown}")

    def key_for(self, user: ScimUser) -> str:
        """The person key of ``user`` (from the mapping's ``person_key``, then userName, id)."""
        for path in (self.mapping.person_key, "userName", "id"):
            value = user.id if path == "id" else user.text(path)
            if value and (key := to_key(value)):
                return key
        raise ValueError("the user has neither a usable userName nor an id")

    def team_for(self, user: ScimUser) -> str | None:
        """The team of ``user``: an attribute, or the first group matching the patterns."""
        if self.mapping.team_attribute:
            return user.text(self.mapping.team_attribute)
        for name in sorted(user.groups, key=str.casefold):
            if any(fnmatch.fnmatch(_fold(name), _fold(p)) for p in self.mapping.team_groups):
                return name
        return None

    def person(self, user: ScimUser, *, key: str, manager: str | None = None) -> Person:
        """The person ``user`` becomes, with ``key`` and the manager's person key."""
        data = user.data
        name = (
            user.text("displayName")
            or user.text("name.formatted")
            or " ".join(p for p in (user.text("name.givenName"), user.text("name.familyName")) if p)
            or user.user_name
            or key
        )
        match = self.role_for(user)
        attributes = {
            "scim_id": user.id,
            "user_name": user.user_name,
            "external_id": user.text("externalId"),
            "active": "true" if user.active else "false",
            "title": user.text("title"),
            "employee_number": user.text("employeeNumber"),
            "cost_center": user.text("costCenter"),
            "division": user.text("division"),
            "organization": user.text("organization"),
            "role_source": match.source,
        }
        level = self.mapping.job_level_attribute
        return Person(
            key=key,
            name=name,
            email=email_of(data, user.user_name),
            role=match.role,
            department=user.text("department"),
            team=self.team_for(user),
            manager=manager,
            job_level=user.text(level) if level else None,
            attributes={k: v for k, v in attributes.items() if v is not None},
        )


def email_of(data: Mapping[str, Any], user_name: str | None) -> str | None:
    """The person's e-mail: the primary address, a work address, any, or an e-mail userName."""
    emails = _get_ci(data, "emails")
    if isinstance(emails, list):
        entries = [e for e in emails if isinstance(e, Mapping) and _get_ci(e, "value")]
        primary = [e for e in entries if str(_get_ci(e, "primary")).casefold() == "true"]
        work = [e for e in entries if str(_get_ci(e, "type") or "").casefold() == "work"]
        for found in (*primary[:1], *work[:1], *entries[:1]):
            return str(_get_ci(found, "value"))
    if user_name and "@" in user_name:
        return user_name
    return None


class UnmappedPerson(BaseModel):
    """A person whose role could not be mapped, with what they had instead."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    user_name: str | None = None
    title: str | None = None
    department: str | None = None
    kept_role: str | None = Field(
        default=None, description="The role the person had before, which they keep meanwhile."
    )
    reason: str


class MappingReport(BaseModel):
    """How the people received from SCIM map to role profiles."""

    model_config = ConfigDict(frozen=True)

    people: int = 0
    inactive: int = 0
    by_role: dict[str, int] = Field(default_factory=dict)
    unmapped: tuple[UnmappedPerson, ...] = ()
    unknown_roles: dict[str, int] = Field(
        default_factory=dict, description="Mapped roles the model does not have."
    )

    @property
    def mapped(self) -> int:
        """How many people have a role."""
        return sum(self.by_role.values())

    def summary(self) -> str:
        """One line: people, mapped, unmapped."""
        return (
            f"{self.people} people from SCIM: {self.mapped} mapped to "
            f"{len(self.by_role)} role(s), {len(self.unmapped)} unmapped"
            + (f", {self.inactive} inactive" if self.inactive else "")
        )


def mapping_report(people: Iterable[Person], model: CompetencyModel | None = None) -> MappingReport:
    """The mapping report of people that came from SCIM (those with a ``scim_id``)."""
    total = inactive = 0
    roles: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    unmapped: list[UnmappedPerson] = []
    for p in people:
        if "scim_id" not in p.attributes:
            continue
        total += 1
        if p.attributes.get("active") == "false":
            inactive += 1
        if p.role is None or p.attributes.get("role_source", "").startswith(UNMAPPED):
            unmapped.append(
                UnmappedPerson(
                    key=p.key,
                    name=p.name,
                    user_name=p.attributes.get("user_name"),
                    title=p.attributes.get("title"),
                    department=p.department,
                    kept_role=p.role,
                    reason=p.attributes.get("role_source", UNMAPPED),
                )
            )
        elif model is not None and not model.has_role(p.role):
            unknown[p.role] += 1
        else:
            roles[p.role] += 1
    return MappingReport(
        people=total,
        inactive=inactive,
        by_role=dict(sorted(roles.items())),
        unmapped=tuple(unmapped),
        unknown_roles=dict(sorted(unknown.items())),
    )


__all__ = [
    "CORE_USER",
    "ENTERPRISE_ATTRIBUTES",
    "ENTERPRISE_USER",
    "MappingReport",
    "RoleMapper",
    "RoleMapping",
    "RoleMatch",
    "RoleRule",
    "ScimUser",
    "UnmappedPerson",
    "attribute_values",
    "email_of",
    "first_text",
    "mapping_report",
    "to_key",
]
