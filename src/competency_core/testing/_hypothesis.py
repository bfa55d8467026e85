"""competency-core's hypothesis plugin: ``st.from_type`` for its types, registered lazily.

hypothesis runs :func:`_hypothesis_setup_hook` at ``import hypothesis`` (entry point group
``hypothesis``) in every process where competency-core is installed, pytest runs
included, so this module imports no module of the domain, nor the strategies: only
``competency_core`` and ``competency_core.testing``, whose ``__init__`` modules import
nothing heavy (tests/test_light_imports.py checks it).

Each type of :data:`REGISTERED` gets a *resolver*, a function that imports
:mod:`competency_core.testing.strategies` when ``st.from_type`` first asks for the type.
(Not ``st.deferred``: ``register_type_strategy`` checks that a strategy is not empty,
which would evaluate a deferred one, importing the strategies, and with them the rest of
the domain, while the module that defines the type is still being imported.)
A type can only be registered once the module that defines it has run: at once if it
already has, else through :class:`RegisterOnImport`, an entry at the head of
``sys.meta_path`` that finds nothing itself but asks the finders behind it and wraps the
loader of a module it waits for, for that one execution (the spec and loader stay the
ones those finders made). It removes itself once every module has run.

A module loaded by a loader that cannot be wrapped (no instance ``__dict__``) is left
unregistered; :func:`competency_core.testing.strategies.register_type_strategies`
registers everything at once.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

    from hypothesis.strategies import SearchStrategy

REGISTERED: dict[str, tuple[str, ...]] = {
    "competency_core.scales": ("ProficiencyScale",),
    "competency_core.model": ("CompetencyModel",),
    "competency_core.roles": ("RoleProfile",),
    "competency_core.people": ("Person", "Assessment", "Evidence", "Workforce"),
    "competency_core.scoring.policy": ("ScoringPolicy",),
}
"""The types that get a strategy, by the module that defines them."""

_pending: dict[str, tuple[str, ...]] = {}
"""The modules of :data:`REGISTERED` whose types are not registered yet."""


def _resolve(cls: type[Any]) -> SearchStrategy[Any]:
    """The strategy for ``cls``, imported when hypothesis first resolves the type."""
    from competency_core.testing.strategies import type_strategy

    return type_strategy(cls)


def _register(module: ModuleType) -> None:
    """Register the types of ``module`` if it is one we wait for; then retire the finder."""
    names = _pending.pop(module.__name__, None)
    if names is None:
        return
    try:
        from hypothesis import strategies as st

        for name in names:
            st.register_type_strategy(getattr(module, name), _resolve)
    except Exception as exc:  # a hook must not break the import of the domain
        warnings.warn(
            f"competency-core could not register hypothesis strategies for {module.__name__}: "
            f"{exc!r}; call competency_core.testing.strategies.register_type_strategies()",
            RuntimeWarning,
            stacklevel=2,
        )
    if not _pending:
        RegisterOnImport.uninstall()


class _ExecThenRegister:
    """A loader's ``exec_module`` for one run: remove itself, run the module, register it."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.own = vars(loader).get("exec_module")  # a shared loader may carry one already
        self.original = loader.exec_module

    def install(self) -> None:
        vars(self.loader)["exec_module"] = self

    def remove(self) -> None:
        attrs = vars(self.loader)
        if attrs.get("exec_module") is self:
            if self.own is None:
                del attrs["exec_module"]
            else:
                attrs["exec_module"] = self.own

    def __call__(self, module: ModuleType) -> None:
        # Removed first: a loader shared by several modules (pytest's assertion rewriter)
        # runs the nested imports with its own method, and they are wrapped afresh if needed.
        self.remove()
        self.original(module)
        _register(module)


class RegisterOnImport:
    """A ``sys.meta_path`` entry that registers strategies when their modules have run."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The spec the finders behind this one give, with its loader wrapped for one run."""
        if fullname not in _pending:
            return None
        meta_path = sys.meta_path
        later = meta_path[meta_path.index(self) + 1 :] if self in meta_path else meta_path
        for finder in later:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec: ModuleSpec | None = find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is not None and not isinstance(loader, type):
            try:
                if not isinstance(vars(loader).get("exec_module"), _ExecThenRegister):
                    _ExecThenRegister(loader).install()
            except TypeError:  # no instance __dict__: left to register_type_strategies()
                pass
        return spec

    @staticmethod
    def install() -> None:
        """Put the finder at the head of ``sys.meta_path`` (once)."""
        if not any(isinstance(f, RegisterOnImport) for f in sys.meta_path):
            sys.meta_path.insert(0, RegisterOnImport())

    @staticmethod
    def uninstall() -> None:
        """Take the finder out of ``sys.meta_path``."""
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, RegisterOnImport)]


def _hypothesis_setup_hook() -> None:
    """Called by hypothesis at start-up (entry point group ``hypothesis``)."""
    _pending.update(REGISTERED)
    for name in list(_pending):
        module = sys.modules.get(name)
        if module is not None and all(hasattr(module, t) for t in _pending[name]):
            _register(module)
    if _pending:
        RegisterOnImport.install()
