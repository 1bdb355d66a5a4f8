"""Names shown for interview values, and who is acting, for the interview pages."""

from __future__ import annotations

from ui.auth import current_user
from ui.lang import _


def outcome_names() -> dict[str, str]:
    return {
        "success": _("Success"),
        "partial": _("Partial"),
        "fail": _("Fail"),
        "abandoned": _("Abandoned"),
    }


def kind_names() -> dict[str, str]:
    return {
        "pain_point": _("Pain point"),
        "quote": _("Quote"),
        "idea": _("Idea"),
        "positive": _("Positive"),
    }


def participant_kind_names() -> dict[str, str]:
    return {"citizen": _("Citizen"), "staff": _("Municipal staff"), "erased": _("Erased")}


def segment_names() -> dict[str, str]:
    return {
        "age_band": _("Age band"),
        "district": _("District"),
        "digital_confidence": _("Digital confidence"),
        "assistive_technology": _("Assistive technology"),
        "first_language": _("First language"),
    }


def segment_label(key: str) -> str:
    return segment_names().get(key, key.replace("_", " ").capitalize())


def severity_names() -> dict[int, str]:
    return {
        1: _("1 · cosmetic"),
        2: _("2 · minor"),
        3: _("3 · major"),
        4: _("4 · blocker"),
    }


def finding_kind_names() -> dict[str, str]:
    return {
        "egn": _("personal number (ЕГН)"),
        "lnch": _("foreigner's number (ЛНЧ)"),
        "phone": _("phone number"),
        "email": _("e-mail address"),
        "iban": _("bank account (IBAN)"),
        "card": _("payment card"),
        "id_card": _("identity card number"),
        "address": _("address"),
    }


def actor() -> tuple[str, int | None]:
    """(username, user id) of the person signed in; ("staff", None) when nobody is."""
    user = current_user()
    return (user.username, user.id) if user is not None else ("staff", None)


def kind_and_segment_filters(columns, known: dict[str, list[str]], key_prefix: str) -> dict:
    """Three boxes in the first three of `columns`: participant kind, a segment attribute and its
    value (from `known`); returns the filters as `participants()` and `sessions_of_iteration()`
    take them (`kind`, `segment`)."""
    kinds = participant_kind_names()
    kind = columns[0].selectbox(
        _("Kind"),
        ["citizen", "staff"],
        format_func=kinds.get,
        index=None,
        placeholder=_("All"),
        key=f"{key_prefix}.filter_kind",
    )
    attribute = columns[1].selectbox(
        _("Segment"),
        list(known),
        format_func=segment_label,
        index=None,
        placeholder=_("All"),
        key=f"{key_prefix}.filter_attribute",
    )
    value = columns[2].selectbox(
        _("Value"),
        known.get(attribute, []),
        index=None,
        placeholder=_("All"),
        key=f"{key_prefix}.filter_value",
        disabled=attribute is None,
    )
    return {"kind": kind, "segment": {attribute: value} if attribute and value else None}
