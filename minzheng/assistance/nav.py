from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("assistance", "救助申请", "assistance:application_list", Perm.ASSISTANCE_VIEW, icon="file-earmark-text",
             order=30, match_prefix="/assistance/applications/"),
    NavEntry("assistance", "救助对象", "assistance:enrollment_list", Perm.ASSISTANCE_VIEW, icon="people",
             order=40, match_prefix="/assistance/enrollments/"),
    NavEntry("assistance", "临时救助", "assistance:temp_aid_list", Perm.ASSISTANCE_VIEW, icon="life-preserver",
             order=42, match_prefix="/assistance/temp-aid/"),
    NavEntry("assistance", "逾期事项", "assistance:overdue", Perm.ASSISTANCE_VIEW, icon="alarm",
             order=45, match_prefix="/assistance/overdue/"),
    NavEntry("assistance", "政策模拟", "assistance:simulation", Perm.ASSISTANCE_SIMULATE, icon="graph-up-arrow",
             order=50, match_prefix="/assistance/simulations/"),
]
