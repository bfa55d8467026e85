"""The handbook: the model as static pages for an intranet, in HTML or Markdown.

One page per competency, per role, per role's interview guide and job description, the
scales, the guides for employees, managers and HR, and an index with the career graph
picture. Pages link to each other with relative links and carry stable, readable anchors
(``#level-3``, ``#requirement-coding``, ``#five-point-level-2``), so a link into the
handbook keeps working from one release to the next.

Templates are Jinja2 (``templates/html`` and ``templates/markdown``). HTML output is
autoescaped; Markdown output escapes every value through the environment's ``finalize``
hook, so no text of the model can inject markup into either. Links to the outside world
are only written for ``http``, ``https`` and ``mailto`` addresses.

The handbook is written in one language: the project's wording through the catalogues
(:mod:`competency_core.i18n`; templates use ``_()`` and ``{% trans %}``), the model's own
texts from the model (falling back to its default language where a text has no
translation: :func:`competency_core.publish.untranslated_texts` lists those). A model
that is not ``published`` carries a draft banner with its status on every page.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import multiprocessing as mp
import os
import posixpath
import re
import tempfile
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from competency_core.i18n import N_, Translator, translator
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.publish import wording
from competency_core.publish.audiences import domain_label
from competency_core.publish.guides import (
    Audience,
    audience_guide,
    interview_guide,
    job_description,
)
from competency_core.publish.outline import ModelOutline, page_slug
from competency_core.publish.release import RELEASE_PAGES, page_words, release_kit
from competency_core.roles import Requirement, RoleProfile

HandbookFormat = Literal["html", "markdown"]

GUIDE_TITLES = {
    Audience.EMPLOYEES: N_("For employees"),
    Audience.MANAGERS: N_("For managers"),
    Audience.HR: N_("For HR"),
}
"""The guides' titles in the navigation (translate where used: ``tr._(title)``)."""

_STYLE = (files("competency_core.publish") / "templates" / "html" / "style.css").read_text(
    encoding="utf-8"
)
"""The handbook's stylesheet (``templates/html/style.css``), written to ``assets/style.css``."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_LINE_START = re.compile(r"^(\s*)(\d*)([#>+-]|(?<=\d)[.)])(?=\s|$)", re.MULTILINE)
_SAFE_SCHEMES = {"http", "https", "mailto"}


def md_escape(value: str) -> str:
    r"""A text made inert in Markdown: no emphasis, links, HTML, headings or lists from it.

    >>> md_escape("<b>*1*</b> [x](y)")
    '&lt;b&gt;\\*1\\*&lt;/b&gt; \\[x\\](y)'
    >>> md_escape("# not a heading")
    '\\# not a heading'
    >>> md_escape("1. not a list")
    '1\\. not a list'
    """
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    # a backslash escapes punctuation only, so "1. x" becomes "1\. x"
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), value)


class MdSafe(str):
    """Markdown that the handbook built itself (links, emphasis); not escaped again."""

    __slots__ = ()


def _md_finalize(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, MdSafe | Markup):
        return str(value)
    return md_escape(str(value))


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) or mailto address, else None (never a link).

    >>> safe_url("https://example.com/a b"), safe_url("javascript:alert(1)"), safe_url("x")
    ('https://example.com/a%20b', None, None)
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in _SAFE_SCHEMES or (parts.scheme != "mailto" and not parts.netloc):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'*+,;=%~.-_")


def slugify(text: str) -> str:
    """A readable anchor from free text ('Job family' -> 'job-family')."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass
class HandbookSummary:
    """What :func:`write_handbook` wrote."""

    out: Path
    format: HandbookFormat
    index: Path
    pages: list[Path] = field(default_factory=list)
    career_graph: Path | None = None
    notes: list[str] = field(default_factory=list)


class _Pages:
    """Where every page lives, relative to the handbook's root folder."""

    def __init__(self, outline: ModelOutline, ext: str) -> None:
        self.o = outline
        self.ext = ext
        self._links: dict[str, dict[tuple[str, str | None, str | None], str]] = {}
        """Folder -> (kind, key, anchor) -> the link from there (pages share folders)."""

    def path(self, kind: str, key: str | None = None) -> str:
        o, e = self.o, self.ext
        if kind == "index":
            return f"index.{e}"
        if kind == "scales":
            return f"scales.{e}"
        if kind == "guide":
            return f"guides/{key}.{e}"
        if kind == "release":
            return f"release/{key}.{e}"
        assert key is not None
        if kind == "competency":
            return f"competencies/{o.page_name('competency', key)}.{e}"
        if kind == "role":
            return f"roles/{o.page_name('role', key)}.{e}"
        if kind == "interview":
            return f"interviews/{o.page_name('role', key)}.{e}"
        if kind == "job":
            return f"job-descriptions/{o.page_name('role', key)}.{e}"
        raise ValueError(kind)

    def linker(self, page: str) -> Callable[..., str]:
        """``link(kind, key=None, anchor=None)`` relative to ``page``."""
        here = posixpath.dirname(page)
        known = self._links.setdefault(here, {})

        def link(kind: str, key: str | None = None, anchor: str | None = None) -> str:
            found = known.get((kind, key, anchor))
            if found is None:
                target = self.path(kind, key) if kind != "file" else str(key)
                found = relative_link(target, here) + (f"#{anchor}" if anchor else "")
                known[kind, key, anchor] = found
            return found

        return link


