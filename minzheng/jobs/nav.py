from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

ENTRIES = [
    NavEntry("system", "后台任务", "jobs:job_list", Perm.JOB_VIEW, icon="hourglass-split", order=50),
]
