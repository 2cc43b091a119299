"""The demo's people and organisations: invented names, real kinds of places."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from pdsa_engine.aggregates.values import Region, Sector

FIRST_NAMES = [
    "Anne", "Mette", "Hanne", "Lene", "Susanne", "Camilla", "Louise", "Maria", "Pia", "Tina", "Karen", "Birgitte",
    "Helle", "Dorthe", "Charlotte", "Rikke", "Marianne", "Lise", "Trine", "Signe", "Jens", "Peter", "Lars",
    "Søren", "Henrik", "Thomas", "Michael", "Martin", "Niels", "Jesper", "Anders", "Morten", "Rasmus", "Klaus",
    "Christian", "Torben", "Ole", "Kasper", "Mads", "Jakob",
]
LAST_NAMES = [
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
    "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
    "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen", "Laursen", "Holm", "Schmidt",
    "Kjær", "Lund", "Eriksen", "Bach", "Dam", "Vestergaard", "Skov", "Bruun", "Lauridsen", "Krogh", "Overgaard",
]

ORGANISATIONS: dict[tuple[Region, Sector], list[str]] = {
    (Region.HOVEDSTADEN, Sector.REGIONAL): [
        "Rigshospitalet", "Herlev og Gentofte Hospital", "Bispebjerg og Frederiksberg Hospital",
        "Hvidovre Hospital", "Nordsjællands Hospital", "Bornholms Hospital", "Region Hovedstadens Psykiatri",
    ],
    (Region.HOVEDSTADEN, Sector.MUNICIPAL): ["Københavns Kommune", "Frederiksberg Kommune"],
    (Region.SJAELLAND, Sector.REGIONAL): [
        "Sjællands Universitetshospital", "Holbæk Sygehus", "Nykøbing F. Sygehus", "Slagelse Sygehus",
        "Næstved Sygehus", "Psykiatrien Region Sjælland",
    ],
    (Region.SJAELLAND, Sector.MUNICIPAL): ["Næstved Kommune"],
    (Region.SYDDANMARK, Sector.REGIONAL): [
        "Odense Universitetshospital", "Sygehus Lillebælt", "Sydvestjysk Sygehus", "Sygehus Sønderjylland",
        "OUH Svendborg Sygehus", "Psykiatrien i Region Syddanmark", "Sygehus Lillebælt, Kolding",
    ],
    (Region.SYDDANMARK, Sector.MUNICIPAL): ["Odense Kommune", "Esbjerg Kommune"],
    (Region.MIDTJYLLAND, Sector.REGIONAL): [
        "Aarhus Universitetshospital", "Regionshospitalet Gødstrup", "Regionshospitalet Randers",
        "Hospitalsenheden Horsens", "Regionshospitalet Viborg", "Psykiatrien i Region Midtjylland",
        "Regionshospitalet Silkeborg",
    ],
    (Region.MIDTJYLLAND, Sector.MUNICIPAL): ["Aarhus Kommune", "Silkeborg Kommune"],
    (Region.MIDTJYLLAND, Sector.GENERAL_PRACTICE): ["Lægehuset i Skanderborg"],
    (Region.NORDJYLLAND, Sector.REGIONAL): [
        "Aalborg Universitetshospital", "Regionshospital Nordjylland, Hjørring", "Aalborg Universitetshospital, Thisted",
        "Psykiatrien i Region Nordjylland", "Regionshospital Nordjylland, Frederikshavn",
    ],
    (Region.NORDJYLLAND, Sector.MUNICIPAL): ["Aalborg Kommune"],
}


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str


def _ascii(text: str) -> str:
    text = text.replace("ø", "oe").replace("æ", "ae").replace("å", "aa").replace("Ø", "Oe").replace("Æ", "Ae")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class NameBook:
    """Hands out distinct, deterministic names with e-mail addresses at the person's organisation domain."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def person(self, domain: str) -> DemoPerson:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.taken:
                self.taken.add(name)
                first, last = name.split(" ")
                return DemoPerson(name, f"{_ascii(first)}.{_ascii(last)}@{domain}")


def domain_of(organisation: str) -> str:
    base = _ascii(organisation.split(",")[0]).replace(" og ", "-").replace(" ", "-").replace(".", "")
    return f"{base}.example.dk"