def relative_link(target: str, folder: str) -> str:
    """``target`` (a path from the handbook's root) as seen from ``folder`` (ditto; '' = root).

    The same as ``posixpath.relpath(target, folder or ".")`` for the handbook's clean paths,
    without touching the file system (it is called over 100,000 times for a big model).

    >>> relative_link("competencies/a.html", "roles"), relative_link("index.html", "")
    ('../competencies/a.html', 'index.html')
    >>> relative_link("roles/b.html", "roles")
    'b.html'
    """
    if not folder:
        return target
    up = folder.split("/")
    down = target.split("/")
    common = 0
    while common < min(len(up), len(down) - 1) and up[common] == down[common]:
        common += 1
    return "../" * (len(up) - common) + "/".join(down[common:])


_ENVIRONMENTS: dict[tuple[str, int], tuple[Translator, Environment]] = {}


def _environment(fmt: HandbookFormat, tr: Translator) -> Environment:
    """The template environment of a format with ``tr``'s wording (kept per translator)."""
    key = (fmt, id(tr))
    found = _ENVIRONMENTS.get(key)
    if found is None or found[0] is not tr:
        env = _base_environment(fmt)
        tr.install(env)
        # _() straight to it: the extension's _() only looks "gettext" up and calls it
        env.globals["gettext"] = env.globals["_"] = _memoised_gettext(tr.translations.gettext)
        found = _ENVIRONMENTS[key] = (tr, env)
    return found[1]


def _memoised_gettext(func: Callable[[str], str]) -> Callable[..., str]:
    """Jinja's newstyle ``gettext`` (``_()`` in templates) of ``func``, remembering answers.

    The same as ``jinja2.ext``'s (the translation, as Markup when autoescaping, always
    %-formatted with the keyword arguments), but each text is looked up once: a big
    handbook asks for the same few dozen texts over 100,000 times.
    """
    found: dict[tuple[str, bool], str] = {}
    done: dict[tuple[str, bool], str] = {}

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        escape = bool(__context.eval_ctx.autoescape)
        if not variables:
            text = done.get((__string, escape))
            if text is not None:
                return text
        rv = found.get((__string, escape))
        if rv is None:
            rv = found[__string, escape] = Markup(func(__string)) if escape else func(__string)
        text = rv % variables
        if not variables:
            done[__string, escape] = text
        return text

    return gettext


_PLAIN_CALLABLES = (
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    functools.partial,
)
"""Callables whose ``__call__`` is the type's own (it can carry no ``pass_context`` mark)."""


