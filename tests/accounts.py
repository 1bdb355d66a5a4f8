"""Accounts for tests: create one per role, and sign an AppTest in as one of them.

An AppTest signs in the way the sign-in page does: by putting the user's id in the session state
(`auth.user_id`); the page then reads the account from the database the app uses.
"""

from __future__ import annotations

import importlib

from storage.db import Database, connect

PASSWORD = "correct horse battery staple"


def ensure_user(database: Database, role: str, username: str | None = None) -> int:
    """The id of the account `test-<role>` (created with PASSWORD when missing)."""
    from research.repository_users import create_user, user_by_name

    name = username or f"test-{role}"
    with database.write() as session:
        found = user_by_name(session, name)
        if found is not None:
            return found.id
        return create_user(session, name, role, PASSWORD, display_name=name, actor="tests").id


def sign_in(at, role: str = "researcher", database: Database | None = None):
    """Sign an AppTest in as the `role` account of the app's database; returns the AppTest."""
    at.session_state["auth.user_id"] = ensure_user(database or connect(), role)
    return at


def role_for(module: str, preferred: str = "researcher") -> str:
    """A role that may open the page `ui.pages.<module>`: `preferred` when it may."""
    roles = importlib.import_module(f"ui.pages.{module}").PAGE.roles
    return preferred if preferred in roles else roles[0]
