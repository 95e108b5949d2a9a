"""Parameters of the temporary-assistance workflow: the paperwork deadline after aid-first payment and the
number of grants for the same cause in a calendar year, with their demo values (演示参数)."""

import datetime as dt

from django.db import migrations

from minzheng.policy.shipping import create_definitions_and_values, delete_definitions_and_values

DEFINITIONS = [
    ("temp_aid.paperwork_working_days", "先行救助后补齐手续时限（工作日）", "working_days",
     "紧急情况下先行救助的，应在此时限内补齐申请、调查和审批手续。",
     "地方规定（参考邹平：24小时内救助、5个工作日内补齐手续）；淮南、毛集的时限待核实"),
    ("temp_aid.grants_per_cause_per_year", "同一事由年度临时救助次数上限", "count",
     "同一救助对象因同一事由在一个自然年度内给予临时救助的次数上限。",
     "地方规定：原则上同一事由一年内救助一次"),
]
VALUES = [
    ("temp_aid.paperwork_working_days", dt.date(2024, 7, 1), 5),
    ("temp_aid.grants_per_cause_per_year", dt.date(2024, 7, 1), 1),
]


def create(apps, schema_editor):
    create_definitions_and_values(apps, DEFINITIONS, VALUES)


def delete(apps, schema_editor):
    delete_definitions_and_values(apps, DEFINITIONS, VALUES)


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_demo_parameter_values")]

    operations = [migrations.RunPython(create, delete)]
