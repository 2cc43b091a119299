from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from pdsa_engine.aggregates.values import Direction
from pdsa_engine.commands.types import Command, Number


def split_list(value: Any, kind: type) -> Any:
    """A comma-separated list ("3,4,5"); separated by semicolons it may use decimal commas ("3,5;4,1")."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return []
    parts = text.split(";") if ";" in text else text.split(",")
    if kind is float:
        parts = [part.strip().replace(",", ".") for part in parts]
    try:
        return [kind(part.strip()) for part in parts if part.strip()]
    except ValueError:
        noun = "numbers" if kind is float else "whole numbers"
        raise PydanticCustomError("list", f"must be {noun} separated by commas (or semicolons)") from None


def _split_numbers(value: Any) -> Any:
    return split_list(value, float)


def _split_indices(value: Any) -> Any:
    return split_list(value, int)


Numbers = Annotated[list[float], BeforeValidator(_split_numbers), Field(min_length=1, max_length=10_000_000)]
Indices = Annotated[list[int], BeforeValidator(_split_indices)]


class AnalyseSeries(Command):
    chart: str
    values: Numbers
    n: Numbers | None = None
    freeze: int | None = None
    part: Indices = []
    exclude: Indices = []
    rules: str = "anhoej"
    mr_screening: bool = True
    direction: Direction | None = None
    target: Number | None = None
