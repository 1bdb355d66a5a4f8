"""Every st.session_state key the app uses, in one place, prefixed by the page that owns it.

Only ids and small values go in session state: never database sessions or ORM objects.
"""

LANGUAGE = "app.language"
PROTOTYPE_ID = "app.prototype_id"
ITERATION_ID = "app.iteration_id"

PUBLIC_SUBMISSION_ID = "public.submission_id"
PUBLIC_DONE = "public.done"
PUBLIC_ERRORS = "public.errors"
PUBLIC_FAILED = "public.failed"
PUBLIC_LANGUAGE = "public.language"


def public_answer(name: str, item: int | None = None) -> str:
    """Widget key of a question (or of one SUS item) on the public form."""
    return f"public.q.{name}" if item is None else f"public.q.{name}.{item}"


def public_other(name: str) -> str:
    return f"public.other.{name}"


SESSION_FORM = "sessions.form"
SESSION_SAVED = "sessions.saved"
