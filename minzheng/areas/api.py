from __future__ import annotations

from ninja import Router, Schema

from minzheng.areas.selectors import area_list

router = Router(tags=["区划"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None


@router.get("", response=list[AreaOut], summary="本人管辖范围内的区划")
def list_areas(request, level: str | None = None):
    return [AreaOut(code=a.code, name=a.name, level=a.level, kind=a.kind, parent_code=a.parent_id)
            for a in area_list(user=request.auth, level=level)]
