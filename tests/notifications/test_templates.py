"""Every mail template renders in both languages, and no text in them escapes translation."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from pdsa_engine.catalogues import catalogue_path
from pdsa_engine.notifications.compose import TEMPLATES, render
from pdsa_engine.notifications.rules import Kind
from tests.notifications.samples import SAMPLES, sample_contents


def _danish() -> dict[str, str | tuple[str, ...]]:
    """The mail catalogue, English → Danish (a plural found by its singular, with its Danish forms)."""
    with catalogue_path("mail").open("rb") as po:
        return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in read_po(po) if m.id}


DANISH = _danish()


def _messages_in_templates() -> set[str]:
    extracting = Environment(extensions=["jinja2.ext.i18n"])
    found = set()
    for path in TEMPLATES.iterdir():
        for _, _, message in extracting.extract_translations(path.read_text()):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_kind_has_an_html_and_a_text_template_and_samples():
    for kind in Kind:
        assert (TEMPLATES / f"{kind.value}.html").is_file() and (TEMPLATES / f"{kind.value}.txt").is_file(), kind
        assert kind in SAMPLES


def test_every_text_of_the_templates_has_its_danish_and_the_catalogue_holds_nothing_else():
    used = _messages_in_templates()
    assert used - DANISH.keys() == set(), "texts without Danish"
    assert DANISH.keys() - used == set(), "Danish for texts no template holds"


def test_a_plural_has_both_danish_forms_and_a_placeholder_survives_translation():
    for english, danish in DANISH.items():
        forms = danish if isinstance(danish, tuple) else (danish,)
        assert all(forms), f"no Danish for {english!r}"
        for form in forms:
            assert set(re.findall(r"%\((\w+)\)s", form)) == set(re.findall(r"%\((\w+)\)s", english)), english


# What is left of a template once its tags, comments, expressions and HTML markup are taken out: words there
# would be shown untranslated.
_JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_MARKUP = re.compile(r"<style>.*?</style>|<[^>]+>|&[a-z]+;", re.S)


@pytest.mark.parametrize("path", sorted(p.name for p in TEMPLATES.iterdir()))
def test_no_template_holds_words_outside_gettext(path):
    text = _MARKUP.sub("", _JINJA.sub("", (TEMPLATES / path).read_text()))
    assert re.findall(r"[A-Za-zÆØÅæøå]{2,}", text) == [], f"untranslated words in {path}"


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_template_renders_with_every_sample(language):
    for content in sample_contents(language):
        rendered = render(content)
        assert rendered.subject and "\n" not in rendered.subject
        assert "Sus Sponsor" in rendered.text and "Sus Sponsor" in rendered.html
        assert "<style" not in rendered.html and 'style="' in rendered.html, "the CSS is inlined"
        assert "%(" not in rendered.text + rendered.html + rendered.subject, "a placeholder left unfilled"


def test_the_danish_mail_holds_no_english_of_the_templates():
    english_only = {english for english, danish in DANISH.items()
                    if (danish if isinstance(danish, str) else danish[0]) != english and len(english) > 12}
    for content in sample_contents("da"):
        rendered = render(content)
        for english in english_only:
            fixed = re.split(r"%\(\w+\)s", english)
            longest = max(fixed, key=len).strip()
            if len(longest) > 12:
                assert longest not in rendered.text + rendered.html, (content.kind, longest)


def test_dates_and_numbers_are_written_as_each_language_writes_them():
    [danish] = [render(c) for c in sample_contents("da") if c.kind is Kind.POSTER_INVITATION]
    [english] = [render(c) for c in sample_contents("en") if c.kind is Kind.POSTER_INVITATION]
    assert "10. december 2031" in danish.text and "10 December 2031" in english.text
    [danish_digest] = [render(c) for c in sample_contents("da") if c.kind is Kind.SPONSOR_DIGEST]
    assert "fremdrift 3,5 (+0,5)" in danish_digest.text
