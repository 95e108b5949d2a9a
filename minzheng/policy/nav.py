from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("assistance", "政策参数", "policy:parameter_list", Perm.POLICY_VIEW, icon="sliders", order=90),
]
