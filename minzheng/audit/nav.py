from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("support", "审计日志", "audit:audit", Perm.AUDIT_VIEW, icon="shield-check", order=90),
]
