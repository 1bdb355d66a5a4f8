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

#: the signed-in user's id (tests sign in by setting it), when they signed in, when last active
AUTH_USER_ID = "auth.user_id"
AUTH_SIGNED_IN_AT = "auth.signed_in_at"
AUTH_LAST_SEEN = "auth.last_seen"
AUTH_NOTICE = "auth.notice"
ADMIN_NEW_PASSWORD = "admin_users.new_password"
RETENTION_EXPORT = "retention.export"


def public_answer(name: str, item: int | None = None) -> str:
    """Widget key of a question (or of one SUS item) on the public form."""
    return f"public.q.{name}" if item is None else f"public.q.{name}.{item}"


def public_other(name: str) -> str:
    return f"public.other.{name}"


#: the public form's draft id (?d=, also the submission id), its answers, and the screen shown
PUBLIC_DRAFT_ID = "public.draft_id"
PUBLIC_ANSWERS = "public.answers"
PUBLIC_OTHERS = "public.others"
PUBLIC_SCREEN = "public.screen"
QUESTIONNAIRES_ID = "questionnaires.id"
QUESTIONNAIRES_QUESTION = "questionnaires.question"
QUESTIONNAIRES_NOTICE = "questionnaires.notice"
QUESTIONNAIRES_VERSION_HINT = "questionnaires.version_hint"
QUESTIONNAIRES_PREVIEW_LANGUAGE = "questionnaires.preview_language"
RESPONSE_IMPORT_QUESTIONNAIRE = "response_import.questionnaire_id"
RESPONSE_IMPORT_SUMMARY = "response_import.summary"


def preview_answer(name: str, item: int | None = None) -> str:
    """Widget key of a question (or of one SUS item) in the builder's preview."""
    base = f"questionnaires.preview.{name}"
    return base if item is None else f"{base}.{item}"


def preview_other(name: str) -> str:
    return f"questionnaires.preview_other.{name}"


SESSION_FORM = "sessions.form"
SESSION_SAVED = "sessions.saved"
#: the draft being logged (its key is also the page's ?draft= query parameter)
SESSION_DRAFT = "sessions.draft"
SESSION_DRAFT_DATA = "sessions.draft_data"
SESSION_DRAFT_SAVED_AT = "sessions.draft_saved_at"
SESSION_ERROR = "sessions.error"
SESSION_REVIEW = "sessions.review"
SESSION_CONFLICT = "sessions.conflict"
SESSION_SELECTED = "sessions.selected"
PARTICIPANTS_SELECTED = "participants.selected"
PARTICIPANTS_ADDED = "participants.added"
TRANSCRIPTS_SESSION = "transcripts.session"
CODEBOOK_NOTICE = "codebook.notice"
DECISIONS_FLASH = "decisions.flash"
DECISIONS_SELECTED = "decisions.selected"


def session_widget(draft_key: str, name: str) -> str:
    """Widget key of one field of the session draft being logged."""
    return f"sessions.d.{draft_key[:12]}.{name}"


LIFE_EVENTS_ID = "life_events.id"
LIFE_EVENTS_FLASH = "life_events.flash"
LIFE_EVENTS_SCOPE = "life_events.scope"
PROTOTYPES_FLASH = "prototypes.flash"
#: the themes page: the theme being edited, the message after a change, and its widgets
ANALYSIS_EDIT = "analysis.edit"
ANALYSIS_FLASH = "analysis.flash"
ANALYSIS_SOURCES = "analysis.sources"
ANALYSIS_LANGUAGES = "analysis.languages"
ANALYSIS_SENTIMENTS = "analysis.sentiments"
ANALYSIS_STEP = "analysis.step"
ANALYSIS_SEARCH = "analysis.search"
ANALYSIS_THEMES_WANTED = "analysis.themes_wanted"
