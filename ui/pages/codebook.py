"""The codebook: hierarchical tags for observations; add, rename, move, merge and delete them, and
exchange the codebook with QualCoder, Taguette, NVivo, ATLAS.ti and MAXQDA as REFI-QDA (.qdc)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import settings
from i18n import UserError
from research.codebook import Codebook
from research.repository_tags import (
    add_tag,
    delete_tag,
    export_codebook,
    import_codebook,
    load_codebook,
    merge_tags,
    move_tag,
    tag_usage,
    update_tag,
)
from ui import state
from ui.auth import require_page_role
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Codebook"),
    ":material/sell:",
    "codebook",
    order=43,
    roles=("admin", "researcher"),
)
TOP = "__top__"


def _run(action, *args, notice: str, **kwargs) -> None:
    try:
        with database().write() as session:
            action(session, *args, **kwargs)
    except UserError as err:
        st.error(err.render(current()), icon=":material/error:")
        return
    st.session_state[state.CODEBOOK_NOTICE] = notice
    st.rerun()


def _tree(book: Codebook, usage: dict[str, int]) -> None:
    if not len(book):
        st.info(_("The codebook is empty. Add a tag, import a .qdc file, or tag an observation."))
        return
    rows = [
        {
            _("Tag"): "\u2003" * depth + ("└ " if depth else "") + tag.name,
            _("Uses"): usage.get(tag.key, 0),
            _("Description"): tag.description,
        }
        for depth, tag in book.walk()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _tag_picker(label: str, book: Codebook, key: str, *, top: bool = False) -> str | None:
    options = ([TOP] if top else []) + [tag.key for _depth, tag in book.walk()]
    names = {TOP: _("(top level)")} | {tag.key: book.path(tag.key) for tag in book}
    return st.selectbox(
        label, options, format_func=names.get, index=None, placeholder=_("Choose a tag"), key=key
    )


def _edit(book: Codebook) -> None:
    add, rename, move, merge, delete = st.tabs(
        [_("Add"), _("Rename"), _("Move"), _("Merge"), _("Delete")]
    )
    with add:
        name = st.text_input(_("Name"), max_chars=100, key="codebook.add_name")
        parent = _tag_picker(_("Under"), book, "codebook.add_parent", top=True)
        description = st.text_area(_("Description"), max_chars=5000, key="codebook.add_desc")
        if st.button(_("Add tag"), type="primary", key="codebook.add"):
            _run(
                add_tag,
                name,
                None if parent in (None, TOP) else parent,
                description=description,
                notice=_("Tag added."),
            )
    with rename:
        key = _tag_picker(_("Tag"), book, "codebook.rename_tag")
        new = st.text_input(_("New name"), max_chars=100, key="codebook.rename_name")
        if st.button(_("Rename"), type="primary", key="codebook.rename") and key:
            _run(update_tag, key, name=new, notice=_("Tag renamed; its observations keep it."))
    with move:
        key = _tag_picker(_("Tag"), book, "codebook.move_tag")
        parent = _tag_picker(_("Move under"), book, "codebook.move_parent", top=True)
        if st.button(_("Move"), type="primary", key="codebook.move") and key and parent:
            _run(move_tag, key, None if parent == TOP else parent, notice=_("Tag moved."))
    with merge:
        st.caption(_("The first tag disappears; its observations and sub-tags go to the second."))
        source = _tag_picker(_("Merge this tag"), book, "codebook.merge_source")
        target = _tag_picker(_("into this tag"), book, "codebook.merge_target")
        if st.button(_("Merge"), type="primary", key="codebook.merge") and source and target:
            _run(merge_tags, source, target, notice=_("Tags merged; observations re-pointed."))
    with delete:
        key = _tag_picker(_("Tag"), book, "codebook.delete_tag")
        children = st.checkbox(_("With its sub-tags"), key="codebook.delete_children")
        if st.button(_("Delete"), type="primary", key="codebook.delete") and key:
            _run(delete_tag, key, with_children=children, notice=_("Tag deleted."))


def _exchange() -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**" + _("Export") + "**")
        with database().read() as session:
            data = export_codebook(session)
        st.download_button(
            _("Download the codebook (.qdc)"),
            data,
            file_name="opit-codebook.qdc",
            mime="application/xml",
            icon=":material/download:",
        )
        st.caption(_("REFI-QDA codebook: QualCoder, Taguette, NVivo, ATLAS.ti and MAXQDA read it."))
    with c2:
        st.markdown("**" + _("Import") + "**")
        upload = st.file_uploader(
            _("A .qdc codebook (or a .qde project)"),
            type=["qdc", "qde", "xml"],
            key="codebook.file",
        )
        if upload is not None and st.button(_("Import codebook"), key="codebook.import"):
            limit = settings.get_int("OPIT_MAX_UPLOAD_MB") * 1024 * 1024
            try:
                with database().write() as session:
                    result = import_codebook(session, upload.getvalue(), max_bytes=limit)
            except UserError as err:
                st.error(err.render(current()), icon=":material/error:")
                return
            st.session_state[state.CODEBOOK_NOTICE] = _(
                "Imported: {added} tags added, {updated} updated."
            ).format(added=result.added, updated=result.updated)
            st.rerun()


def render() -> None:
    st.title(_("Codebook"))
    require_page_role()
    notice = st.session_state.pop(state.CODEBOOK_NOTICE, None)
    if notice:
        st.success(notice)
    with database().read() as session:
        book = load_codebook(session)
        usage = tag_usage(session)
    _tree(book, usage)
    st.markdown("#### " + _("Change the codebook"))
    _edit(book)
    st.markdown("#### " + _("Exchange with QDA programs"))
    _exchange()
