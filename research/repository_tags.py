"""The codebook in the database: `tags` rows (a tree by parent id) and `observation_tags` links.

Every edit loads the codebook, applies the pure edit of `research.codebook` (which checks the
rules and raises `UserError`), and writes the result back; a merge re-points the observations of
the removed tags to the tag that absorbed them. Observations name tags by path ("A/B") when they
are logged; a path not in the codebook yet is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.codebook import SEPARATOR, Codebook, clean_name
from research.codebook import Tag as CodebookTag
from research.qdc import export_qdc, import_qdc
from storage.schema import ObservationTag, Tag

__all__ = [
    "CodebookImport",
    "add_tag",
    "delete_tag",
    "ensure_tag_paths",
    "export_codebook",
    "import_codebook",
    "load_codebook",
    "merge_tags",
    "move_tag",
    "set_observation_tags",
    "tag_usage",
    "tags_of_observations",
    "update_tag",
]


@dataclass(frozen=True)
class CodebookImport:
    added: int
    updated: int
    origin: str


def load_codebook(session: Session) -> Codebook:
    """The whole codebook, children in their stored order."""
    rows = session.execute(
        select(
            Tag.id, Tag.key, Tag.parent_id, Tag.name, Tag.description, Tag.colour, Tag.codable
        ).order_by(Tag.position, Tag.id)
    ).all()
    key_of = {row.id: row.key for row in rows}
    return Codebook(
        tuple(
            CodebookTag(
                key=row.key,
                name=row.name,
                parent=key_of.get(row.parent_id) if row.parent_id is not None else None,
                description=row.description,
                colour=row.colour,
                codable=row.codable,
            )
            for row in rows
        )
    )


def tag_usage(session: Session) -> dict[str, int]:
    """Tag key → number of observations that carry the tag itself (not its sub-tags)."""
    rows = session.execute(
        select(Tag.key, func.count(ObservationTag.observation_id))
        .join(ObservationTag, ObservationTag.tag_id == Tag.id)
        .group_by(Tag.key)
    )
    return {key: int(count) for key, count in rows}


def add_tag(
    session: Session,
    name: str,
    parent_key: str | None = None,
    *,
    description: str = "",
    colour: str | None = None,
) -> str:
    """Add a tag as the last child of `parent_key`; returns its key."""
    from research.codebook import new_key

    book = load_codebook(session)
    tag = CodebookTag(new_key(), name, parent_key, description, colour)
    _save(session, book.add(tag))
    return tag.key


def update_tag(session: Session, key: str, **changes: object) -> None:
    """Change name, description, colour or codable of one tag (a rename re-labels its uses)."""
    _save(session, load_codebook(session).update(key, **changes))


def move_tag(session: Session, key: str, parent_key: str | None) -> None:
    _save(session, load_codebook(session).move(key, parent_key))


def merge_tags(session: Session, source: str, target: str) -> dict[str, str]:
    """Fold `source` into `target`; observations of every removed tag now carry its replacement."""
    result = load_codebook(session).merge(source, target)
    _save(session, result.codebook, result.mapping)
    return dict(result.mapping)


def delete_tag(session: Session, key: str, *, with_children: bool = False) -> None:
    book = load_codebook(session)
    _save(session, book.delete(key, tag_usage(session), with_children=with_children))


def ensure_tag_paths(session: Session, paths: Iterable[str]) -> dict[str, int]:
    """Tag path → tag id, adding whatever levels are missing."""
    book = load_codebook(session)
    wanted: dict[str, str] = {}
    for path in paths:
        cleaned = _clean_path(path)
        if cleaned:
            book, tag = book.ensure_path(cleaned)
            wanted[path] = tag.key
    if not wanted:
        return {}
    ids = _save(session, book)
    return {path: ids[key] for path, key in wanted.items()}


def set_observation_tags(session: Session, observation_id: int, paths: Sequence[str]) -> None:
    """Replace the tags of one observation by `paths` (added to the codebook when new)."""
    ids = set(ensure_tag_paths(session, paths).values())
    session.execute(delete(ObservationTag).where(ObservationTag.observation_id == observation_id))
    if ids:
        session.execute(
            insert(ObservationTag), [{"observation_id": observation_id, "tag_id": t} for t in ids]
        )


def tags_of_observations(session: Session, observation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Observation id → the paths of its tags, in codebook order."""
    ids = list(observation_ids)
    if not ids:
        return {}
    book = load_codebook(session)
    order = {tag.key: n for n, tag in enumerate(book)}
    rows = session.execute(
        select(ObservationTag.observation_id, Tag.key)
        .join(Tag, Tag.id == ObservationTag.tag_id)
        .where(ObservationTag.observation_id.in_(ids))
    )
    found: dict[int, list[str]] = {i: [] for i in ids}
    for observation_id, key in sorted(rows, key=lambda r: order.get(r[1], 0)):
        found[observation_id].append(book.path(key))
    return found


