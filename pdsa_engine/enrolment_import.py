"""Bulk enrolment from a CSV file: every row is enrolled, or none is, and every bad row is reported by line.

Columns: email, organisation, region, sector, and for people not yet registered, name (and optionally
language), separated by commas or semicolons as the header line shows. Such people are registered as
participants in the same transaction as the enrolments.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from uuid import UUID

from pdsa_engine.aggregates.cohort import Cohort
from pdsa_engine.aggregates.person import EmailClaim, Person
from pdsa_engine.aggregates.values import Language, Role, Stamp
from pdsa_engine.commands import parse
from pdsa_engine.commands.cohorts import EnrolmentRow
from pdsa_engine.errors import InvalidInput, Lines, NotFound, PdsaError, Refused, Word

if TYPE_CHECKING:
    from pdsa_engine.application import PdsaApplication

REQUIRED_COLUMNS = ("email", "organisation", "region", "sector")
OPTIONAL_COLUMNS = ("name", "language")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DELIMITERS = (",", ";")


def read_enrolment_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers (see enrolment_rows)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return enrolment_rows(handle, str(path))
    except OSError as problem:
        raise InvalidInput("csv", "cannot read {path}: {problem}", path=path, problem=problem.strerror) from None
    except UnicodeDecodeError as problem:
        raise InvalidInput("csv", "{name} is not a UTF-8 CSV file: {problem}", name=path, problem=problem) from None


def uploaded_enrolment_csv(content: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file sent through the site (see enrolment_rows)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise InvalidInput("csv", "{name} is not a UTF-8 CSV file: {problem}", name=name, problem=problem) from None
    return enrolment_rows(io.StringIO(text, newline=""), name)


def enrolment_rows(handle: TextIO, name: str) -> list[tuple[int, dict[str, str]]]:
    """The rows with their line numbers; blank lines are skipped, optional columns left empty are dropped.

    The delimiter, a comma or a semicolon, is the one that splits the header line into the known column names:
    guessing it from a sample of the rows fails on files whose rows vary (a trailing optional column left out,
    commas inside the names in a semicolon file). A byte order mark before the header is skipped.
    """
    try:
        header = handle.readline()
        columns, delimiter = header_columns(header)
        _check_header(columns)
        reader = csv.DictReader(itertools.chain([header], handle), delimiter=delimiter)
        rows = []
        for row in reader:
            values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
            if any(values.values()):
                rows.append((reader.line_num, {k: v for k, v in values.items() if v or k in REQUIRED_COLUMNS}))
    except csv.Error as problem:
        raise InvalidInput("csv", "{name} is not a UTF-8 CSV file: {problem}", name=name, problem=problem) from None
    if not rows:
        raise InvalidInput("csv", "{name} has no rows to enrol", name=name)
    return rows


def header_columns(header: str) -> tuple[list[str], str]:
    """The column names of a header line and its delimiter: the comma or semicolon that splits it into the most
    known column names. Refused, with the rule, when neither splits off a single known name."""
    found = []
    for delimiter in DELIMITERS:
        columns = [name.strip().lower() for name in next(csv.reader([header], delimiter=delimiter), [])]
        found.append((sum(1 for name in columns if name in KNOWN_COLUMNS), columns, delimiter))
    known, columns, delimiter = max(found, key=lambda candidate: candidate[0])
    if not known:
        shown = header.strip()
        raise InvalidInput("csv", "the first line names the columns {required} and optionally {optional}, separated "
                                  "by commas or semicolons; the first line is '{line}'", required=REQUIRED_COLUMNS,
                           optional=OPTIONAL_COLUMNS, line=shown[:120] + ("…" if len(shown) > 120 else ""))
    return columns, delimiter


def _check_header(columns: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in KNOWN_COLUMNS]
    if missing or unknown:
        raise InvalidInput("csv", "the first line names the columns {required} and optionally {optional}; missing: "
                                  "{missing}; unknown: {unknown}", required=REQUIRED_COLUMNS,
                           optional=OPTIONAL_COLUMNS, missing=tuple(missing) or Word("none"),
                           unknown=tuple(unknown) or Word("none"))


def enrol_rows(
    app: PdsaApplication, stamp: Stamp, cohort: Cohort, rows: tuple[tuple[int, dict[str, str]], ...]
) -> tuple[list[Person | EmailClaim], list[UUID]]:
    """Enrols the rows into the (unsaved) cohort; returns the new people and claims to save with it."""
    newcomers: dict[str, Person] = {}
    problems: list[tuple[int, PdsaError]] = []
    enrolled: list[UUID] = []
    for line, raw in rows:
        try:
            row = parse(EnrolmentRow, raw)
            participant_id = _participant(app, stamp, row, newcomers)
            cohort.enrol(stamp, participant_id, row.organisation, row.region, row.sector)
            enrolled.append(participant_id)
        except PdsaError as problem:
            problems.append((line, problem))
    if problems:
        raise InvalidInput("csv", "nobody was enrolled; fix these rows and import again:\n{lines}",
                           lines=Lines(problems))
    claims = [EmailClaim.claim(stamp, email, person.id) for email, person in newcomers.items()]
    return [*newcomers.values(), *claims], enrolled


def _participant(app: PdsaApplication, stamp: Stamp, row: EnrolmentRow, newcomers: dict[str, Person]) -> UUID:
    if row.email in newcomers:
        return newcomers[row.email].id
    try:
        person = app.person(row.email)
    except NotFound:
        if row.name is None:
            raise InvalidInput("name", "{email} is not registered yet, so the row needs the person's name", email=row.email)
        person = Person.register(app.new_id(), stamp, row.name, row.email, row.language or Language.DA,
                                 [Role.PARTICIPANT])
        newcomers[row.email] = person
        return person.id
    if not person.holds(Role.PARTICIPANT):
        raise Refused("{email} does not hold the participant role", email=row.email)
    return person.id
