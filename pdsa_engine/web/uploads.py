"""An administrator's enrolment CSV, uploaded from the cohort page: every row is enrolled or none is, and every
bad row is reported by its line, as `pdsa cohort import` does (the same reading and the same command)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands.cohorts import ImportEnrolments
from pdsa_engine.enrolment_import import uploaded_enrolment_csv
from pdsa_engine.errors import InvalidInput
from pdsa_engine.web.actions import perform
from pdsa_engine.web.commands import CommandRoute
from pdsa_engine.web.forms import posted
from pdsa_engine.web.identity import Viewer

router = APIRouter(include_in_schema=False)

# Not a row of the command table: the rows come as a file, not as fields of a form or of JSON.
ENROLMENT_CSV = CommandRoute("/cohorts/{cohort}/enrolments/csv", ImportEnrolments, A.import_enrolments,
                             "Enrol from a CSV file")
MOST_BYTES = 2_000_000  # a cohort is some forty people; a file this large is not an enrolment list


def enrol_from_csv(request: Request, viewer: Viewer, content: bytes, name: str) -> list[UUID]:
    """Every row of the file enrolled, or none (the ids of those enrolled)."""
    if len(content) > MOST_BYTES:
        raise InvalidInput("csv", "{name} is larger than {most} MB", name=name, most=MOST_BYTES // 1_000_000)
    rows = uploaded_enrolment_csv(content, name)
    enrolled: list[UUID] = perform(request, viewer, ENROLMENT_CSV, {"rows": tuple(rows)}, dict(request.path_params),
                                   None)
    return enrolled


@router.post(ENROLMENT_CSV.path)
async def enrolment_upload(request: Request) -> Response:
    form = await request.form()
    upload = form.get("csv")
    content = await upload.read(MOST_BYTES + 1) if isinstance(upload, UploadFile) else b""

    def act(viewer: Viewer) -> str:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("csv", "choose the CSV file to upload")
        enrol_from_csv(request, viewer, content, upload.filename)
        return f"/cohorts/{request.path_params['cohort']}"

    return await posted(request, form, act)