def export_codebook(session: Session) -> bytes:
    """The codebook as a REFI-QDA .qdc file."""
    return export_qdc(load_codebook(session))


def import_codebook(
    session: Session, data: bytes, *, max_bytes: int | None = None
) -> CodebookImport:
    """Merge a .qdc codebook into ours: a code with a known guid, or at a known path, updates
    that tag; any other code is added. Nothing is deleted."""
    imported = import_qdc(data) if max_bytes is None else import_qdc(data, max_bytes=max_bytes)
    book = load_codebook(session)
    key_map: dict[str, str] = {}
    added = updated = 0
    for _depth, tag in imported.codebook.walk():
        parent = key_map.get(tag.parent) if tag.parent else None
        path = imported.codebook.path(tag.key)
        existing = book.find(tag.key) or book.by_path(path)
        if existing is None:
            book = book.add(
                CodebookTag(tag.key, tag.name, parent, tag.description, tag.colour, tag.codable)
            )
            key_map[tag.key] = tag.key
            added += 1
            continue
        key_map[tag.key] = existing.key
        changes = {
            "name": tag.name,
            "description": tag.description or existing.description,
            "colour": tag.colour or existing.colour,
            "codable": tag.codable,
        }
        if any(getattr(existing, field) != value for field, value in changes.items()):
            book = book.update(existing.key, **changes)
            updated += 1
        if existing.parent != parent:
            book = book.move(existing.key, parent)
            updated += 1
    _save(session, book)
    return CodebookImport(added, updated, imported.origin[:100])


# ------------------------------------------------------------------------------------ writing


def _clean_path(path: str) -> str:
    names = [clean_name(name) for name in str(path).split(SEPARATOR)]
    return SEPARATOR.join(name for name in names if name)


def _save(session: Session, book: Codebook, mapping: Mapping[str, str] | None = None) -> dict:
    """Write `book` over the stored codebook; returns tag key → id."""
    rows = {row.key: row for row in session.scalars(select(Tag))}
    for tag in book:
        if tag.parent is not None and tag.parent not in rows and tag.parent not in book:
            raise UserError(N_("The tag no longer exists; someone may have deleted or merged it."))
    ids: dict[str, int] = {}
    for position, (_depth, tag) in enumerate(book.walk()):
        row = rows.get(tag.key)
        if row is None:
            row = Tag(key=tag.key)
            session.add(row)
            rows[tag.key] = row
        row.parent_id = ids[tag.parent] if tag.parent is not None else None
        row.name = tag.name
        row.description = tag.description
        row.colour = tag.colour
        row.codable = tag.codable
        row.position = position
        if row.id is None:
            session.flush()
        ids[tag.key] = row.id
    session.flush()
    for old, new in (mapping or {}).items():
        if old in rows and new in ids:
            _repoint(session, rows[old].id, ids[new])
    gone = [row.id for key, row in rows.items() if key not in ids]
    if gone:
        session.execute(delete(ObservationTag).where(ObservationTag.tag_id.in_(gone)))
        session.execute(delete(Tag).where(Tag.id.in_(gone)))
        session.expire_all()
    return ids


def _repoint(session: Session, old_id: int, new_id: int) -> None:
    """Observations tagged `old_id` are tagged `new_id` instead (once)."""
    already = select(ObservationTag.observation_id).where(ObservationTag.tag_id == new_id)
    moving = session.scalars(
        select(ObservationTag.observation_id).where(
            ObservationTag.tag_id == old_id, ObservationTag.observation_id.not_in(already)
        )
    ).all()
    session.execute(delete(ObservationTag).where(ObservationTag.tag_id == old_id))
    if moving:
        session.execute(
            insert(ObservationTag), [{"observation_id": o, "tag_id": new_id} for o in moving]
        )
