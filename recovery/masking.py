"""Masking personal data for anything a person sees: 张*, 138****5678, 027****21,
4201**********1234."""

import re

PERSONAL_COLUMNS = {"customer_name", "id_number", "phone", "contact_phone", "note"}


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)


# A phone number is shown by its kind, never by its length: a mobile (11 digits starting 1,
# after any country code 86) as 138****5678; a landline written with its area code as that
# area code and its last 2 digits (027****21, 0755****21); any other number as its last 2
# digits (****50); a number too short to be a phone line, or no number, not at all (******).
MOBILE = re.compile(r"(?:86)?(1\d{10})")
LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})")
HIDDEN = "****"
SHORTEST_SHOWN = 7  # digits: the shortest landline without its area code


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if mobile := MOBILE.fullmatch(digits):
        number = mobile.group(1)
        return number[:3] + HIDDEN + number[-4:]
    if landline := LANDLINE.fullmatch(digits):
        return landline.group(1) + HIDDEN + landline.group(2)[-2:]
    if len(digits) < SHORTEST_SHOWN:
        return HIDDEN + "**"
    return HIDDEN + digits[-2:]


def mask_id_number(id_number: str | None) -> str | None:
    if not id_number:
        return id_number
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_text(text: str | None) -> str | None:
    """Free text (notes, whole rejected lines) may hold anything: show only its length,
    in a form that reads the same in every language."""
    if not text:
        return text
    return f"****** ({len(text)})"


MASKS = {
    "customer_name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "note": mask_text,
}


def mask_value(column: str | None, value: str | None) -> str | None:
    """A value shown next to its column name; a whole row (no column) is hidden."""
    if column is None:
        return mask_text(value)
    return MASKS.get(column, lambda v: v)(value)
