"""The seats a new cohort starts with, apart from cohort.py so that `pdsa cohort create --help` states them
without importing the event-sourcing library."""

from __future__ import annotations

from pdsa_engine.aggregates.values import Region, Sector

# The programme's usual split: 32 regional and 8 municipal seats; general practice has none until a cohort opens some.
DEFAULT_QUOTAS: dict[Region, dict[Sector, int]] = {
    Region.HOVEDSTADEN: {Sector.REGIONAL: 7, Sector.MUNICIPAL: 2, Sector.GENERAL_PRACTICE: 0},
    Region.SJAELLAND: {Sector.REGIONAL: 6, Sector.MUNICIPAL: 1, Sector.GENERAL_PRACTICE: 0},
    Region.SYDDANMARK: {Sector.REGIONAL: 7, Sector.MUNICIPAL: 2, Sector.GENERAL_PRACTICE: 0},
    Region.MIDTJYLLAND: {Sector.REGIONAL: 7, Sector.MUNICIPAL: 2, Sector.GENERAL_PRACTICE: 0},
    Region.NORDJYLLAND: {Sector.REGIONAL: 5, Sector.MUNICIPAL: 1, Sector.GENERAL_PRACTICE: 0},
}