class _HandbookContext(Context):
    """Jinja's template context with a shorter road for plain calls (``{{ t(c.name) }}``).

    A big handbook's templates call Python over 500,000 times; Jinja's ``Context.call``
    looks on every call for a ``pass_context``-style mark on the callable and on its
    ``__call__``. A plain function, method or partial without the mark (its ``__call__`` is
    its type's and cannot carry one) is called here at once, exactly as Jinja would call it;
    any other callable goes through Jinja's own ``call``.
    """

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``__obj`` as :meth:`jinja2.runtime.Context.call` does."""
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return Context.call(__self, __obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


def _base_environment(fmt: HandbookFormat) -> Environment:
    loader = PackageLoader("competency_core.publish", f"templates/{fmt}")
    if fmt == "html":
        env = Environment(
            loader=loader, autoescape=True, undefined=StrictUndefined, auto_reload=False
        )
    else:
        env = Environment(
            loader=loader,
            autoescape=False,
            finalize=_md_finalize,
            undefined=StrictUndefined,
            auto_reload=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.globals["raw"] = MdSafe
        # escaped here, so marked safe: the finalize hook must not escape it a second time
        env.filters["cell"] = lambda v: MdSafe(md_escape(" ".join(str(v or "").split())))
    env.globals["safe_url"] = safe_url
    env.globals["slug"] = page_slug
    env.filters["slugify"] = slugify
    env.context_class = _HandbookContext
    return env


def _lang_marked(outline: ModelOutline, language: str) -> Callable[[Any], Any]:
    """``t`` for HTML: a model text shown in another language than the page's is marked.

    ``<span lang="en">...</span>`` around a text the model has not translated, so that a
    screen reader reads it with the right voice (and a browser hyphenates it right).
    """
    model = outline.model
    page = language.replace("_", "-").lower()
    accepted = {page, page.split("-")[0]}

    # a text's answer is remembered by the text's identity (the model's texts live as long
    # as the handbook is written; the entry keeps its text, so its id is not reused)
    known: dict[int, tuple[Any, Any]] = {}

    def t(value: Any) -> Any:
        found = known.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        text = answer = outline.text(value)
        have = (
            ()
            if value is None or not text
            else value.languages(default_language=model.default_language)
        )
        if have and not {h.lower() for h in have} & accepted:
            shown = model.default_language if model.default_language in have else sorted(have)[0]
            answer = Markup('<span lang="{}">{}</span>').format(shown, text)
        known[id(value)] = (value, answer)
        return answer

    return t


def _essential_words(tr: Translator) -> Callable[[Requirement | bool], str]:
    """:func:`wording.essential_label` with its two answers looked up once."""
    words = {flag: wording.essential_label(tr, flag) for flag in (True, False)}

    def essential(requirement: Requirement | bool) -> str:
        flag = requirement if isinstance(requirement, bool) else requirement.essential
        return words[bool(flag)]

    return essential


def _importance_words(tr: Translator) -> Callable[[RoleProfile, Requirement], str]:
    """:func:`wording.importance`, the role's heaviest weight found once a role (not a row)."""
    last: list[Any] = [None, 1.0]  # the role asked about last, and its heaviest weight

    def importance(role: RoleProfile, requirement: Requirement) -> str:
        if last[0] is not role:
            last[:] = [role, wording.heaviest_weight(role)]
        return wording.importance(tr, role, requirement, top=last[1])

    return importance


def _career_picture(
    model: CompetencyModel, out: Path, tr: Translator
) -> tuple[Path | None, str | None]:
    """Draw the career graph (roles with a declared move) as SVG; else say why there is none."""
    if not model.transitions:
        return None, tr._("The model declares no career transitions, so there is no career graph.")
    roles = {r for t in model.transitions for r in (t.source, t.target)}
    if len(roles) > MAX_PICTURE_ROLES:
        return None, tr._(
            "The career graph has %(n)s roles with career moves, more than one picture holds "
            "(%(most)s); the moves are listed on each role's page. Draw part of it with "
            "`competency path draw`.",
            n=tr.number(len(roles)),
            most=tr.number(MAX_PICTURE_ROLES),
        )
    from competency_core.careers import CareerGraph
    from competency_core.careers.drawing import draw

    target = draw(
        CareerGraph.from_model(model), out / "career-graph.svg", roles=roles, language=tr.language
    )
    return target, None


MAX_PICTURE_ROLES = 80
"""The most roles the career graph picture holds (``careers.drawing.MAX_PICTURE_ROLES``;
kept here so that a big model's handbook does not import the careers package at all)."""

PICTURE_MIN_SCALE = 0.75
"""The career graph picture shrinks with the page down to this share of its natural size
(its smallest text stays at 9 px); below that it scrolls in its own box (on a phone)."""


def _picture_size(picture: Path | None) -> tuple[int, int, int] | None:
    """The career picture's natural width and height and its smallest width, in CSS pixels."""
    if picture is None:
        return None
    from competency_core.careers.drawing import svg_size

    width, height = svg_size(picture)
    return round(width), round(height), math.ceil(width * PICTURE_MIN_SCALE)


MANIFEST = ".handbook-files"
"""The list of files the last run wrote, so that a re-run removes pages that went away."""


