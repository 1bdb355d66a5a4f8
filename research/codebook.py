"""The codebook: a tree of tags that researchers attach to observations. Pure and immutable.

    book = Codebook().add(Tag("t1", "Identification")).add(Tag("t2", "КЕП", parent="t1"))
    book.path("t2")                       # "Identification/КЕП"
    result = book.merge("t2", "t9")       # result.codebook, result.mapping == {"t2": "t9", …}

Every edit returns a new `Codebook` and refuses, with a `UserError`, whatever breaks a rule: a name
that is empty, too long, contains "/" (it separates levels in paths) or repeats a sibling's name
(ignoring case); a colour not #RRGGBB; more than `MAX_DEPTH` levels; a move that makes a cycle;
deleting a tag still in use. Keys are opaque strings chosen by the caller (`new_key()` makes one);
an unknown key is a `UserError` too: in a shared app someone may just have deleted that tag.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from i18n import N_, UserError, translate

MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 5000
MAX_DEPTH = 10
SEPARATOR = "/"
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline stay
_KEEP = object()


@dataclass(frozen=True)
class Tag:
    """One code of the codebook; `parent` is the key of the parent tag, None at the top level."""

    key: str
    name: str
    parent: str | None = None
    description: str = ""
    colour: str | None = None  # "#RRGGBB"
    codable: bool = True  # False for a pure grouping tag (REFI-QDA isCodable)


@dataclass(frozen=True)
class MergeResult:
    codebook: Codebook
    mapping: dict[str, str]  # every removed key → the key that replaces it; re-point observations


class CodebookProblems(UserError):
    """Several problems found at once (an import), reported together with a line each."""

    def __init__(self, problems: Sequence[UserError]) -> None:
        super().__init__(
            N_("Problems found in the codebook: {count}. Fix them and try again."),
            count=len(problems),
        )
        self.problems = tuple(problems)

    def render(self, lang: str | None = None) -> str:
        lines = [super().render(lang), *(f"• {p.render(lang)}" for p in self.problems[:20])]
        if len(self.problems) > 20:
            lines.append(translate(N_("…and {count} more."), lang, count=len(self.problems) - 20))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


def new_key() -> str:
    """A fresh key for a new tag (a random UUID, which QDC export also uses as the tag's guid)."""
    return str(uuid.uuid4())


def clean_name(name: str) -> str:
    """A tag name as stored: NFC, no control characters, single spaces, no outer spaces."""
    if not isinstance(name, str):
        raise TypeError(f"a tag name must be a str, not {type(name).__name__}")
    return " ".join(_CONTROL.sub("", unicodedata.normalize("NFC", name)).split())


def clean_description(description: str) -> str:
    if not isinstance(description, str):
        raise TypeError(f"a description must be a str, not {type(description).__name__}")
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class Codebook:
    """Tags in display order: a tag's children are listed in the order they appear in `tags`."""

    tags: tuple[Tag, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))
        keys: dict[str, Tag] = {}
        for tag in self.tags:
            if not isinstance(tag, Tag):
                raise TypeError(f"a Codebook holds Tag objects, not {type(tag).__name__}")
            if not all(
                isinstance(v, str) for v in (tag.key, tag.parent or "", tag.name, tag.description)
            ):
                raise TypeError(f"key, parent, name and description must be str in {tag!r}")
            if tag.key in keys:
                raise ValueError(f"two tags share the key {tag.key!r}")
            keys[tag.key] = tag
        for tag in self.tags:
            seen = {tag.key}
            parent = tag.parent
            while parent is not None:
                if parent not in keys:
                    raise ValueError(f"tag {tag.key!r} has unknown parent {parent!r}")
                if parent in seen:
                    raise ValueError(f"tags {sorted(seen)!r} form a cycle")
                seen.add(parent)
                parent = keys[parent].parent

    # ------------------------------------------------------------------------------- reading

    @cached_property
    def _by_key(self) -> dict[str, Tag]:
        return {tag.key: tag for tag in self.tags}

    @cached_property
    def _children(self) -> dict[str | None, tuple[Tag, ...]]:
        children: dict[str | None, list[Tag]] = {}
        for tag in self.tags:
            children.setdefault(tag.parent, []).append(tag)
        return {parent: tuple(tags) for parent, tags in children.items()}

    def __len__(self) -> int:
        return len(self.tags)

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def find(self, key: str) -> Tag | None:
        return self._by_key.get(key)

    def get(self, key: str) -> Tag:
        """The tag with this key; a `UserError` when it is gone (deleted by someone else)."""
        tag = self._by_key.get(key)
        if tag is None:
            raise UserError(
                N_(
                    "The tag no longer exists; someone may have deleted or merged it. "
                    "Reload the page."
                )
            )
        return tag

    def children(self, key: str | None = None) -> tuple[Tag, ...]:
        """The tags directly under `key`; the top-level tags when `key` is None."""
        return self._children.get(key, ())

    def ancestors(self, key: str) -> tuple[Tag, ...]:
        """From the top-level tag down to the parent of `key`."""
        chain: list[Tag] = []
        parent = self.get(key).parent
        while parent is not None:
            chain.append(self._by_key[parent])
            parent = self._by_key[parent].parent
        return tuple(reversed(chain))

    def descendants(self, key: str) -> tuple[Tag, ...]:
        """Every tag below `key`, depth first."""
        self.get(key)
        return tuple(tag for _, tag in self.walk(key))

    def walk(self, key: str | None = None) -> Iterator[tuple[int, Tag]]:
        """(depth, tag) for every tag below `key` (the whole book when None), depth first."""
        stack = [(0, tag) for tag in reversed(self.children(key))]
        while stack:
            depth, tag = stack.pop()
            yield depth, tag
            stack.extend((depth + 1, child) for child in reversed(self.children(tag.key)))

    def path(self, key: str) -> str:
        """ "Identification/КЕП": the names from the top level down, joined by "/"."""
        return SEPARATOR.join(t.name for t in (*self.ancestors(key), self.get(key)))

    def by_path(self, path: str) -> Tag | None:
        """The tag at "Identification/КЕП" (names compared ignoring case), or None."""
        tag = None
        for name in path.split(SEPARATOR):
            wanted = clean_name(name).casefold()
            tag = next(
                (t for t in self.children(tag.key if tag else None) if t.name.casefold() == wanted),
                None,
            )
            if tag is None:
                return None
        return tag

    def problems(self) -> tuple[UserError, ...]:
        """Every broken rule in the book, each naming the tag's path."""
        problems: list[UserError] = []
        for depth, tag in self.walk():
            path = self.path(tag.key)
            problems.extend(_tag_problems(tag, path))
            if depth >= MAX_DEPTH:
                problems.append(
                    UserError(
                        N_("“{path}” is {depth} levels deep; a codebook can have up to {limit}."),
                        path=path,
                        depth=depth + 1,
                        limit=MAX_DEPTH,
                    )
                )
        for parent, siblings in self._children.items():
            seen: set[str] = set()
            for tag in siblings:
                folded = tag.name.casefold()
                if folded in seen and tag.name:
                    problems.append(_duplicate(tag.name, self.path(parent) if parent else None))
                seen.add(folded)
        return tuple(problems)

    # ------------------------------------------------------------------------------- editing

    def add(self, tag: Tag) -> Codebook:
        """The book with `tag` added as the last child of its parent."""
        if not isinstance(tag, Tag):
            raise TypeError(f"add() takes a Tag, not {type(tag).__name__}")
        if tag.key in self:
            raise ValueError(f"the key {tag.key!r} is already in the codebook")
        if tag.parent is not None:
            self.get(tag.parent)
        return self._checked((*self.tags, _cleaned(tag)))

    def update(
        self,
        key: str,
        *,
        name: str | object = _KEEP,
        description: str | object = _KEEP,
        colour: str | object | None = _KEEP,
        codable: bool | object = _KEEP,
    ) -> Codebook:
        """The book with some fields of one tag changed; `colour=None` removes the colour."""
        tag = self.get(key)
        changes = {
            field: value
            for field, value in (
                ("name", name),
                ("description", description),
                ("colour", colour),
                ("codable", codable),
            )
            if value is not _KEEP
        }
        changed = _cleaned(replace(tag, **changes))
        return self._checked(tuple(changed if t.key == key else t for t in self.tags))

    def rename(self, key: str, name: str) -> Codebook:
        return self.update(key, name=name)

    def move(self, key: str, parent: str | None) -> Codebook:
        """The book with `key` (and its sub-tags) moved under `parent`, as its last child."""
        tag = self.get(key)
        if parent is not None:
            self.get(parent)
            if parent == key or parent in {t.key for t in self.descendants(key)}:
                raise UserError(
                    N_("“{tag}” cannot be moved under itself or one of its own sub-tags."),
                    tag=self.path(key),
                )
        moved = replace(tag, parent=parent)
        return self._checked((*(t for t in self.tags if t.key != key), moved))

    def merge(self, source: str, target: str) -> MergeResult:
        """Fold `source` into `target`: its sub-tags move under `target`, and a sub-tag whose name
        `target` already has is merged into that one in turn. `target` keeps its name and fields
        (taking `source`'s description and colour where it has none). `mapping` tells the caller
        which tag each removed key's observations now belong to."""
        self.get(source)
        self.get(target)
        if source == target:
            raise UserError(N_("Choose two different tags to merge."))
        if target in {t.key for t in self.descendants(source)}:
            raise UserError(
                N_("“{source}” cannot be merged into its own sub-tag “{target}”."),
                source=self.path(source),
                target=self.path(target),
            )
        tags = {t.key: t for t in self.tags}
        order = [t.key for t in self.tags]
        mapping: dict[str, str] = {}

        def absorb(src: str, dst: str) -> None:
            mapping[src] = dst
            existing = {tags[k].name.casefold(): k for k in order if tags[k].parent == dst}
            for child in [k for k in order if tags[k].parent == src]:
                twin = existing.get(tags[child].name.casefold())
                if twin is not None:
                    absorb(child, twin)
                else:
                    tags[child] = replace(tags[child], parent=dst)
                    order.remove(child)
                    order.append(child)
            kept = tags[dst]
            tags[dst] = replace(
                kept,
                description=kept.description or tags[src].description,
                colour=kept.colour or tags[src].colour,
            )
            order.remove(src)
            del tags[src]

        absorb(source, target)
        return MergeResult(self._checked(tuple(tags[k] for k in order)), mapping)

    def delete(
        self, key: str, usage: Mapping[str, int], *, with_children: bool = False
    ) -> Codebook:
        """The book without `key`. Refused while observations use it (`usage`: key → number of
        observations), and while it has sub-tags unless `with_children` (then none may be used)."""
        if not isinstance(usage, Mapping):
            raise TypeError(
                f"usage must be a mapping of tag key to count, not {type(usage).__name__}"
            )
        removed = [self.get(key), *self.descendants(key)]
        if len(removed) > 1 and not with_children:
            raise UserError(
                N_("“{tag}” has sub-tags ({count}). Move or delete them first."),
                tag=self.path(key),
                count=len(removed) - 1,
            )
        used = sum(int(usage.get(t.key, 0)) for t in removed)
        if used:
            raise UserError(
                N_(
                    "“{tag}” is still used by observations ({count}). Merge it into another tag, "
                    "or remove it from those observations, before deleting it."
                ),
                tag=self.path(key),
                count=used,
            )
        gone = {t.key for t in removed}
        return Codebook(tuple(t for t in self.tags if t.key not in gone))

    def ensure_path(self, path: str) -> tuple[Codebook, Tag]:
        """The book with every level of "A/B/C" present (missing levels added), and the tag C."""
        book, parent = self, None
        names = [clean_name(name) for name in path.split(SEPARATOR)]
        for name in names:
            found = next(
                (t for t in book.children(parent) if t.name.casefold() == name.casefold()), None
            )
            if found is None:
                found = Tag(new_key(), name, parent)
                book = book.add(found)
            parent = found.key
        return book, book.get(parent)

    def _checked(self, tags: tuple[Tag, ...]) -> Codebook:
        """A new book from `tags`, refusing any problem the current book does not already have."""
        book = Codebook(tags)
        before = {_identity(p) for p in self.problems()}
        new = [p for p in book.problems() if _identity(p) not in before]
        if len(new) == 1:
            raise new[0]
        if new:
            raise CodebookProblems(new)
        return book


