from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("assistance", "人员", "registry:person_list", Perm.REGISTRY_VIEW, icon="person-vcard", order=10),
    NavEntry("assistance", "家庭", "registry:household_list", Perm.REGISTRY_VIEW, icon="house-heart", order=20),
]
