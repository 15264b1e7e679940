"""Plausible Danish names for the demo's participants, deterministic from the seed.

The lists mix the most common Danish first names and surnames with names common
among Danes of other origins, as a unit's roll in a Danish municipality would. They
are invented combinations; no real person is meant. Names are drawn from a
generator of their own, so adding names leaves every other demo figure unchanged."""

from __future__ import annotations

import numpy as np

FIRST_NAMES_K = (
    "Anne", "Mette", "Kirsten", "Hanne", "Susanne", "Lene", "Maria", "Camilla", "Louise",
    "Charlotte", "Julie", "Emma", "Ida", "Sara", "Laura", "Sofie", "Amalie", "Cecilie",
    "Natasja", "Jeanette", "Pernille", "Tina", "Fatima", "Aisha", "Amina", "Zeynep",
    "Leyla", "Agnieszka", "Maja", "Freja", "Line", "Rikke", "Stine", "Nadia", "Yasmin",
)
FIRST_NAMES_M = (
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Martin",
    "Niels", "Anders", "Christian", "Morten", "Jesper", "Mads", "Rasmus", "Kasper",
    "Frederik", "Mikkel", "Jonas", "Emil", "Mathias", "Oliver", "Lucas", "Nikolaj",
    "Kenneth", "Brian", "Dennis", "Mohammad", "Ahmad", "Ali", "Omar", "Hassan", "Mehmet",
    "Tomasz", "Jakob", "Simon", "Daniel", "Patrick", "Kim",
)
SURNAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
    "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
    "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen",
    "Jakobsen", "Mikkelsen", "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund",
    "Holm", "Schmidt", "Eriksen", "Kristiansen", "Simonsen", "Clausen", "Svendsen",
    "Andreasen", "Iversen", "Østergaard", "Jeppesen", "Vestergaard", "Nissen", "Dam",
    "Ali", "Hussein", "Mohamed", "Ahmed", "Yilmaz", "Khan", "Nowak", "Kaya", "Abdi",
)
# Short forms a participant may prefer to be called by (kaldenavn).
PREFERRED = {
    "Mohammad": "Mo", "Christian": "Chris", "Nikolaj": "Nik", "Frederik": "Frede",
    "Charlotte": "Lotte", "Natasja": "Tasja", "Jeanette": "Nette",
    "Kirsten": "Kis", "Susanne": "Sanne", "Cecilie": "Cille", "Agnieszka": "Aga",
    "Tomasz": "Tom", "Patrick": "Pat",
}
PREFERRED_SHARE = 0.3  # of those whose first name has a common short form


def name_generator(seed: int) -> np.random.Generator:
    """The generator the names are drawn from, separate from the data's own."""
    return np.random.default_rng([seed, 0x6E616D65])


def draw_names(
    rng: np.random.Generator, gender: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(name, preferred name or None) for participants of the given genders ('K'/'M')."""
    n = len(gender)
    female = np.asarray(gender) == "K"
    first_k = np.array(FIRST_NAMES_K, dtype=object)[rng.integers(0, len(FIRST_NAMES_K), n)]
    first_m = np.array(FIRST_NAMES_M, dtype=object)[rng.integers(0, len(FIRST_NAMES_M), n)]
    first = np.where(female, first_k, first_m)
    surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    wants_short = rng.random(n) < PREFERRED_SHARE
    names = np.array([f"{f} {s}" for f, s in zip(first, surname, strict=True)], dtype=object)
    preferred = np.array(
        [PREFERRED.get(f) if w else None for f, w in zip(first, wants_short, strict=True)],
        dtype=object,
    )
    return names, preferred
