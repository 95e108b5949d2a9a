"""Whether the town confirms applications (审核确认) and files the result with the district (备案), per area, with
its demo value (演示参数): the district confirms in the demo district."""

import datetime as dt

from django.db import migrations

from minzheng.policy.shipping import create_definitions_and_values, delete_definitions_and_values

DEFINITIONS = [
    ("application.town_confirms", "乡镇（街道）审核确认并报区级备案", "bool",
     "为“是”时，该地区的救助申请由乡镇（街道）审核确认，结果报区民政部门备案；为“否”时由区民政部门审核确认。",
     "审核确认权限下放乡镇为地方做法（参考安庆：公示结束后5个工作日内乡镇确认，5个工作日内报县备案）；"
     "毛集是否下放待核实"),
]
VALUES = [
    ("application.town_confirms", dt.date(2024, 7, 1), 0),
]


def create(apps, schema_editor):
    create_definitions_and_values(apps, DEFINITIONS, VALUES)


def delete(apps, schema_editor):
    delete_definitions_and_values(apps, DEFINITIONS, VALUES)


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_temp_aid_parameters")]

    operations = [migrations.RunPython(create, delete)]
