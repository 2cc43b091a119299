"""A project's full history as a file: JSON lines, CSV, or a self-contained HTML report.

Every format carries the same lines as `pdsa audit log --project`; the report adds the project's state at each
sign-off and the result of verifying the whole history. Files are written next to their destination and moved
into place, so a failed export never leaves half a file behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pdsa_engine.audit.state import flatten
from pdsa_engine.catalogues import strict_translations
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.labels import field_label, field_value, language_of, word
from pdsa_engine.views import jsonable

FORMATS = ("jsonl", "csv", "html")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CSV_COLUMNS = ("position", "at", "who", "who_id", "role", "event", "what", "reason", "changes", "aggregate_id",
               "project_id")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A run of text without spaces, long, with digits or punctuation: an id, a moment, an event's or a file's name.
# Only such tokens may break anywhere in the report; words never break inside themselves.
_TOKEN = re.compile(r"(?=\S*[\d_.:@/+-])\S{21,}")

# The report's headings in English; their Danish is in locale/da/LC_MESSAGES/audit.po (context "report").
HEADINGS = {
    "title": "Audit report", "project": "Project", "exported": "Exported", "by": "by", "verification": "Verification",
    "holds": "The stored history holds", "broken": "The stored history is BROKEN", "events": "events",
    "up_to": "up to position", "head": "chain head", "seals": "seals checked with the audit key",
    "no_seals": "seals not checked (no private key on this machine)", "checkpoint": "Checkpoint",
    "timeline": "Timeline", "when": "When", "who": "Who", "what": "What", "reason": "Reason",
    "changes": "Changes", "signoffs": "State at each sign-off", "no_signoffs": "No sign-off was requested.",
    "requested": "requested", "decided": "decided", "undecided": "not decided: the state it was requested on",
    "status": "Status", "aim": "Aim", "measures": "Measures", "drivers": "Driver diagram", "cycles": "PDSA cycles",
    "meetings": "Meetings", "all_fields": "Every field", "since_request": "Changed between request and decision",
    "since": "Changed since", "nothing": "nothing", "points": "data points", "version": "version",
    "participant": "Participant", "sponsor": "Sponsor", "coach": "Coach", "comment": "Comment",
    "first_break": "first break at position",
}


def jsonl(lines: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(jsonable(line), ensure_ascii=False) + "\n" for line in lines)


def csv_text(lines: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        who = line["who"] or {}
        writer.writerow([
            line["position"], line["at"], _cell(who.get("name")), who.get("id"), line["role"], line["event"],
            _cell(line["what"]), _cell(line["reason"]), _cell(changes_text(line["changes"])), line["aggregate_id"],
            line["project_id"],
        ])
    return buffer.getvalue()


def changes_text(changes: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['field']}: {_shown(c['old'])} → {_shown(c['new'])}" for c in changes)


def html_report(report: dict[str, Any], language: str) -> str:
    """The report in the reader's language: its headings, the names of the fields and the coded values in words
    (labels.py); free text, names and numbers as they are."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape  # for this format only

    language = language_of(language)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["shown"] = _shown
    environment.filters["local"] = _local
    environment.filters["fields"] = lambda state: flatten(jsonable(state))
    environment.filters["label"] = lambda path: field_label(path, language)
    environment.filters["value"] = lambda value, path: (
        _shown(value) if value is None or value == "" else field_value(path, str(value), language))
    environment.filters["word"] = lambda code, kind: "—" if code is None else word(str(code), kind, language)
    environment.tests["token"] = lambda value: value is not None and bool(_TOKEN.search(str(value)))
    template = environment.get_template("audit/export.html")
    words = strict_translations("audit", language)
    headings = {key: words.pgettext("report", english) for key, english in HEADINGS.items()}
    return template.render(**jsonable(report), t=headings, language=language)


def write_atomically(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _cell(text: str | None) -> str | None:
    """Free text that a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text and text.startswith(_FORMULA_STARTS) else text


def _local(moment: str | None) -> str:
    """An ISO moment as Danish wall-clock time, to the minute."""
    if not moment:
        return "—"
    return datetime.fromisoformat(moment).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def _shown(value: Any) -> str:
    return "∅" if value is None or value == "" else str(value)
