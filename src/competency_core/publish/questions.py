"""Behavioural interview questions from indicators, as a person would ask them.

Indicators are written in the third person without a subject ("Writes clear
documentation", "Skriver tydliga mejl"). A question turns them into the second person in
one fixed frame per language, so every question of a guide reads the same way:

- English: "Tell me about a time when you had to <verb> ...": the first verb and the verbs
  joined to it by *and*/*or* go to the base form ("writes" -> "write"), and the
  indicator's own pronouns turn into the candidate's ("their own" -> "your own", "the code
  they write" -> "the code you write");
- Swedish: "Berätta om ett tillfälle som visar hur du <verb> ...": the present tense of
  the indicator is kept (it is the form Swedish indicators are written in, and it is
  grammatical after "hur du"), a sentence adverb moves before the verb as a subordinate
  clause wants ("Håller alltid" -> "hur du alltid håller"), and the reflexives of the
  main clause turn into the second person ("sig" -> "dig", "sina" -> "dina"; not those
  of a clause with its own subject: "ett team som når sina mål").

An indicator that does not start with a verb the rules recognise ("Customer records are
often incomplete", "Is asked to review launches", a negation such as "Kan ännu inte")
gets the general frame of its language with the indicator quoted as written: "Give an
example from your work that shows this: "..."" (the same wording in every case, never a
guess that would read wrongly).

Other languages get the general frame, translated through the catalogue.
"""

from __future__ import annotations

import functools
import re

from competency_core.i18n import translator

_IRREGULAR = {"has": "have", "does": "do", "goes": "go", "is": "be"}
_NOT_VERBS = {
    "always", "sometimes", "news", "this", "its", "is", "was", "thus", "across", "less",
    "ways", "days", "times", "others", "series", "means",
}  # fmt: skip
_FIRST_WORD = re.compile(r"^([A-Z][a-z]+(?:-[a-z]+)*)(\b.*)$", re.DOTALL)

_SUBORDINATORS = {
    "after", "as", "because", "before", "if", "once", "so", "than", "that", "unless",
    "until", "when", "where", "whether", "while",
}  # fmt: skip
"""Words after which "they" is a new subject (someone else), not the indicator's own."""

_OTHERS = {
    "apis", "candidates", "colleague", "colleagues", "customer", "customers", "engineers",
    "hires", "leaders", "members", "others", "partners", "peers", "people", "report",
    "reports", "stakeholders", "teams", "users",
}  # fmt: skip
"""People (and plural things) a later "their" may refer to instead of the candidate."""

_NOUN_FOLLOWERS = {
    "", "of", "based", "without", "through", "before", "when", "used", "which", "who",
    "from", "across", "thought", "are", "is", "were",
}  # fmt: skip
"""Words after a word joined by and/or that show it is a noun in a list ("dashboards and
alerts based on"), not a verb joined to the first ("and estimates them")."""

_ADVERBS_BEFORE_VERB = {"never", "then", "also", "always", "often", "later"}

_THAT_CLAUSE = {"they", "it", "the", "a", "an", "you", "their", "its", "someone", "there"}
"""Words that open a clause after "that"/"when": the word before them is a verb."""


def base_verb(word: str) -> str | None:
    """The base form of an English third-person verb ('Delivers' -> 'deliver'), or None.

    >>> base_verb("Delivers"), base_verb("Carries"), base_verb("Fixes"), base_verb("Always")
    ('deliver', 'carry', 'fix', None)
    """
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w] if w != "is" else None
    if w in _NOT_VERBS:
        return None
    head, _, tail = w.partition("-")
    if tail and (base := base_verb(tail)) is not None:  # "threat-models"
        return f"{head}-{base}"
    if len(w) < 4 or not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return None
    if w.endswith("ies"):
        return w[:-3] + "y"
    if re.search(r"(ch|sh|x|z|ss)es$", w):
        return w[:-2]
    return w[:-1]


def _norm(word: str) -> str:
    """A word without punctuation or a possessive 's, in lower case."""
    w = word.strip(",.;:").lower()
    return w[:-2] if w.endswith("'s") else w


def _second_person_en(rest: str) -> str:
    """The rest of an English indicator after its first verb, in the second person."""
    words = rest.split(" ")
    normed = [_norm(w) for w in words]  # each word normalised once, not three times
    out: list[str | None] = []
    own_they = True  # every "they" so far was the candidate
    for i, word in enumerate(words):
        bare = word.strip(",.;:").lower()
        prev = normed[i - 1] if i else ""
        nxt = normed[i + 1] if i + 1 < len(words) else ""
        new: str | None = word
        joined = prev in {"and", "or"} or (
            prev in _ADVERBS_BEFORE_VERB and i > 1 and normed[i - 2] in {"and", "or"}
        )
        if (
            joined
            and not word.endswith((",", ".", ";"))
            # only a joined word's base form is ever used: worked out for those alone
            and ("-" not in bare or bare.split("-")[0] in {"re", "co", "pre"})
            and (base := base_verb(bare)) is not None
        ):
            after = words[i + 2].lower() if i + 2 < len(words) else ""
            clause = after in _THAT_CLAUSE  # "asks when a comment ...", "checks that they ..."
            if (nxt not in _NOUN_FOLLOWERS or (nxt in {"when", "before"} and clause)) and not (
                nxt == "that" and after and not clause
            ):
                new = word.lower().replace(bare, base, 1)
        elif bare == "can" and prev in {"and", "or"}:
            new = None  # "and can explain" -> "and explain"
        elif bare == "they":
            if prev and prev not in _SUBORDINATORS and prev not in {"and", "or"}:
                new = word.replace("they", "you")  # "the code they write"
            else:
                own_they = False
        elif bare == "themselves":
            new = word.replace("themselves", "yourself")
        elif bare == "their" and own_they:
            before = set(normed[:i])
            if nxt == "own" or not (before & _OTHERS or "'s" in " ".join(words[:i])):
                new = word.replace("their", "your")
        out.append(new)
    text = " ".join(w for w in out if w is not None)
    # agreement after a converted "they": "you are", "you were", "you have"
    return re.sub(
        r"\byou (\w+)\b",
        lambda m: "you " + (_agree(m.group(1))),
        text,
    )


