"""The department feeds (数据来源) the monitoring platform receives: each kind's columns, their types, which are
required, the choices of code columns, the business-date column and the columns that identify a duplicate row.

This is data, not code: administrators may edit a kind's labels, choices and required flags in the admin; the
column *names* and types are the contract the comparison rules are written against (docs/monitoring-feeds.md).

Every kind has an ``id_number`` column (an empty value makes a name-only row, matched to the registry only as a
candidate for a person to confirm) and optional ``birth_date`` and area columns that name-only rows need.
"""

from django.db import migrations


def col(name, label, type_, *, required=False, choices=None, minimum=None, maximum=None, month=False):
    spec = {"name": name, "label": label, "type": type_, "required": required}
    if choices:
        spec["choices"] = [list(pair) for pair in choices]
    if minimum is not None:
        spec["min"] = minimum
    if maximum is not None:
        spec["max"] = maximum
    if month:
        spec["month"] = True
    return spec


ID = col("id_number", "身份证号码", "id_number", required=True)
NAME = col("name", "姓名", "name", required=True)
BIRTH = col("birth_date", "出生日期", "date")
AREA = col("area_code", "所在地区划代码", "area")

FEED_KINDS = [
    {"code": "police_death", "name": "死亡注销", "department": "公安",
     "description": "户籍死亡注销记录。用于发现已死亡仍在享受救助待遇的人员。",
     "columns": [ID, NAME, col("death_date", "死亡日期", "date", required=True),
                 col("hukou_area", "户籍地区划代码", "area"), BIRTH],
     "event_date_column": "death_date", "key_columns": ["id_number"]},
    {"code": "police_hukou_move", "name": "户籍迁移", "department": "公安",
     "description": "户籍迁入、迁出记录。迁出本区的救助对象须核查。",
     "columns": [ID, NAME, col("move_date", "迁移日期", "date", required=True),
                 col("direction", "迁移方向", "code", required=True, choices=[("in", "迁入"), ("out", "迁出")]),
                 col("to_area", "迁往（迁自）地址", "text"), AREA, BIRTH],
     "event_date_column": "move_date", "key_columns": ["id_number", "move_date", "direction"]},
    {"code": "medical_bill", "name": "住院费用结算", "department": "医保",
     "description": "住院费用结算记录（金额单位：元）。个人自付较高的家庭可能因病致贫，须主动发现。",
     "columns": [ID, NAME, col("settle_date", "结算日期", "date", required=True),
                 col("total_amount", "医疗总费用（元）", "amount", required=True),
                 col("out_of_pocket_amount", "个人自付金额（元）", "amount", required=True),
                 col("hospital", "医疗机构", "text"), AREA, BIRTH],
     "event_date_column": "settle_date",
     "key_columns": ["id_number", "settle_date", "hospital", "total_amount", "out_of_pocket_amount"]},
    {"code": "hr_employment", "name": "就业参保", "department": "人社",
     "description": "企业职工、机关事业单位参保（就业）记录。",
     "columns": [ID, NAME, col("start_date", "参保起始日期", "date", required=True),
                 col("employer", "单位名称", "text", required=True),
                 col("employer_kind", "单位性质", "code", required=True,
                     choices=[("enterprise", "企业"), ("public_sector", "机关事业单位"), ("other", "其他")]),
                 col("monthly_wage", "月缴费工资（元）", "amount"), AREA, BIRTH],
     "event_date_column": "start_date", "key_columns": ["id_number", "start_date", "employer"]},
    {"code": "hr_unemployment", "name": "失业登记", "department": "人社",
     "description": "失业登记记录。",
     "columns": [ID, NAME, col("registered_on", "失业登记日期", "date", required=True), AREA, BIRTH],
     "event_date_column": "registered_on", "key_columns": ["id_number", "registered_on"]},
    {"code": "hr_pension", "name": "养老金领取", "department": "人社",
     "description": "养老金按月领取记录（领取月份写作 2025-07 或该月任一日期，按该月1日入库）。",
     "columns": [ID, NAME, col("month", "领取月份", "date", required=True, month=True),
                 col("monthly_amount", "月领取金额（元）", "amount", required=True), AREA, BIRTH],
     "event_date_column": "month", "key_columns": ["id_number", "month"]},
    {"code": "disability_cert", "name": "残疾人证", "department": "残联",
     "description": "第二代残疾人证发证记录（等级1至4级）。",
     "columns": [ID, NAME, col("issued_on", "发证日期", "date", required=True),
                 col("disability_kind", "残疾类别", "code", required=True,
                     choices=[("visual", "视力"), ("hearing", "听力"), ("speech", "言语"), ("physical", "肢体"),
                              ("intellectual", "智力"), ("mental", "精神"), ("multiple", "多重")]),
                 col("grade", "残疾等级", "integer", required=True, minimum=1, maximum=4), AREA, BIRTH],
     "event_date_column": "issued_on", "key_columns": ["id_number", "issued_on", "disability_kind"]},
    {"code": "market_company", "name": "企业登记", "department": "市场监管",
     "description": "担任企业法定代表人或股东的人员（身份证号码为法定代表人或股东本人的号码）。",
     "columns": [ID, NAME, col("registered_on", "登记日期", "date", required=True),
                 col("company_name", "企业名称", "text", required=True),
                 col("role", "身份", "code", required=True,
                     choices=[("legal_rep", "法定代表人"), ("shareholder", "股东")]),
                 col("registered_capital", "注册资本（元）", "amount"),
                 col("status", "企业状态", "code", required=True, choices=[("active", "存续"), ("cancelled", "注销")]),
                 AREA, BIRTH],
     "event_date_column": "registered_on",
     "key_columns": ["id_number", "company_name", "role", "registered_on", "status"]},
    {"code": "vehicle", "name": "机动车登记", "department": "车管",
     "description": "机动车登记记录（购置价格单位：元）。",
     "columns": [ID, NAME, col("registered_on", "登记日期", "date", required=True),
                 col("plate", "号牌号码", "text", required=True),
                 col("vehicle_type", "车辆类型", "code", required=True,
                     choices=[("car", "小型汽车"), ("truck", "货车"), ("motorcycle", "摩托车"),
                              ("tricycle", "三轮汽车")]),
                 col("purchase_price", "购置价格（元）", "amount"), AREA, BIRTH],
     "event_date_column": "registered_on", "key_columns": ["id_number", "plate", "registered_on"]},
    {"code": "property", "name": "不动产登记", "department": "不动产",
     "description": "不动产（房屋）登记记录，面积单位：平方米（取整）。",
     "columns": [ID, NAME, col("registered_on", "登记日期", "date", required=True),
                 col("certificate_no", "不动产权证号", "text", required=True),
                 col("usage", "用途", "code", required=True,
                     choices=[("residential", "住宅"), ("commercial", "商业"), ("other", "其他")]),
                 col("area_m2", "建筑面积（平方米）", "integer", minimum=0, maximum=1_000_000), AREA, BIRTH],
     "event_date_column": "registered_on", "key_columns": ["id_number", "certificate_no"]},
    {"code": "education_enrolment", "name": "新生入学", "department": "教育",
     "description": "新生入学与在读记录（学费单位：元）。用于发现应享受教育救助的学生。",
     "columns": [ID, NAME, col("enrolled_on", "入学日期", "date", required=True),
                 col("school", "学校", "text", required=True),
                 col("stage", "学段", "code", required=True,
                     choices=[("primary", "小学"), ("junior", "初中"), ("senior", "普通高中"),
                              ("vocational", "中等职业教育"), ("college", "高等教育")]),
                 col("first_year", "是否新生", "boolean"), col("tuition", "学费（元）", "amount"), AREA, BIRTH],
     "event_date_column": "enrolled_on", "key_columns": ["id_number", "school", "enrolled_on"]},
    {"code": "disaster_loss", "name": "受灾人员", "department": "应急",
     "description": "自然灾害受灾人员及损失（元）。",
     "columns": [ID, NAME, col("occurred_on", "受灾日期", "date", required=True),
                 col("disaster_kind", "灾害类型", "code", required=True,
                     choices=[("flood", "洪涝"), ("drought", "干旱"), ("storm", "风雹"), ("typhoon", "台风"),
                              ("earthquake", "地震"), ("geological", "地质灾害"), ("fire", "森林草原火灾"),
                              ("snow", "低温雨雪冰冻"), ("other", "其他")]),
                 col("loss_amount", "损失金额（元）", "amount", required=True), AREA, BIRTH],
     "event_date_column": "occurred_on", "key_columns": ["id_number", "occurred_on", "disaster_kind"]},
    {"code": "housing_fund", "name": "公积金缴存", "department": "公积金",
     "description": "住房公积金按月缴存记录（缴存月份写作 2025-07 或该月任一日期）。",
     "columns": [ID, NAME, col("month", "缴存月份", "date", required=True, month=True),
                 col("employer", "单位名称", "text", required=True),
                 col("base_wage", "缴存基数（元）", "amount", required=True), AREA, BIRTH],
     "event_date_column": "month", "key_columns": ["id_number", "month", "employer"]},
    {"code": "funeral_cremation", "name": "火化记录", "department": "殡葬",
     "description": "殡仪馆火化记录。与公安死亡注销互为补充。",
     "columns": [ID, NAME, col("cremated_on", "火化日期", "date", required=True),
                 col("death_date", "死亡日期", "date"), AREA, BIRTH],
     "event_date_column": "cremated_on", "key_columns": ["id_number"]},
    {"code": "justice_imprisonment", "name": "服刑人员", "department": "司法",
     "description": "在押服刑人员记录（刑满释放日期可为空）。",
     "columns": [ID, NAME, col("admitted_on", "入监日期", "date", required=True),
                 col("release_date", "刑满释放日期", "date"), AREA, BIRTH],
     "event_date_column": "admitted_on", "key_columns": ["id_number", "admitted_on"]},
]


def create(apps, schema_editor):
    FeedKind = apps.get_model("monitoring", "FeedKind")
    for kind in FEED_KINDS:
        FeedKind.objects.update_or_create(code=kind["code"], defaults={
            key: value for key, value in kind.items() if key != "code"})


def delete(apps, schema_editor):
    FeedKind = apps.get_model("monitoring", "FeedKind")
    FeedKind.objects.filter(code__in=[kind["code"] for kind in FEED_KINDS], files__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(create, delete)]
