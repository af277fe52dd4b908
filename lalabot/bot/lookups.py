"""The queries of recent /topic lookups, for their page buttons."""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["RecentLookups"]


class RecentLookups:
    """Queries by lookup id (the /topic interaction's id), at most `size` of them: the one
    least recently shown is forgotten first. A query is up to 200 characters, too long for a
    button's custom_id, so the buttons carry the id and this keeps the text: plain strings in
    one dict, which the garbage collector never has to walk, however many pagers are open."""

    def __init__(self, size: int = 10_000) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._queries: OrderedDict[int, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._queries)

    def remember(self, lookup_id: int, query: str) -> None:
        self._queries[lookup_id] = query
        self._queries.move_to_end(lookup_id)
        while len(self._queries) > self.size:
            self._queries.popitem(last=False)

    def get(self, lookup_id: int) -> str | None:
        """The query, or None if forgotten (a restart, or `size` newer lookups since)."""
        query = self._queries.get(lookup_id)
        if query is not None:
            self._queries.move_to_end(lookup_id)
        return query

    def clear(self) -> None:
        self._queries.clear()
