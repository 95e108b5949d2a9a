"""Parameters of payments (资金发放): the budget-use warning ratio, the centenarian payee check and the number of
days a monthly payment list is posted (按月公示), with their demo values (演示参数)."""

import datetime as dt

from django.db import migrations

from minzheng.policy.shipping import create_definitions_and_values, delete_definitions_and_values

DEFINITIONS = [
    ("payments.budget_warning_permille", "资金使用预警比例（千分比）", "permille",
     "某救助项目年度累计已发放金额达到年度预算的该比例时，资金预算页面和财务月报给出预警。",
     "内部管理要求：资金使用达到预算90%时预警，以便及时申请追加资金"),
    ("payments.centenarian_age", "百岁老人核查年龄（周岁）", "count",
     "领款人达到该年龄且近期未复核的，发放明细暂缓发放，待核实其生存状况后再发。",
     "防止冒领的通行做法：对百岁以上领款人重点核查"),
    ("payments.centenarian_review_months", "百岁以上领款人复核间隔（月）", "months",
     "百岁以上领款人最近一次复核距发放月份超过该月数的，暂缓发放待核实。",
     "地方做法，间隔月数待核实"),
    ("payments.disclosure_days", "发放公示天数", "days",
     "按月公示救助资金发放名单时，在村（居）公示栏张贴的天数（自然日）。",
     "救助对象及发放情况应按月公示；公示天数为地方做法，待核实"),
]
VALUES = [
    ("payments.budget_warning_permille", dt.date(2024, 1, 1), 900),
    ("payments.centenarian_age", dt.date(2024, 1, 1), 100),
    ("payments.centenarian_review_months", dt.date(2024, 1, 1), 6),
    ("payments.disclosure_days", dt.date(2024, 1, 1), 7),
]


def create(apps, schema_editor):
    create_definitions_and_values(apps, DEFINITIONS, VALUES)


def delete(apps, schema_editor):
    delete_definitions_and_values(apps, DEFINITIONS, VALUES)


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_town_confirmation_parameter")]

    operations = [migrations.RunPython(create, delete)]
