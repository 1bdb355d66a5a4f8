"""Show what redaction found before anything is stored, and let the researcher undo a false
positive. What is stored is the text after their choice (`keep`, indices into the findings)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from research.redaction import redact
from ui.lang import _
from ui.session_labels import finding_kind_names

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def escape(text: str) -> str:
    """Text shown literally in a markdown label (no formatting, links or colour codes)."""
    return _MARKDOWN.sub(r"\\\1", text)


def findings_review(
    items: Sequence[tuple[str, str, str]], key_prefix: str, *, limit: int = 200
) -> tuple[dict[str, list[int]], int]:
    """For each (where, label, text) with findings: the redacted text and a "keep" checkbox per
    finding. Returns ({where: kept finding indices}, number of findings)."""
    keep: dict[str, list[int]] = {}
    kinds = finding_kind_names()
    total = 0
    for where, label, text in items:
        redaction = redact(text)
        if not redaction.findings:
            continue
        with st.container(border=True):
            st.markdown(f"**{escape(label)}**")
            st.text(redaction.text)
            for index, finding in enumerate(redaction.findings):
                total += 1
                if total > limit:
                    break
                wanted = st.checkbox(
                    _("Keep “{value}”: it is not a {kind}").format(
                        value=escape(finding.original), kind=kinds.get(finding.kind.value, "")
                    ),
                    key=f"{key_prefix}.{where}.{index}",
                )
                if wanted:
                    keep.setdefault(where, []).append(index)
            if keep.get(where):
                st.caption(_("Will be stored as:"))
                st.text(redaction.without(keep[where]).text)
    if total > limit:
        st.caption(
            _("{count} more findings are redacted without a choice.").format(count=total - limit)
        )
    return keep, total
