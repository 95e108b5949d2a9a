from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("system", "用户管理", "accounts:user_list", Perm.USER_MANAGE, icon="people", order=10),
    NavEntry("system", "安全管理", "accounts:security", Perm.SECURITY_MANAGE, icon="shield-lock", order=20),
]
