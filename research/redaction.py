"""Personal-data redaction for every free text Opit stores: notes, observations, answers.

    >>> r = redact("Обадете се на 0888 123 456 или пишете на ivan@abv.bg.")
    >>> r.text
    'Обадете се на [ТЕЛЕФОН] или пишете на [ИМЕЙЛ].'
    >>> [f.kind.value for f in r.findings]
    ['phone', 'email']
    >>> r.without([1]).text  # the researcher undoes a false positive before saving
    'Обадете се на [ТЕЛЕФОН] или пишете на ivan@abv.bg.'

Findings carry positions in the original text. Their ``repr`` leaves the original value out, and no
error message here quotes it, so a finding or an exception can be logged safely.

Overlapping candidates are resolved to cover as much of the text as possible (the longest wins;
on the same span the most specific kind: IBAN, card, ЕГН, ЛНЧ, ID card, phone, e-mail, address). If
the chosen ones would leave part of a dropped candidate readable, the overlapping group is
redacted as one finding instead, so no partial personal number ever survives.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from research.redaction_patterns import PLACEHOLDERS, RANK, Candidate, Kind, find_all

__all__ = [
    "PLACEHOLDERS",
    "Finding",
    "Kind",
    "Redaction",
    "apply_redaction",
    "redact",
    "redact_text",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind, where it is in the original text, its placeholder."""

    kind: Kind
    start: int
    end: int
    original: str = field(repr=False)
    placeholder: str


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text, what was found, and the source kept (out of repr) to undo findings."""

    text: str
    findings: tuple[Finding, ...]
    source: str = field(repr=False)

    def without(self, indices: Iterable[int]) -> Redaction:
        """The same redaction with the findings at ``indices`` undone (their original text back)."""
        undo = _indices(indices, len(self.findings))
        kept = tuple(f for i, f in enumerate(self.findings) if i not in undo)
        return Redaction(apply_redaction(self.source, self.findings, undo), kept, self.source)

    def placeholder_spans(self) -> tuple[tuple[int, int], ...]:
        """Where each finding's placeholder stands in ``text``, in the order of ``findings``."""
        spans, shift = [], 0
        for f in self.findings:
            start = f.start + shift
            spans.append((start, start + len(f.placeholder)))
            shift += len(f.placeholder) - (f.end - f.start)
        return tuple(spans)


def redact(text: str) -> Redaction:
    """Find personal data in ``text`` and replace each piece with its typed placeholder."""
    if not isinstance(text, str):
        raise TypeError(f"redact() expects str, got {type(text).__name__}")
    findings = tuple(
        Finding(kind, start, end, text[start:end], PLACEHOLDERS[kind])
        for start, end, kind in _resolve(find_all(text), text)
    )
    return Redaction(_replace(text, findings, frozenset()), findings, text)


def redact_text(text: str) -> str:
    """Only the redacted text."""
    return redact(text).text


def apply_redaction(text: str, findings: Sequence[Finding], keep: Iterable[int] = ()) -> str:
    """Replace ``findings`` in ``text`` by their placeholders, except those at indices ``keep``.

    ``findings`` must come from redacting this very text: each must cover its original value and
    none may overlap another.
    """
    keep_set = _indices(keep, len(findings))
    order = sorted(range(len(findings)), key=lambda i: (findings[i].start, findings[i].end))
    previous_end = 0
    for i in order:
        f = findings[i]
        if not 0 <= f.start <= f.end <= len(text) or text[f.start : f.end] != f.original:
            raise ValueError(
                f"finding {i} ({f.kind.value} at {f.start}-{f.end}) is not in the text"
            )
        if f.start < previous_end:
            raise ValueError(f"finding {i} ({f.kind.value} at {f.start}-{f.end}) overlaps another")
        previous_end = f.end
    kept_in_order = frozenset(k for k, i in enumerate(order) if i in keep_set)
    return _replace(text, [findings[i] for i in order], kept_in_order)


def _indices(indices: Iterable[int], count: int) -> frozenset[int]:
    chosen = frozenset(indices)
    for i in chosen:
        if not isinstance(i, int) or not 0 <= i < count:
            raise IndexError(f"no finding at index {i!r}; there are {count}")
    return chosen


def _replace(text: str, findings: Sequence[Finding], keep: frozenset[int]) -> str:
    """Findings sorted and not overlapping; those at indices ``keep`` stay as they are."""
    parts, position = [], 0
    for i, f in enumerate(findings):
        if i in keep:
            continue
        parts.append(text[position : f.start])
        parts.append(f.placeholder)
        position = f.end
    parts.append(text[position:])
    return "".join(parts)


def _resolve(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Non-overlapping findings, in order, from possibly overlapping candidates."""
    if len(candidates) < 2:
        return candidates
    candidates = sorted(set(candidates), key=lambda c: (c[0], c[1], RANK[c[2]]))
    resolved: list[Candidate] = []
    cluster: list[Candidate] = []
    cluster_end = -1
    for c in candidates:
        if cluster and c[0] >= cluster_end:
            resolved.extend(_resolve_cluster(cluster, text))
            cluster = []
        cluster.append(c)
        cluster_end = max(cluster_end, c[1]) if len(cluster) > 1 else c[1]
    resolved.extend(_resolve_cluster(cluster, text))
    return resolved


def _resolve_cluster(cluster: list[Candidate], text: str) -> list[Candidate]:
    """Weighted interval scheduling: cover the most text; on equal spans the more specific kind."""
    if len(cluster) == 1:
        return cluster
    by_end = sorted(cluster, key=lambda c: (c[1], c[0], RANK[c[2]]))
    ends = [c[1] for c in by_end]
    best = [(0, ())] * (len(by_end) + 1)  # best[k]: the best choice among the first k candidates
    for k, (start, end, kind) in enumerate(by_end, 1):
        weight = (end - start) * 16 + (15 - RANK[kind])
        before = bisect_right(ends, start, 0, k - 1)
        take = (best[before][0] + weight, (*best[before][1], k - 1))
        best[k] = take if take[0] > best[k - 1][0] else best[k - 1]
    chosen = [by_end[k] for k in best[-1][1]]
    covered = set()
    for start, end, _ in chosen:
        covered.update(range(start, end))
    for start, end, _ in cluster:
        if any(text[i].isalnum() for i in range(start, end) if i not in covered):
            # Dropping this candidate would leave part of it readable: redact the group as one.
            main = max(chosen, key=lambda c: (c[1] - c[0], -RANK[c[2]]))
            return [(min(c[0] for c in cluster), max(c[1] for c in cluster), main[2])]
    return sorted(chosen)
