"""The HTML audit report reads in the reader's language: the names of the fields, and the coded values
(statuses, phases, kinds, decisions, directions, frequencies, chart types), in words; rendered in Debian's
Chromium, the changes column is wide enough that no word breaks inside itself."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli.test_audit_cli import ARTIFACTS, AUDIT, render_in_chromium
from tests.cli.test_cli import PARTICIPANT, created
from tests.support.cli import Pdsa

CODES = {"draft", "charter_submitted", "active", "requested", "approved", "outcome", "run", "week", "down", "primary",
         "secondary", "change_idea", "charter", "plan", "do", "study", "closed", "cancelled", "adapt", "True", "False"}


class ChangeRows(HTMLParser):
    """The rows of every table of changes: (the field's path, its label, its values), and the style sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, list[str]]] = []
        self.roles: list[str] = []
        self.style = ""
        self._tables = 0
        self._cells: list[str] | None = None
        self._title = ""
        self._text: list[str] | None = None
        self._in_style = self._in_role = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "style":
            self._in_style = True
        if tag == "span" and "role" in (found.get("class") or "").split():
            self._in_role, self._text = True, []
        if tag == "table" and "changes" in (found.get("class") or "").split():
            self._tables += 1
        elif tag == "tr" and self._tables:
            self._cells, self._title = [], ""
        elif tag == "td" and self._cells is not None:
            self._text = []
            if "field" in (found.get("class") or "").split():
                self._title = found.get("title") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        elif tag == "span" and self._in_role and self._text is not None:
            self.roles.append("".join(self._text).strip())
            self._in_role, self._text = False, None
        elif tag == "td" and self._cells is not None and self._text is not None:
            self._cells.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._cells is not None:
            self.rows.append((self._title, self._cells[0], [c for c in self._cells[1:] if c != "→"]))
            self._cells = None
        elif tag == "table" and self._tables:
            self._tables -= 1

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        if self._text is not None:
            self._text.append(data)


@pytest.fixture
def history(pdsa: Pdsa, project: tuple[str, str, str]) -> str:
    """The CLI fixture's project with a concluded cycle and a cancelled one."""
    project_id, measure, idea = project
    me = ("--as", PARTICIPANT)
    cycle = created(pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Afprøv konsulenten",
                         "--prediction", "Færre dage", "--measure", measure, "--start", "2031-02-03", "--end",
                         "2031-02-16", "--json"))
    assert pdsa(*me, "cycle", "do", cycle, "--observations", "Gennemført").code == 0
    assert pdsa(*me, "cycle", "study", cycle, "--findings", "Virkede delvist").code == 0
    assert pdsa(*me, "cycle", "act", cycle, "--decision", "adapt").code == 0
    again = created(pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Igen", "--prediction",
                         "p", "--measure", measure, "--start", "2031-03-03", "--end", "2031-03-16", "--continues",
                         cycle, "--json"))
    assert pdsa(*me, "cycle", "cancel", again, "--reason", "Konsulenten blev syg").code == 0
    for week, value in (("2031-W05", "30"), ("2031-W06", "28")):
        assert pdsa(*me, "project", "measure", "record", measure, "--period", week, "--value", value).code == 0
    return project_id


def export(pdsa: Pdsa, project_id: str, folder: Path, language: str) -> tuple[Path, ChangeRows]:
    report = folder / f"report-{language}.html"
    done = pdsa(*AUDIT, "audit", "export", project_id, "--format", "html", "--out", str(report), "--language",
                language)
    assert done.code == 0, done.err
    parsed = ChangeRows()
    parsed.feed(report.read_text(encoding="utf-8"))
    return report, parsed


def values_of(parsed: ChangeRows, path_end: str) -> set[str]:
    return {value for path, _, values in parsed.rows if path.endswith(path_end) for value in values}


def labels_of(parsed: ChangeRows, path_end: str) -> set[str]:
    return {label for path, label, _ in parsed.rows if path.endswith(path_end)}


