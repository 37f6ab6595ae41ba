"""Masking personal data for anything a person sees: 张*, 138****5678, 4201**********1234."""

import re

PERSONAL_COLUMNS = {"customer_name", "id_number", "phone", "contact_phone", "note"}


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(phone)
    return digits[:3] + "****" + digits[-4:]


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