def _write(path: Path, text: str) -> None:
    """Write one page atomically (no half-written pages); pages can be rewritten, so no fsync.

    As :func:`competency_core.io.write_atomic` (a temporary file beside the page, renamed
    over it), but written through the descriptor that created it (one open a page, not
    two) and creating the folder only when it is missing: creating files is most of the
    cost of writing thousands of small pages.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_stale(root: Path, written: list[Path]) -> list[str]:
    manifest = root / MANIFEST
    now = sorted(p.relative_to(root).as_posix() for p in written)
    removed = []
    if manifest.is_file():
        for rel in manifest.read_text(encoding="utf-8").splitlines():
            target = root / rel
            if rel and rel not in now and ".." not in rel.split("/") and target.is_file():
                target.unlink()
                removed.append(rel)
    _write(manifest, "\n".join(now) + "\n")
    return removed


PARALLEL_PAGES = 600
"""From this many competency and role pages on, :func:`write_handbook` renders them in
worker processes (one per CPU, at most :data:`MAX_WORKERS`) where it can (see there)."""

MAX_WORKERS = 4
"""The most worker processes the handbook renders its pages with."""

_CHUNKS_PER_WORKER = 8
"""Pages are handed to the workers in this many contiguous chunks each (for balance)."""


class _Renderer:
    """Renders the handbook's pages into ``root`` and writes them (one per call)."""

    def __init__(
        self,
        *,
        model: CompetencyModel,
        outline: ModelOutline,
        pages: _Pages,
        env: Environment,
        common: dict[str, Any],
        root: Path,
        ext: str,
        language: str | None,
        banner: str,
    ) -> None:
        self.model = model
        self.outline = outline
        self.pages = pages
        self.env = env
        self.common = common
        self.root = root
        self.ext = ext
        self.language = language
        self.banner = banner

    def render(self, template: str, page: str, **context: Any) -> Path:
        """Render one page (``page`` relative to the root) and write it; its path."""
        link = self.pages.linker(page)
        text = self.env.get_template(template).render(
            **self.common, link=link, page=page, style=link("file", "assets/style.css"), **context
        )
        if self.banner:
            text = self.banner + text
        target = self.root / page
        _write(target, text)
        return target

    def item(self, kind: str, key: str) -> Path:
        """One competency's page (``kind`` 'competency') or role's ('role', 'interview', 'job')."""
        o, model, ext, pages = self.outline, self.model, self.ext, self.pages
        if kind == "competency":
            c = model.competency(key)
            return self.render(
                "competency." + ext + ".j2",
                pages.path("competency", key),
                c=c,
                scale=model.scale(c.scale),
                ancestors=o.ancestors(key),
                children=o.children.get(key, ()),
                roles=o.roles_requiring(key),
            )
        role = model.role(key)
        if kind == "role":
            return self.render(
                "role." + ext + ".j2",
                pages.path("role", key),
                role=role,
                requirements=o.sorted_requirements(role),
                moves_out=o.transitions_from(key),
                moves_in=o.transitions_to(key),
            )
        if kind == "interview":
            return self.render(
                "interview." + ext + ".j2",
                pages.path("interview", key),
                role=role,
                guide=interview_guide(model, key, language=self.language),
            )
        if kind == "job":
            return self.render(
                "job." + ext + ".j2",
                pages.path("job", key),
                role=role,
                jd=job_description(model, key, language=self.language),
            )
        raise ValueError(kind)

    def items(self, chunk: list[tuple[str, str]]) -> list[Path]:
        """The pages of ``chunk`` (``(kind, key)`` pairs), in order."""
        return [self.item(kind, key) for kind, key in chunk]


_FORKED: _Renderer | None = None
"""The renderer worker processes inherit (set only while a pool of them runs)."""


def _render_chunk(chunk: list[tuple[str, str]]) -> list[str]:
    """In a worker process: render a chunk of pages with the inherited renderer."""
    assert _FORKED is not None, "a handbook worker runs only inside write_handbook"
    return [str(p) for p in _FORKED.items(chunk)]


def handbook_workers(pages: int, workers: int | None = None) -> int:
    """How many processes render ``pages`` competency and role pages (1: this one alone).

    ``workers`` given is taken as asked (at least 1). Otherwise: one per CPU this process
    may use (at most :data:`MAX_WORKERS`) from :data:`PARALLEL_PAGES` pages on, where
    worker processes can be forked (POSIX) and this process runs no other thread (forking a
    threaded process can deadlock a child); else 1.

    >>> handbook_workers(10), handbook_workers(10, workers=3)
    (1, 3)
    """
    if workers is not None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        return workers
    if pages < PARALLEL_PAGES or "fork" not in mp.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _render_items(renderer: _Renderer, items: list[tuple[str, str]], workers: int) -> list[Path]:
    """Every page of ``items`` in order, rendered here or by ``workers`` forked processes."""
    global _FORKED
    if workers <= 1 or len(items) < 2:
        return renderer.items(items)
    from concurrent.futures import ProcessPoolExecutor  # only a big handbook needs it

    size = max(1, -(-len(items) // (workers * _CHUNKS_PER_WORKER)))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    # compiled here once, not in every worker (each page kind has its template)
    for kind in dict.fromkeys(kind for kind, _ in items):
        renderer.env.get_template(f"{kind}.{renderer.ext}.j2")
    _FORKED = renderer
    # what the workers inherit is left out of their garbage collections (which would also
    # copy every inherited page they touch): Python's advice for forking without exec
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(chunks)), mp_context=mp.get_context("fork")
        ) as pool:
            return [Path(p) for done in pool.map(_render_chunk, chunks) for p in done]
    finally:
        gc.unfreeze()
        _FORKED = None


