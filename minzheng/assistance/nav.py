from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("assistance", "救助申请", "assistance:application_list", Perm.ASSISTANCE_VIEW, icon="file-earmark-text",
             order=30, match_prefix="/assistance/applications/"),
    NavEntry("assistance", "救助对象", "assistance:enrollment_list", Perm.ASSISTANCE_VIEW, icon="people",
             order=40, match_prefix="/assistance/enrollments/"),
]
