"""Parameters of dynamic monitoring (低收入人口动态监测): the look-back windows of the comparison rules, their
thresholds and the time limit for checking an alert, with their demo values (演示参数)."""

import datetime as dt

from django.db import migrations

from minzheng.policy.shipping import create_definitions_and_values, delete_definitions_and_values

DEFINITIONS = [
    ("monitoring.lookback_months", "数据比对回溯期（月）", "months",
     "比对规则只采用业务日期在比对基准日之前该月数以内的部门数据（如死亡、就业、医疗、失业记录）。",
     "内部管理要求：各部门按月推送数据、按月比对；回溯期为本系统设定，待核实"),
    ("monitoring.asset_lookback_months", "财产登记比对回溯期（月）", "months",
     "车辆、房产、经营主体等财产登记的比对回溯期；财产为存量，回溯期长于一般业务数据。",
     "本系统设定，待核实（部门数据未提供注销、转让记录时以登记日期为准）"),
    ("monitoring.vehicle_exempt_motorcycle", "车辆比对不计摩托车", "bool",
     "为是时，低保家庭机动车比对不计入摩托车。",
     "家庭财产状况规定由地方制定，常见例外为残疾人功能性补偿代步机动车及生产用摩托车、三轮车；安徽、淮南的规定待核实"),
    ("monitoring.vehicle_exempt_tricycle", "车辆比对不计三轮车", "bool",
     "为是时，低保家庭机动车比对不计入三轮车（含农用三轮车）。",
     "家庭财产状况规定由地方制定；安徽、淮南的规定待核实"),
    ("monitoring.wage_threshold_fen", "就业工资核查线（元/月）", "fen",
     "低保、特困对象就业月工资或住房公积金缴存基数高于此数的，提示入户核查。",
     "本系统设定，演示值参考最低工资标准量级，待核实"),
    ("monitoring.medical_oop_income_permille", "大额医疗自付预警倍数（千分比）", "permille",
     "回溯期内个人自付医疗费用合计超过“低保月标准×12×此倍数”的，作为因病致困风险预警。1000表示1倍。",
     "民政部门监测预警指标中的“个人自付医疗费用较高”；以低保年标准代替家庭年收入为本系统做法，倍数待核实"),
    ("monitoring.working_age_min", "劳动年龄下限（周岁）", "count",
     "年满此年龄且未满特困老年人年龄下限的，视为劳动年龄人口，用于“家庭唯一劳动年龄成员失业”预警。",
     "《劳动法》：禁止招用未满16周岁的未成年人"),
    ("monitoring.disaster_loss_fen", "灾害损失预警额（元）", "fen",
     "回溯期内应急部门登记的个人（家庭）灾害损失合计超过此数的，作为因灾致困风险预警。",
     "本系统设定，待核实"),
    ("monitoring.tuition_min_fen", "新生学费预警额（元/年）", "fen",
     "低收入家庭成员新入学（一年级新生）且学费达到此数的，作为因学致困风险预警。",
     "本系统设定，待核实（义务教育阶段免学费）"),
    ("monitoring.elderly_alone_age", "高龄独居预警年龄（周岁）", "count",
     "年满此年龄且户内无其他共同生活成员的老人，提示主动探访。",
     "高龄津贴通行以80周岁为高龄；独居探访年龄为地方做法，待核实"),
    ("monitoring.adult_notice_months", "特困未成年人成年提示期（月）", "months",
     "特困供养的未成年人将在此月数内年满18周岁的，提示复核供养条件。",
     "《特困人员认定办法》：未成年人年满18周岁后应重新核定（在校就读的可延续）；提示期为本系统设定"),
    ("monitoring.alert_due_working_days", "预警核查时限（工作日）", "working_days",
     "预警自生成之日起完成入户核查并办结的时限。",
     "“分级预警、分类管理、限时核查”；国家层面的核查时限未见，演示值为10个工作日，待核实"),
]
VALUES = [
    ("monitoring.lookback_months", dt.date(2024, 1, 1), 12),
    ("monitoring.asset_lookback_months", dt.date(2024, 1, 1), 60),
    ("monitoring.vehicle_exempt_motorcycle", dt.date(2024, 1, 1), 1),
    ("monitoring.vehicle_exempt_tricycle", dt.date(2024, 1, 1), 1),
    ("monitoring.wage_threshold_fen", dt.date(2024, 1, 1), 200000),
    ("monitoring.medical_oop_income_permille", dt.date(2024, 1, 1), 1000),
    ("monitoring.working_age_min", dt.date(2024, 1, 1), 16),
    ("monitoring.disaster_loss_fen", dt.date(2024, 1, 1), 1000000),
    ("monitoring.tuition_min_fen", dt.date(2024, 1, 1), 100000),
    ("monitoring.elderly_alone_age", dt.date(2024, 1, 1), 80),
    ("monitoring.adult_notice_months", dt.date(2024, 1, 1), 3),
    ("monitoring.alert_due_working_days", dt.date(2024, 1, 1), 10),
]


def create(apps, schema_editor):
    create_definitions_and_values(apps, DEFINITIONS, VALUES)


def delete(apps, schema_editor):
    delete_definitions_and_values(apps, DEFINITIONS, VALUES)


class Migration(migrations.Migration):
    dependencies = [("policy", "0006_payment_parameters")]

    operations = [migrations.RunPython(create, delete)]