def _agree(word: str) -> str:
    if word in {"is", "was"}:
        return {"is": "are", "was": "were"}[word]
    base = base_verb(word)
    return base if base is not None else word


_SV_ADVERBS = {"alltid", "ofta", "oftast", "sällan", "ibland", "också", "även", "gärna", "redan"}
_SV_NEGATIONS = {"inte", "aldrig", "ej", "icke"}
_SV_NOT_VERBS = {"efter", "under", "över", "för", "där", "när", "hur", "var", "eller", "mer"}
_SV_PRONOUNS = (
    (r"\bsig\b", "dig"),
    (r"\bsin\b", "din"),
    (r"\bsitt\b", "ditt"),
    (r"\bsina\b", "dina"),
)
_SV_IRREGULAR = {"vet", "bör", "måste", "ska", "vill", "får"}
"""Present-tense verbs that do not end in -r."""
_SV_CLAUSE = {
    "som", "när", "att", "där", "då", "om", "tills", "innan", "eftersom", "medan", "så",
    "vilket", "vilken", "vilka", "vad", "hur", "var",
}  # fmt: skip
"""Words that open a clause with its own subject: a reflexive after them is not the
candidate's ("ett team som når sina mål")."""


def _swedish(text: str) -> str | None:
    """The Swedish question for ``text``, or None when it does not start with a verb."""
    words = text.split(" ")
    first = words[0]
    verb = first.lower()
    if not first[:1].isupper() or not verb.isalpha():
        return None
    if not verb.endswith("r") and verb not in _SV_IRREGULAR:
        return None
    if len(verb) < 3 or verb in _SV_NOT_VERBS:
        return None
    rest = words[1:]
    if any(w.lower().strip(",.") in _SV_NEGATIONS for w in rest[:3]):
        return None
    lead: list[str] = []
    while rest and rest[0].lower() in _SV_ADVERBS:  # "Håller alltid" -> "alltid håller"
        lead.append(rest.pop(0).lower())
    cut = next((i for i, w in enumerate(rest) if w.lower().strip(",") in _SV_CLAUSE), len(rest))
    own = " ".join(rest[:cut])
    for pattern, repl in _SV_PRONOUNS:
        own = re.sub(pattern, repl, own)
    body = " ".join(w for w in [*lead, verb, own, *rest[cut:]] if w)
    return f"Berätta om ett tillfälle som visar hur du {body}."


def behavioural_question(indicator: str, language: str = "en") -> str:
    """A behavioural ("tell me about a time") question from an indicator (module docs).

    >>> behavioural_question("Delivers features end to end without close supervision.")
    'Tell me about a time when you had to deliver features end to end without close supervision.'
    >>> behavioural_question("Fixes or quarantines flaky tests")
    'Tell me about a time when you had to fix or quarantine flaky tests.'
    >>> behavioural_question("Adds unit tests for the code they change and explains their choices")
    'Tell me about a time when you had to add unit tests for the code you change and explain your choices.'
    >>> behavioural_question("Is asked to review launches")
    'Give an example from your work that shows this: "Is asked to review launches".'
    >>> behavioural_question("Håller alltid sina löften.", "sv")
    'Berätta om ett tillfälle som visar hur du alltid håller dina löften.'
    >>> behavioural_question("Kan ännu inte demonstrera kärnfunktionerna.", "sv")
    'Ge ett exempel från ditt arbete som visar detta: ”Kan ännu inte demonstrera kärnfunktionerna”.'
    """
    return _question(" ".join(indicator.split()).rstrip("."), language)


@functools.lru_cache(maxsize=65_536)
def _question(text: str, language: str) -> str:
    """:func:`behavioural_question` of a normalised indicator (kept: roles share indicators)."""
    lang = language.replace("_", "-").split("-")[0].lower()
    if lang == "en":
        m = _FIRST_WORD.match(text)
        verb = base_verb(m.group(1)) if m else None
        if m and verb:
            rest = m.group(2)
            second = re.match(r"^( (?:and|or) )([a-z]+)(\b.*)$", rest, re.DOTALL)
            if second and (base := base_verb(second.group(2))) is not None:
                rest = f"{second.group(1)}{base}{second.group(3)}"
            rest = re.sub(r"\b(and|or) can ", r"\1 ", rest)
            return f"Tell me about a time when you had to {verb}{_second_person_en(rest)}."
    elif lang == "sv":
        question = _swedish(text)
        if question is not None:
            return question
    tr = translator(language)
    return tr._('Give an example from your work that shows this: "%(indicator)s".', indicator=text)


__all__ = ["base_verb", "behavioural_question"]
