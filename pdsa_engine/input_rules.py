"""A broken rule of input said in the reader's language. The rules are written in English (the commands' own in
commands/*.py, the rest by pydantic); their Danish is the catalogue ``locale/da/LC_MESSAGES/rules.po``, whose
message ids are the rules' sentences with their placeholders ({max_length}, {low}, …). A rule is found in it by
putting the values it was said with back into each sentence; one with no Danish is shown as it is written."""

from __future__ import annotations

from functools import lru_cache

from babel.messages.pofile import read_po

from pdsa_engine.catalogues import catalogue_path, translations
from pdsa_engine.errors import Problem, written
from pdsa_engine.labels import field_label
from pdsa_engine.refusals import value_said

# pydantic's own rules that the catalogue translates, by their error type, as pydantic words them for the
# values a form gives (its singular and plural forms are sentences of their own).
PYDANTIC_RULES: dict[str, tuple[str, ...]] = {
    "missing": ("Field required",),
    "string_too_long": ("String should have at most {max_length} characters",),
    "string_too_short": ("String should have at least {min_length} character",
                         "String should have at least {min_length} characters"),
    "too_short": ("Tuple should have at least {min_length} item after validation, not {actual_length}",),
    "literal_error": ("Input should be {expected}",),
    "extra_forbidden": ("Extra inputs are not permitted",),
    "int_parsing": ("Input should be a valid integer, unable to parse string as an integer",),
    "float_parsing": ("Input should be a valid number, unable to parse string as a number",),
    "bool_parsing": ("Input should be a valid boolean, unable to interpret input",),
    "greater_than_equal": ("Input should be greater than or equal to {ge}",),
    "less_than_equal": ("Input should be less than or equal to {le}",),
}


def said(problem: Problem, language: str) -> tuple[str, str]:
    """The field as the reader names it, and the rule it broke in the reader's words."""
    if language != "da":
        return problem.field, problem.rule
    return field_label(problem.field, language), _rule_in_danish(problem)


def _rule_in_danish(problem: Problem) -> str:
    words = translations("rules", "da")
    for sentence in _sentences():
        try:
            if written(sentence, problem.values) != problem.rule:
                continue
            # pydantic's values are its own words ("'a' or 'b'"); the engine's are said as its messages say them.
            values = {name: words.gettext(value) if type(value) is str else value_said(value, "da")
                      for name, value in problem.values.items()}
            return words.gettext(sentence).format(**values)
        except (KeyError, IndexError, ValueError):
            continue
    return problem.rule


@lru_cache(maxsize=1)
def _sentences() -> tuple[str, ...]:
    with catalogue_path("rules").open("rb") as po:
        return tuple(message.id for message in read_po(po) if message.id and isinstance(message.id, str))
