from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

# 低收入人口动态监测 belongs to work point 三 (分层分类: precise identification, dynamic monitoring): 二、社会救助.
ENTRIES = [
    NavEntry("assistance", "监测预警", "monitoring:dashboard", Perm.MONITORING_VIEW, icon="activity",
             order=70),
    NavEntry("assistance", "预警任务", "monitoring:alert_list", Perm.MONITORING_VIEW, icon="bell",
             order=72, match_prefix="/monitoring/alerts/"),
    NavEntry("assistance", "数据比对", "monitoring:run_list", Perm.MONITORING_VIEW, icon="intersect",
             order=74, match_prefix="/monitoring/runs/"),
    NavEntry("assistance", "数据来源", "monitoring:feed_list", Perm.FEED_MANAGE, icon="database-down",
             order=76, match_prefix="/monitoring/feeds/"),
    NavEntry("assistance", "待确认匹配", "monitoring:candidate_list", Perm.CANDIDATE_CONFIRM, icon="person-check",
             order=78, match_prefix="/monitoring/candidates/"),
]
