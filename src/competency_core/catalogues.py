"""Keeping the gettext catalogues whole: extract, update, check, start a new language.

The wording is extracted with Babel from the package's own sources (Python calls of
``_``, ``n_``, ``p_``, ``N_`` and Jinja templates' ``_()`` and ``{% trans %}``), area by
area (:data:`AREAS`), into ``locale/<language>/LC_MESSAGES/<area>.po``. For maintainers
and translators::

    python -m competency_core.catalogues update            # the packaged catalogues
    python -m competency_core.catalogues check             # exit 1 on anything missing
    python -m competency_core.catalogues init fi --into my-locale   # a new language

``init`` writes a language's ``.po`` files with every message and an empty translation;
fill them in (Poedit, Weblate, any gettext tool) and point ``COMPETENCY_LOCALE_PATH`` at
the folder (see :mod:`competency_core.i18n`).
"""

from __future__ import annotations

import argparse
import copy
import fnmatch
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from competency_core.i18n import DOMAIN, LOCALE_DIR, SOURCE_LANGUAGE

PACKAGE_DIR = Path(__file__).parent

AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("release", ("publish/release*.py", "publish/templates/*/release*")),
    ("workbook", ("publish/xlsx*.py", "publish/sheets.py")),
    ("case", ("publish/case*.py",)),
    (
        "handbook",
        ("publish/*.py", "publish/templates/*/*.j2", "careers/drawing.py"),
    ),
    ("reports", ("analytics/*.py", "analytics/templates/*/*.j2", "analytics/templates/*.j2")),
    ("cli", ("cli/*.py", "console.py")),
    ("core", ("*.py", "*/*.py", "*/*/*.py")),
)
"""The catalogue areas: (name, package-relative globs); a file is in the first that matches."""

KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "n_": (1, 2),
    "ngettext": (1, 2),
    "p_": ((1, "c"), 2),
    "pgettext": ((1, "c"), 2),
}
"""The translation calls Babel looks for (``tr._``, ``tr.n_``, ``tr.p_``, ``N_``)."""


@dataclass(frozen=True)
class Problem:
    """Something a catalogue lacks: where, which message, and what is wrong."""

    language: str
    area: str
    message: str
    what: str

    def __str__(self) -> str:
        return f"{self.language}/{self.area}.po: {self.what}: {self.message!r}"


def area_of(relative: str) -> str | None:
    """The area of a package-relative path (``publish/xlsx.py`` -> ``workbook``)."""
    if relative.startswith(("testing/", "locale/")) or "/__pycache__/" in relative:
        return None
    for name, globs in AREAS:
        if any(fnmatch.fnmatch(relative, g) for g in globs):
            return name
    return None


def _sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix not in (".py", ".j2") or not path.is_file():
            continue
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        area = area_of(rel)
        if area is not None:
            yield area, path


def extract(area: str | None = None) -> dict[str, object]:
    """The messages of one area (or all), as Babel ``Catalog`` objects keyed by area.

    Besides the marked calls, the ``cli`` area gets the commands' docstrings, which typer
    shows as their ``--help`` (:func:`command_docstrings`).
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalogs: dict[str, Catalog] = {}
    for name, path in _sources():
        if area is not None and name != area:
            continue
        catalog = catalogs.setdefault(name, Catalog(domain=DOMAIN, project="competency-core"))
        if path.suffix == ".py":
            method = "python"
            options: dict[str, str] = {}
        else:
            method = "jinja2.ext:babel_extract"
            options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
        ):
            catalog.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
        if name == "cli" and path.suffix == ".py":
            for lineno, message in command_docstrings(path):
                catalog.add(message, None, [(rel, lineno)], auto_comments=[COMMAND_HELP_COMMENT])
    return dict(catalogs)


COMMAND_HELP_COMMENT = "The help of a command (its docstring): competency COMMAND --help"


def command_docstrings(path: Path) -> Iterator[tuple[int, str]]:
    """The docstrings typer shows as a command's or a group's help, with their line numbers.

    A function decorated with ``X.command(...)`` or ``X.callback(...)`` without a
    ``help=`` of its own gets its docstring as help (``inspect.getdoc``, which
    :func:`ast.get_docstring` matches), so the CLI's sources keep their command help as
    docstrings and the ``cli`` catalogue still has it for ``--help`` in another language
    (:mod:`competency_core.cli.help_language`).
    """
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        doc = ast.get_docstring(node)
        if not doc:
            continue
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and isinstance(deco.func, ast.Attribute)
                and deco.func.attr in ("command", "callback")
                and not any(kw.arg == "help" for kw in deco.keywords)
            ):
                yield node.body[0].lineno, doc
                break


def _po_path(root: Path, language: str, area: str) -> Path:
    return root / language / "LC_MESSAGES" / f"{area}.po"


def update(
    languages: Sequence[str] | None = None,
    root: Path = LOCALE_DIR,
    areas: Sequence[str] | None = None,
) -> list[Path]:
    """Bring each language's catalogues in ``root`` up to the sources; returns what changed.

    New messages arrive untranslated (in English catalogues: the message itself), gone
    ones are dropped, translations of changed ones are kept and marked fuzzy by Babel.
    ``areas`` keeps to those catalogues (all by default).
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    templates = extract()
    langs = (
        list(languages)
        if languages
        else sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir())
    )
    written: list[Path] = []
    for lang in langs:
        for area, template in templates.items():
            if areas and area not in areas:
                continue
            path = _po_path(root, lang, area)
            if path.exists():
                with path.open("rb") as fh:
                    catalog = read_po(fh, locale=lang.split("_")[0])
            else:
                catalog = Catalog(locale=lang.split("_")[0], domain=DOMAIN)
            catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)  # type: ignore[arg-type]
            catalog.obsolete.clear()
            if lang.split("_")[0] == SOURCE_LANGUAGE:
                for message in catalog:
                    strings = (
                        message.string if isinstance(message.string, tuple) else (message.string,)
                    )
                    if message.id and not all(strings):
                        message.string = message.id  # (singular, plural) for a plural

            before = path.read_bytes() if path.exists() else b""
            buf = _write(catalog, write_po)
            if buf != before:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(buf)
                written.append(path)
    return written


