"""Screenshots of a prototype: upload (images only, size-limited, checked), view, delete."""

from __future__ import annotations

import streamlit as st

import settings
from i18n import UserError
from prototypes.images import check_image
from prototypes.repository import IterationInfo, PrototypeInfo
from prototypes.repository_iterations import (
    add_screenshot,
    delete_screenshot,
    screenshot_data,
    screenshots,
)
from ui import state
from ui.context import iteration_label
from ui.database import database
from ui.journey_actions import act
from ui.lang import _, current

FLASH = state.PROTOTYPES_FLASH
IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "webp"]


def _upload_form(prototype: PrototypeInfo, its: list[IterationInfo]) -> None:
    limit_mb = settings.get_int("OPIT_MAX_UPLOAD_MB")
    with st.form(f"prototypes.upload.{prototype.id}", clear_on_submit=True):
        upload = st.file_uploader(
            _("Add a screenshot (PNG, JPEG, GIF or WebP, at most {limit} MB)").format(
                limit=limit_mb
            ),
            type=IMAGE_TYPES,
            max_upload_size=limit_mb,
        )
        options: list[int | None] = [None, *[it.id for it in reversed(its)]]
        by_id = {it.id: it for it in its}
        iteration_id = st.selectbox(
            _("Shows iteration"),
            options,
            index=1 if len(options) > 1 else 0,
            format_func=lambda i: iteration_label(by_id[i]) if i else _("(any)"),
        )
        if not st.form_submit_button(_("Upload")):
            return
    if upload is None:
        st.error(_("Choose an image file first."))
        return
    try:
        image = check_image(upload.getvalue(), upload.name, limit_mb * 1_000_000)
    except UserError as err:
        st.error(err.render(current()))
        return
    act(
        lambda s: add_screenshot(s, prototype.id, image, iteration_id),
        _("Screenshot added."),
        FLASH,
    )


def screenshot_panel(prototype: PrototypeInfo, its: list[IterationInfo]) -> None:
    st.markdown("#### " + _("Screenshots"))
    with database().read() as session:
        shots = screenshots(session, prototype.id)
    by_id = {it.id: it for it in its}
    if not shots:
        st.caption(_("No screenshot yet."))
    columns = st.columns(4)
    for index, shot in enumerate(shots):
        with columns[index % 4]:
            with database().read() as session:
                data = screenshot_data(session, shot.id)
            caption = shot.filename
            if shot.iteration_id in by_id:
                caption += " · " + iteration_label(by_id[shot.iteration_id])
            st.image(data, caption=caption, width="stretch")
            if st.button(
                _("Delete"), key=f"prototypes.shot_delete.{shot.id}", icon=":material/delete:"
            ):
                act(lambda s, i=shot.id: delete_screenshot(s, i), _("Screenshot deleted."), FLASH)
    _upload_form(prototype, its)
