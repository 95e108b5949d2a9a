from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("support", "行政区划", "areas:area_list", Perm.AREA_VIEW, icon="geo-alt", order=80),
]
