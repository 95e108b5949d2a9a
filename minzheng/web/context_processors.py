from __future__ import annotations

from django.conf import settings

from minzheng.web.navigation import menu_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_demo": getattr(settings, "MINZHENG_DEMO", False)}
    return {
        "nav_menu": menu_for(user, request.path),
        "shell_user": {
            "name": user.display_name,
            "role": user.get_role_display() or "未分配角色",
            "area": user.area.name if user.area_id else "未分配区划",
        },
        "is_demo": getattr(settings, "MINZHENG_DEMO", False),
    }