def _write(catalog: object, write_po: object) -> bytes:
    import io

    buf = io.BytesIO()
    write_po(buf, catalog, width=96, omit_header=False, sort_output=False)  # type: ignore[operator]
    return buf.getvalue()


def check(languages: Sequence[str] | None = None, root: Path = LOCALE_DIR) -> list[Problem]:
    """What each language's catalogues lack against the sources (empty when whole)."""
    from babel.messages.checkers import python_format
    from babel.messages.pofile import read_po

    templates = extract()
    langs = (
        list(languages)
        if languages
        else sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir())
    )
    problems: list[Problem] = []
    for lang in langs:
        chosen: dict[tuple[object, object], tuple[str, object]] = {}
        for area, template in templates.items():
            path = _po_path(root, lang, area)
            if not path.exists():
                problems.append(Problem(lang, area, str(path), "no catalogue"))
                continue
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang.split("_")[0])
            for message in template:  # type: ignore[attr-defined]
                if not message.id:
                    continue
                shown = message.id if isinstance(message.id, str) else message.id[0]
                found = catalog.get(message.id, context=message.context)
                if found is None:
                    problems.append(Problem(lang, area, shown, "missing"))
                    continue
                strings = found.string if isinstance(found.string, tuple) else (found.string,)
                if found.fuzzy or not all(strings):
                    problems.append(Problem(lang, area, shown, "untranslated or fuzzy"))
                    continue
                try:
                    python_format(catalog, found)
                except Exception as exc:  # babel's TranslationError
                    problems.append(Problem(lang, area, shown, f"placeholders differ ({exc})"))
                # one message, one wording: the merged catalogue keeps only one of them
                key = (message.id, message.context)
                other = chosen.setdefault(key, (area, found.string))
                if other[1] != found.string:
                    problems.append(
                        Problem(
                            lang,
                            area,
                            shown,
                            f"translated differently in {other[0]}.po (give one a context)",
                        )
                    )
    return problems


def init(language: str, into: Path) -> list[Path]:
    """Start catalogues for a new ``language`` under ``into`` (every message, untranslated)."""
    into.mkdir(parents=True, exist_ok=True)
    return update([language], root=into)


def main(argv: Sequence[str] | None = None) -> int:
    """``update``, ``check`` or ``init`` (see the module docs); the exit status."""
    parser = argparse.ArgumentParser(prog="python -m competency_core.catalogues")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="bring the catalogues up to the sources")
    up.add_argument("languages", nargs="*")
    up.add_argument("--root", type=Path, default=LOCALE_DIR)
    up.add_argument("--area", action="append", help="only this area's catalogues (repeatable)")
    ck = sub.add_parser("check", help="list what the catalogues lack; exit 1 if anything")
    ck.add_argument("languages", nargs="*")
    ck.add_argument("--root", type=Path, default=LOCALE_DIR)
    it = sub.add_parser("init", help="start catalogues for a new language")
    it.add_argument("language")
    it.add_argument("--into", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "update":
        for path in update(args.languages or None, root=args.root, areas=args.area):
            print(f"updated {path}")
        return 0
    if args.command == "init":
        for path in init(args.language, args.into):
            print(f"wrote {path}")
        return 0
    problems = check(args.languages or None, root=args.root)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
