"""Bulk enrolment from a CSV file: the delimiter (comma or semicolon) is read from the header line, whatever the
size of the file and however its rows vary; a header that names no known columns is refused with the rule."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pdsa_engine.enrolment_import import read_enrolment_csv
from tests.cli.test_cli import ADMIN, created
from tests.support.cli import Pdsa

HEADER = ("email", "organisation", "region", "sector", "name", "language")
REGIONS = ("Region Hovedstaden", "Region Sjælland", "Region Syddanmark", "Region Midtjylland", "Region Nordjylland")
ORGANISATIONS = ("Aarhus Universitetshospital", "Odense Universitetshospital", "Aalborg Kommune", "Rigshospitalet",
                 "Holbæk Sygehus, Medicinsk afdeling", "Københavns Kommune, Sundheds- og Omsorgsforvaltningen")


def megabyte_of_rows(delimiter: str, size: int = 1_000_000, bom: bool = False) -> tuple[str, int]:
    """A valid enrolment file of about `size` characters: every row a new participant in the regional sector.
    As in files kept by hand or in a spreadsheet, some rows leave out the trailing (optional) language column,
    and in a semicolon file the organisations' names hold commas."""
    rng = random.Random(2031)
    lines = [delimiter.join(HEADER)]
    length, rows = len(lines[0]), 0
    while length < size:
        organisation = rng.choice(ORGANISATIONS)
        if delimiter == ",":
            organisation = f'"{organisation}"' if "," in organisation else organisation
        row = [f"deltager{rows}@example.dk", organisation, rng.choice(REGIONS), "regional",
               f"Deltager Nummer {rows}", rng.choice(("da", "en"))]
        text = delimiter.join(row if rng.random() > 0.3 else row[:-1])
        lines.append(text)
        length += len(text) + 2
        rows += 1
    return ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", rows


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_megabyte_file_is_read_with_the_delimiter_its_header_uses(delimiter: str, tmp_path: Path) -> None:
    text, count = megabyte_of_rows(delimiter)
    path = tmp_path / "enrol.csv"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    rows = read_enrolment_csv(path)
    assert len(rows) == count
    first_line, first = rows[0]
    assert first_line == 2 and set(first) >= {"email", "organisation", "region", "sector", "name"}
    assert first["email"] == "deltager0@example.dk" and first["region"] in REGIONS
    assert {row["organisation"] for _, row in rows} == set(ORGANISATIONS)
    assert {row.get("language") for _, row in rows} == {"da", "en", None}
    assert [line for line, _ in rows[:3]] == [2, 3, 4]


def test_a_file_with_a_byte_order_mark_enrols_everyone(people: Pdsa, tmp_path: Path) -> None:
    """As a Danish spreadsheet saves it: semicolons, a byte order mark, commas inside the names. (Seats are at
    most 100 per region and sector, so a whole megabyte of participants is read above, not enrolled.)"""
    pdsa = people
    cohort = created(pdsa("--as", ADMIN, "cohort", "create", "--name", "Stort hold", "--start", "2031-01-10",
                          "--end", "2031-12-10", "--json"))
    for region in REGIONS:
        assert pdsa("--as", ADMIN, "cohort", "quota", cohort, "--region", region, "--sector", "regional",
                    "--seats", "100").code == 0
    text, count = megabyte_of_rows(";", size=25_000, bom=True)
    path = tmp_path / "enrol.csv"
    path.write_text(text, encoding="utf-8")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf" and count > 200
    done = pdsa("--as", ADMIN, "cohort", "import", cohort, "--csv", str(path), "--json")
    assert done.code == 0, done.err
    assert len(done.json["enrolled"]) == count
    assert pdsa("--as", ADMIN, "person", "show", f"deltager{count - 1}@example.dk").code == 0


@pytest.mark.parametrize(("header", "rule"), [
    ("email|organisation|region|sector|name", "separated by commas or semicolons"),
    ("email\torganisation\tregion\tsector\tname", "separated by commas or semicolons"),
    ("e-mail;organisation;region;sector;name", "missing: email; unknown: e-mail"),
    ("email,organisation,region,sector,name,phone", "unknown: phone"),
])
def test_a_header_without_the_known_columns_is_refused_naming_the_rule(people: Pdsa, tmp_path: Path, header: str,
                                                                        rule: str) -> None:
    pdsa = people
    cohort = created(pdsa("--as", ADMIN, "cohort", "create", "--name", "H", "--start", "2031-01-10", "--end",
                          "2031-12-10", "--json"))
    separator = next((c for c in "|\t;," if c in header), ",")
    row = separator.join(("ny@example.dk", "OUH", "Region Syddanmark", "regional", "Ny Person", "555"))
    path = tmp_path / "bad.csv"
    path.write_text(f"\ufeff{header}\n{row}\n", encoding="utf-8")
    refused = pdsa("--as", ADMIN, "cohort", "import", cohort, "--csv", str(path), "--json")
    assert refused.code == 2, refused.err
    error = refused.json["error"]
    assert error["field"] == "csv" and error["code"] == "invalid_input"
    assert error["message"].startswith("csv: the first line names the columns email, organisation, region, sector")
    assert rule in error["message"], error["message"]
    assert "Could not determine" not in error["message"]
    assert pdsa("--as", ADMIN, "cohort", "show", cohort, "--json").json["enrolments"] == []
    assert pdsa("--as", ADMIN, "person", "show", "ny@example.dk").code == 4
