"""Reads of areas. Areas are few and change rarely, so names are served from a small in-process cache
that every write clears."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area


def area_list(*, user, level: AreaLevel | None = None, within: str | None = None) -> QuerySet[Area]:
    """Areas the user may see: their own area, everything under it and the chain above it."""
    scope = user.area_prefix
    qs = Area.objects.filter(code__startswith=scope).select_related("parent")
    if within:
        qs = qs.filter(code__startswith=within)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


@lru_cache(maxsize=1)
def _area_index() -> dict[str, tuple[str, str | None, str]]:
    return {code: (name, parent_id, level)
            for code, name, parent_id, level in Area.objects.values_list("code", "name", "parent_id", "level")}


def clear_area_cache() -> None:
    _area_index.cache_clear()


def area_name(code: str | None) -> str:
    if not code:
        return ""
    entry = _area_index().get(code)
    return entry[0] if entry else code


def area_path(code: str | None, *, from_level: AreaLevel = AreaLevel.TOWN) -> str:
    """"毛集镇·毛集村": the names from ``from_level`` down to the area itself."""
    if not code:
        return ""
    index = _area_index()
    names: list[str] = []
    node = code
    order = [AreaLevel.VILLAGE, AreaLevel.TOWN, AreaLevel.DISTRICT]
    stop_after = order.index(from_level)
    while node and node in index:
        name, parent, level = index[node]
        if order.index(AreaLevel(level)) > stop_after:
            break
        names.append(name)
        node = parent
    return "·".join(reversed(names)) if names else code


def area_choices(*, user, levels: tuple[AreaLevel, ...] = (AreaLevel.VILLAGE,)) -> list[tuple[str, str]]:
    return [(area.code, area_path(area.code)) for area in area_list(user=user).filter(level__in=levels)]