def _cleaned(tag: Tag) -> Tag:
    name, description = clean_name(tag.name), clean_description(tag.description)
    colour = tag.colour.upper() if isinstance(tag.colour, str) else tag.colour
    return replace(tag, name=name, description=description, colour=colour)


def _tag_problems(tag: Tag, path: str) -> list[UserError]:
    problems: list[UserError] = []
    where = path.rpartition(SEPARATOR)[0]
    if not tag.name.strip() and where:
        problems.append(
            UserError(N_("A tag in “{parent}” has no name. Give it a name."), parent=where)
        )
    elif not tag.name.strip():
        problems.append(UserError(N_("A top-level tag has no name. Give it a name.")))
    elif len(tag.name) > MAX_NAME_LENGTH:
        problems.append(
            UserError(
                N_("The tag name “{name}…” is {length} characters long; the limit is {limit}."),
                name=tag.name[:40],
                length=len(tag.name),
                limit=MAX_NAME_LENGTH,
            )
        )
    if SEPARATOR in tag.name:
        problems.append(
            UserError(
                N_(
                    "The tag name “{name}” contains “/”, which separates levels in tag paths. Use "
                    "another character, such as “-”."
                ),
                name=tag.name[:MAX_NAME_LENGTH],
            )
        )
    if len(tag.description) > MAX_DESCRIPTION_LENGTH:
        problems.append(
            UserError(
                N_("The description of “{tag}” is {length} characters long; the limit is {limit}."),
                tag=path,
                length=len(tag.description),
                limit=MAX_DESCRIPTION_LENGTH,
            )
        )
    if tag.colour is not None and not (
        isinstance(tag.colour, str) and _COLOUR.fullmatch(tag.colour)
    ):
        problems.append(
            UserError(
                N_("The colour of “{tag}” is not valid. Write it as #RRGGBB, for example #1F77B4."),
                tag=path,
            )
        )
    return problems


def _duplicate(name: str, parent_path: str | None) -> UserError:
    if parent_path is None:
        return UserError(
            N_("There is already a top-level tag called “{name}”. Choose another name."), name=name
        )
    return UserError(
        N_("There is already a tag called “{name}” in “{parent}”. Choose another name."),
        name=name,
        parent=parent_path,
    )


def _identity(problem: UserError) -> tuple:
    return problem.message, tuple(sorted((k, str(v)) for k, v in problem.params.items()))
