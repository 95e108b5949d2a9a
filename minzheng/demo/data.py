"""Fixed shapes of the demo district: its areas, users and the name pools. All of it is fictional."""

from __future__ import annotations

from minzheng.accounts.enums import Role

DISTRICT = ("340471", "毛集实验区（演示）")

# (town code, town name, kind, [(suffix, village name, kind)])
TOWNS = [
    ("340471100", "毛集镇", "town", [
        ("001", "毛集社区", "community"), ("002", "新集社区", "community"), ("201", "陶湾村", "village"),
        ("202", "毛集村", "village"), ("203", "王圩村", "village"), ("204", "周集村", "village"),
        ("205", "李岗村", "village"), ("206", "东湖村", "village"), ("207", "黄庄村", "village"),
        ("208", "瓦埠村", "village"),
    ]),
    ("340471101", "夏集镇", "town", [
        ("001", "夏集社区", "community"), ("201", "夏集村", "village"), ("202", "杨湖村", "village"),
        ("203", "孙庙村", "village"), ("204", "朱圩村", "village"), ("205", "刘岗村", "village"),
        ("206", "河口村", "village"), ("207", "前进村", "village"), ("208", "胡庄村", "village"),
        ("209", "新河村", "village"),
    ]),
    ("340471102", "焦岗乡", "township", [
        ("001", "焦岗社区", "community"), ("201", "焦岗村", "village"), ("202", "湖滨村", "village"),
        ("203", "花园村", "village"), ("204", "张楼村", "village"), ("205", "马湖村", "village"),
        ("206", "闸口村", "village"), ("207", "郭台村", "village"), ("208", "高塘村", "village"),
        ("209", "陈圩村", "village"),
    ]),
]

DEMO_PASSWORD = "Demo@2025"

# username, full name, role, area code (12 digits)
USERS = [
    ("qu_shenpi", "赵审批", Role.DISTRICT_APPROVER, "340471000000"),
    ("qu_admin", "钱管理", Role.DISTRICT_ADMIN, "340471000000"),
    ("qu_caiwu", "何财务", Role.FINANCE_OFFICER, "340471000000"),
    ("lingdao", "孙局长", Role.LEADER, "340471000000"),
    ("shenji", "李审计", Role.AUDITOR, "340471000000"),
    ("anquan", "周安全", Role.SECURITY_ADMIN, "340471000000"),
    ("xitong", "吴系统", Role.SYSTEM_ADMIN, "340471000000"),
    ("zhen_maoji", "郑审核", Role.TOWN_REVIEWER, "340471100000"),
    ("zhen_xiaji", "王审核", Role.TOWN_REVIEWER, "340471101000"),
    ("zhen_jiaogang", "冯审核", Role.TOWN_REVIEWER, "340471102000"),
    ("cun_maoji", "陈经办", Role.VILLAGE_WORKER, "340471100202"),
    ("cun_taowan", "褚经办", Role.VILLAGE_WORKER, "340471100201"),
    ("cun_xiaji", "卫经办", Role.VILLAGE_WORKER, "340471101201"),
    ("cun_jiaogang", "蒋经办", Role.VILLAGE_WORKER, "340471102201"),
]

# Common surnames with rough weights (per mille), heavier towards the region's most frequent.
SURNAMES = [
    ("王", 80), ("李", 75), ("张", 72), ("刘", 60), ("陈", 50), ("杨", 38), ("黄", 25), ("赵", 25), ("吴", 22),
    ("周", 22), ("徐", 18), ("孙", 18), ("马", 16), ("朱", 16), ("胡", 15), ("郭", 14), ("何", 12), ("高", 12),
    ("林", 10), ("罗", 10), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 8), ("韩", 8),
    ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 6), ("袁", 5),
    ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5), ("叶", 5), ("程", 5), ("苏", 5),
    ("魏", 5), ("吕", 5), ("丁", 5), ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4), ("崔", 4),
    ("钟", 4), ("谭", 4), ("陆", 4), ("汪", 4), ("范", 4), ("金", 4), ("石", 4), ("廖", 4), ("贾", 4),
    ("夏", 4), ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3),
    ("邱", 3), ("江", 3), ("尹", 3), ("薛", 3), ("闫", 3), ("段", 3), ("雷", 3), ("侯", 3), ("龙", 3),
    ("史", 3), ("陶", 3), ("黎", 3), ("贺", 3), ("顾", 3), ("毛", 3), ("郝", 3), ("龚", 3), ("邵", 3),
    ("单", 2), ("欧阳", 1), ("诸葛", 1),
]

MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆文建国庆志新兵东林海峰春生德福贵金山成才永"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英兰红梅琴云莲凤洁燕萍雪婷慧颖佳倩欣怡悦晶美华珍淑"

# Weighted household sizes (per cent) giving about three persons per household.
HOUSEHOLD_SIZES = [(1, 18), (2, 28), (3, 21), (4, 17), (5, 10), (6, 6)]

# Areas outside the district that appear as ID-number prefixes (born elsewhere, moved here).
OTHER_ID_PREFIXES = ["340421", "340404", "340403", "341621", "341522", "320321", "410526"]

DISABILITY_KINDS = [("physical", 45), ("visual", 12), ("hearing", 14), ("speech", 2), ("intellectual", 8),
                    ("mental", 10), ("multiple", 9)]
DISABILITY_GRADES = [(1, 12), (2, 23), (3, 30), (4, 35)]