def test_the_report_names_fields_and_values_in_danish(pdsa: Pdsa, history: str, tmp_path: Path) -> None:
    _, parsed = export(pdsa, history, tmp_path, "da")
    assert parsed.rows
    assert labels_of(parsed, ".direction") and all(label.endswith("› retning") for label in labels_of(parsed, ".direction"))
    assert labels_of(parsed, "aim.how_much") == {"Mål › hvor meget"}
    assert "Problemformulering" in labels_of(parsed, "problem")
    assert {"kladde", "kommissorium indsendt", "aktiv", "anmodet", "godkendt"} <= values_of(parsed, "status")
    assert values_of(parsed, ".direction") >= {"lavere er bedre"} and values_of(parsed, ".frequency") >= {"ugentligt"}
    assert values_of(parsed, ".kind") >= {"resultatmål", "primær driver", "sekundær driver", "forandringsidé",
                                          "kommissorium"}
    assert values_of(parsed, ".chart") >= {"seriediagram"} and values_of(parsed, ".decision") >= {"tilpas"}
    assert values_of(parsed, "phase") >= {"Do", "Study", "afsluttet", "annulleret"}
    assert values_of(parsed, "cancelled") >= {"ja", "nej"}
    assert {"deltager", "sponsor", "administrator"} <= set(parsed.roles)
    for path, label, values in parsed.rows:
        assert "_" not in label, (path, label)
        assert not CODES & set(values) or path.endswith(("title", "objective", "text")), (path, values)


def test_the_report_names_fields_and_values_in_english(pdsa: Pdsa, history: str, tmp_path: Path) -> None:
    _, parsed = export(pdsa, history, tmp_path, "en")
    assert labels_of(parsed, "aim.how_much") == {"Aim › how much"}
    assert all(label.endswith("› direction") for label in labels_of(parsed, ".direction"))
    assert {"draft", "charter submitted", "active", "requested", "approved"} <= values_of(parsed, "status")
    assert values_of(parsed, ".direction") >= {"lower is better"} and values_of(parsed, ".frequency") >= {"weekly"}
    assert values_of(parsed, ".kind") >= {"outcome measure", "primary driver", "change idea", "charter"}
    assert values_of(parsed, "phase") >= {"closed", "cancelled"} and values_of(parsed, "cancelled") >= {"yes", "no"}
    for path, label, _ in parsed.rows:
        assert "_" not in label, (path, label)


def test_no_style_breaks_words_anywhere(pdsa: Pdsa, history: str, tmp_path: Path) -> None:
    _, parsed = export(pdsa, history, tmp_path, "da")
    assert "break-all" not in parsed.style
    for rule in re.findall(r"([^{}]+)\{([^}]*overflow-wrap:\s*anywhere[^}]*)\}", parsed.style):
        assert rule[0].strip() == ".token", rule  # only ids, moments and event names may break anywhere


# Each word of the timeline (hyphens and slashes are places to break; ids and moments, class "token", may break
# anywhere) is checked to lie on a single line; the widths of the columns are kept too.
MEASURE = """<script>
const broken = [];
const walker = document.createTreeWalker(document.querySelector('.timeline'), NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (node.parentElement.closest('.token')) continue;
  for (const found of node.data.matchAll(/[^\\s\\-\\u2010\\/]+/g)) {
    const range = document.createRange();
    range.setStart(node, found.index);
    range.setEnd(node, found.index + found[0].length);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) broken.push(found[0]);
  }
}
const widths = [...document.querySelectorAll('.timeline > thead th')].map(th => th.getBoundingClientRect().width);
const overflowing = [...document.querySelectorAll('.timeline td')].filter(td => td.scrollWidth > td.clientWidth + 1)
  .map(td => td.textContent.trim().slice(0, 60));
document.body.setAttribute('data-measured', JSON.stringify({broken, widths, overflowing,
  timeline: document.querySelector('.timeline').getBoundingClientRect().width}));
</script></body>"""


@pytest.mark.parametrize("language", ["da", "en"])
def test_in_chromium_no_word_of_the_timeline_breaks_inside_itself(pdsa: Pdsa, history: str, tmp_path: Path,
                                                                  language: str) -> None:
    report, _ = export(pdsa, history, tmp_path, language)
    measured_page = tmp_path / f"measured-{language}.html"
    measured_page.write_text(report.read_text(encoding="utf-8").replace("</body>", MEASURE), encoding="utf-8")
    render_in_chromium(report, ARTIFACTS / f"audit-export-{language}.png", tmp_path)
    dom = render_in_chromium(measured_page, tmp_path / "measured.png", tmp_path)
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, "the measuring script ran"
    measured = json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))
    assert measured["broken"] == [], measured["broken"]
    assert measured["overflowing"] == [], measured["overflowing"]
    *_, changes = measured["widths"]
    assert changes >= 0.4 * measured["timeline"], measured["widths"]
