from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("support", "节假日设置", "calendar:calendar", Perm.CALENDAR_VIEW, icon="calendar3", order=85),
]
