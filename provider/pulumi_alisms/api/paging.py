"""Walking a paged list operation: every item once, page after page, until the total is reached."""

from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def every_item(
    list_page: Callable[[int], tuple[Sequence[T], int]], key: Callable[[T], Hashable], page_size: int
) -> Iterator[T]:
    """Items of pages 1, 2, ... (``list_page(page)`` gives the page's items and the total); each key once."""
    seen: set[Hashable] = set()
    page = 1
    while True:
        items, total = list_page(page)
        for item in items:
            identity = key(item)
            if identity not in seen:
                seen.add(identity)
                yield item
        if not items or page * page_size >= total:
            return
        page += 1
