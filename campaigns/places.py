"""Place and agency names as Spanish text needs them: "el condado de Etowah", "la parroquia de
Orleans", "la Oficina del Sheriff del condado de Etowah", "el Departamento de Policía de Foley".

Names come from the Census and ICE in English. Inside a Spanish sentence "Etowah County" reads
as a foreign body, so the common shapes are rewritten; anything else keeps its English name,
which is still right, only less natural. Names carry their article ("el condado de X"), so the
sentence writes "de {county}" and `contract_articles` turns "de el" into "del", "a el" into "al".
"""

import re

# Census suffix -> Spanish, with its article. Longest suffixes first ("City and Borough").
_PLACE_SUFFIXES = [
    (" City and Borough", "la ciudad y distrito de {}"),
    (" Census Area", "el área censal de {}"),
    (" County", "el condado de {}"),
    (" Parish", "la parroquia de {}"),  # Louisiana
    (" Borough", "el distrito de {}"),  # Alaska
    (" Municipality", "el municipio de {}"),  # Alaska
    (" Municipio", "el municipio de {}"),  # Puerto Rico
    (" city", "la ciudad independiente de {}"),  # Virginia, Baltimore, St. Louis
]
_WHOLE_PLACES = {"District of Columbia": "el Distrito de Columbia"}

_SHERIFF = r"Sheriff(?:'|’)?s?\s+(?:Office|Department)"
# Agency shapes -> Spanish; {place} is the place in Spanish (with its article), {name} as is.
_AGENCY_RULES = [
    (re.compile(rf"^(?P<place>.+ (?:County|Parish)) {_SHERIFF}$"), "la Oficina del Sheriff de {place}"),
    (re.compile(rf"^(?:City of )?(?P<name>.+?) {_SHERIFF}$"), "la Oficina del Sheriff de {name}"),
    (re.compile(r"^(?P<place>.+ (?:County|Parish)) (?:Jail|Detention Center)$"), "la cárcel de {place}"),
    (re.compile(r"^(?P<place>.+ (?:County|Parish)) Department of Corrections$"), "el Departamento Correccional de {place}"),
    (re.compile(r"^(?:City of )?(?P<name>.+?) Police Department$"), "el Departamento de Policía de {name}"),
]  # fmt: skip


def place_name(county_name: str, state: str = "", language: str = "es", *, article=True) -> str:
    """A county (or parish, independent city, borough) as a sentence in `language` names it.

    In Spanish, with its article: "el condado de Etowah"; without: "condado de Etowah" (for a
    heading, with capfirst). In English, or when no rule applies, the name as given.
    """
    if not language.startswith("es") or not county_name:
        return county_name
    spanish = _WHOLE_PLACES.get(county_name)
    if spanish is None:
        for suffix, pattern in _PLACE_SUFFIXES:
            stem = county_name.removesuffix(suffix)
            if stem != county_name and stem.strip():
                if suffix == " city" and state.upper() not in ("VA", "MD", "MO"):
                    continue
                spanish = pattern.format(stem)
                break
    if spanish is None:
        return county_name
    return spanish if article else spanish.split(" ", 1)[1]


def agency_name(name: str, language: str = "es", *, article=True) -> str:
    """An agency as a Spanish sentence names it: "la Oficina del Sheriff del condado de Etowah"."""
    if not language.startswith("es") or not name:
        return name
    for pattern, spanish in _AGENCY_RULES:
        match = pattern.match(name.strip())
        if match:
            parts = match.groupdict()
            if "place" in parts:
                parts["place"] = place_name(parts["place"], language="es")
            result = contract_articles(spanish.format(**parts))
            return result if article else result.split(" ", 1)[1]
    return name


def campaign_place(campaign, language: str, *, article=True) -> str:
    """The campaign's place: its county in `language`, or its agency when it has no county."""
    if campaign.county_id is None:
        return agency_name(campaign.name, language, article=article)
    return place_name(campaign.name, campaign.state, language, article=article)


def contract_articles(text: str) -> str:
    """Spanish contractions where a name with its article follows "de" or "a": "de el condado"
    -> "del condado", "A el sheriff" -> "Al sheriff". A proper name's "El" ("de El Paso") stays.
    """
    text = re.sub(r"\b([Dd])e el\b", r"\1el", text)
    return re.sub(r"\b([Aa]) el\b", r"\1l", text)