def write_handbook(
    model: CompetencyModel,
    out: str | os.PathLike[str],
    *,
    format: HandbookFormat = "html",
    language: str | None = None,
    career_graph: bool = True,
    release: bool = True,
    workers: int | None = None,
) -> HandbookSummary:
    """Write the handbook into the folder ``out`` (created if needed) and say what was written.

    ``format`` is ``html`` (with a stylesheet) or ``markdown``; texts are in ``language``
    (default: the model's default language). ``career_graph`` draws the career graph
    picture when the model has transitions and the careers package can draw. ``release``
    adds the release kit's pages (``release/``: :func:`~competency_core.publish.release_kit`).
    ``workers`` is how many processes render the competency and role pages (default: see
    :func:`handbook_workers`; the pages are the same either way).
    """
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    ext = "html" if format == "html" else "md"
    outline = ModelOutline(model, language)
    tr = translator(outline.lang)
    pages = _Pages(outline, ext)
    env = _environment(format, tr)
    summary = HandbookSummary(out=root, format=format, index=root / pages.path("index"))

    picture, picture_note = _career_picture(model, root, tr) if career_graph else (None, None)
    summary.career_graph = picture
    if picture_note:
        summary.notes.append(picture_note)

    common: dict[str, Any] = {
        "model": model,
        "o": outline,
        "t": _lang_marked(outline, tr.language) if format == "html" else outline.text,
        "lang": outline.lang,
        "Audience": Audience,
        "guide_titles": {a: tr._(title) for a, title in GUIDE_TITLES.items()},
        "tr": tr,
        "draft": model.status != LifecycleStatus.PUBLISHED,
        "status": wording.status_label(tr, model),
        "move_kind": functools.partial(wording.move_kind, tr),
        "essential": _essential_words(tr),
        "importance": _importance_words(tr),
        "weights_differ": wording.weights_differ,
        "domain": functools.partial(domain_label, tr),
        "learning_kind": functools.partial(wording.learning_kind, tr),
        "scheme_name": wording.scheme_name,
        "review_date": tr.date(model.metadata.review_date) if model.metadata.review_date else "",
    }
    # Markdown has no page frame: the draft banner goes on top of every page (HTML: base)
    banner = (
        env.get_template("draft.md.j2").render(**common)
        if format == "markdown" and common["draft"]
        else ""
    )
    renderer = _Renderer(
        model=model,
        outline=outline,
        pages=pages,
        env=env,
        common=common,
        root=root,
        ext=ext,
        language=language,
        banner=banner,
    )

    def render(template: str, page: str, **context: Any) -> None:
        summary.pages.append(renderer.render(template, page, **context))

    written: list[Path] = []
    if format == "html":
        _write(root / "assets" / "style.css", _STYLE)
        written.append(root / "assets" / "style.css")
    picture_rel = picture.relative_to(root).as_posix() if picture else None
    kit = release_kit(model, language=language) if release else None
    render(
        "index." + ext + ".j2",
        pages.path("index"),
        picture=picture_rel,
        picture_size=_picture_size(picture),
        picture_note=picture_note,
        release=kit,
    )
    if kit is not None:
        words = page_words(kit.language)
        for name, template in RELEASE_PAGES:
            render(f"{template}.{ext}.j2", pages.path("release", name), kit=kit, w=words)
    render("scales." + ext + ".j2", pages.path("scales"))
    for audience in Audience:
        guide = audience_guide(model, audience, language=language)
        render("guide." + ext + ".j2", pages.path("guide", audience.value), guide=guide)
    items = [("competency", entry.competency.key) for entry in outline.entries]
    items += [(kind, role.key) for role in model.roles for kind in ("role", "interview", "job")]
    summary.pages += _render_items(renderer, items, handbook_workers(len(items), workers))
    written += summary.pages
    if picture is not None:
        written.append(picture)
    removed = _remove_stale(root, written)
    if removed:
        summary.notes.append(
            tr.n_(
                "removed %(n)s page of the previous run that went away",
                "removed %(n)s pages of the previous run that went away",
                len(removed),
            )
        )
    return summary


__all__ = [
    "HandbookFormat",
    "HandbookSummary",
    "MdSafe",
    "handbook_workers",
    "md_escape",
    "safe_url",
    "slugify",
    "write_handbook",
]
