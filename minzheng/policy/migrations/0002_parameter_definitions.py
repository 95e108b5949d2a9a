"""The parameter codes the platform reads, with their Chinese names, units and where each rule comes from
(docs/parameters.md). Values are separate: see 0003 for the demo values."""

from django.db import migrations

# (code, name, unit, description, source note)
DEFINITIONS = [
    ("dibao.standard_monthly_fen", "低保标准（元/人·月）", "fen",
     "最低生活保障月标准，城乡统一。家庭人均月收入低于此标准且财产状况符合规定的，可纳入低保；"
     "差额发放时按标准与人均收入之差计发。",
     "《社会救助暂行办法》；安徽省人民政府令第285号第六条；标准由当地人民政府公布"),
    ("dibao.asset_deposit_months", "低保家庭人均存款上限（月标准的倍数）", "months",
     "计入的每名家庭成员，存款等金融资产不超过该月数乘以月低保标准。",
     "家庭财产状况规定由地方制定；安徽、淮南的具体标准待核实"),
    ("dibao.asset_max_vehicles", "低保家庭机动车数量上限", "count",
     "家庭名下机动车（不含残疾人功能性补偿代步机动车等地方规定的例外）超过此数的不符合财产条件。",
     "家庭财产状况规定由地方制定；安徽、淮南的具体标准待核实"),
    ("dibao.asset_max_companies", "低保家庭经营主体数量上限", "count",
     "家庭成员名下企业、个体工商户、农民专业合作社等市场主体超过此数的不符合财产条件。",
     "家庭财产状况规定由地方制定；安徽、淮南的具体标准待核实"),
    ("dibao.asset_max_homes", "低保家庭住房套数上限", "count",
     "家庭成员名下住房超过此套数的不符合财产条件。",
     "家庭财产状况规定由地方制定；安徽、淮南的具体标准待核实"),
    ("tekun.age_min", "特困人员老年人年龄下限（周岁）", "count",
     "年满此年龄的，视为无劳动能力。",
     "《特困人员认定办法》（民政部2021年）"),
    ("tekun.basic_multiplier_permille", "特困基本生活标准倍数（千分比）", "permille",
     "特困人员基本生活标准按月计算，为当地低保月标准乘以此倍数，向上取整到元。1300表示1.3倍。",
     "安徽省人民政府《关于进一步完善特困人员救助供养制度的实施意见》（2024年）：不低于当地低保标准的1.3倍"),
    ("tekun.care_dispersed_full_fen", "特困照料护理标准·分散供养·全自理（元/人·月）", "fen",
     "分散供养、具备生活自理能力的特困人员的照料护理标准。",
     "安徽2024年实施意见：照料护理标准分全护理、半护理、全自理三档；演示值参考淮南2022年标准"),
    ("tekun.care_dispersed_partial_fen", "特困照料护理标准·分散供养·半护理（元/人·月）", "fen",
     "分散供养、部分丧失生活自理能力的特困人员的照料护理标准。",
     "安徽2024年实施意见；演示值参考淮南2022年标准"),
    ("tekun.care_dispersed_none_fen", "特困照料护理标准·分散供养·全护理（元/人·月）", "fen",
     "分散供养、完全丧失生活自理能力的特困人员的照料护理标准。",
     "安徽2024年实施意见；演示值参考淮南2022年标准"),
    ("tekun.care_centralized_full_fen", "特困照料护理标准·集中供养·全自理（元/人·月）", "fen",
     "集中供养、具备生活自理能力的特困人员的照料护理标准。",
     "安徽2024年实施意见；演示值参考淮南2022年标准"),
    ("tekun.care_centralized_partial_fen", "特困照料护理标准·集中供养·半护理（元/人·月）", "fen",
     "集中供养、部分丧失生活自理能力的特困人员的照料护理标准。",
     "安徽2024年实施意见；演示值参考淮南2022年标准"),
    ("tekun.care_centralized_none_fen", "特困照料护理标准·集中供养·全护理（元/人·月）", "fen",
     "集中供养、完全丧失生活自理能力的特困人员的照料护理标准。",
     "安徽2024年实施意见；演示值参考淮南2022年标准"),
    ("marginal.income_multiplier_permille", "低保边缘家庭收入标准倍数（千分比）", "permille",
     "家庭人均月收入低于低保月标准乘以此倍数（且不符合低保、特困条件）的，可认定为低保边缘家庭。1500表示1.5倍。",
     "国办发〔2023〕39号；民办函〔2024〕31号：一般为低保标准的1.5倍，地方可调整"),
    ("rigid_expense.income_ceiling_annual_fen", "刚性支出困难家庭人均收入上限（元/人·年）", "fen",
     "家庭人均年收入须低于此数额，一般为当地上年度居民人均可支配收入。",
     "民政部《刚性支出困难家庭认定办法》（2024年）；淮南、毛集的上年度人均可支配收入待按统计公报录入"),
    ("rigid_expense.expense_share_percent", "刚性支出占家庭总收入比例下限（%）", "percent",
     "申请前12个月家庭刚性支出（生活、医疗、教育、康复）占同期家庭总收入的比例超过此值的，符合支出条件。",
     "《刚性支出困难家庭认定办法》：比例由地方确定；安徽的比例待核实"),
    ("rigid_expense.valid_months", "刚性支出困难家庭认定有效期（月）", "months",
     "认定有效期届满后须重新申请。",
     "《刚性支出困难家庭认定办法》（2024年）：有效期不超过12个月"),
    ("temp_aid.town_max_multiple", "乡镇审批临时救助上限（低保月标准的倍数）", "count",
     "单次救助金额不超过低保月标准乘以此倍数的，由乡镇（街道）审批；超过的报区级审批。",
     "《社会救助暂行办法》：数额较小的可委托乡镇审批；倍数为地方规定（参考无为市2—6倍）"),
    ("temp_aid.district_max_fen", "区级审批临时救助单次上限（元）", "fen",
     "对遭遇重大变故的家庭，区级审批的单次临时救助金额上限。",
     "地方规定（参考无为市：经县级审批不超过2万元）"),
    ("application.residence_min_months", "居住地申办所需居住证持有时间（月）", "months",
     "持居住证在居住地申办低保、临时救助所需的最短持证时间。",
     "《最低生活保障审核确认办法》：有条件的地区可推进持居住证人员在居住地申办；时间为地方规定（参考无为市6个月）"),
    ("application.public_notice_days", "公示期（天）", "days",
     "初审意见在村（社区）公示的天数，按自然日计算。",
     "《最低生活保障审核确认办法》：公示期为7天"),
    ("application.time_limit_working_days", "低保审核确认时限（工作日）", "working_days",
     "自受理之日起完成审核确认的时限。",
     "《最低生活保障审核确认办法》：30个工作日"),
    ("application.extended_time_limit_working_days", "特殊情况延长后的审核确认时限（工作日）", "working_days",
     "特殊情况下延长后的总时限。",
     "《最低生活保障审核确认办法》：特殊情况可延长至45个工作日"),
    ("application.denial_notice_working_days", "不予确认书面告知时限（工作日）", "working_days",
     "作出不予确认决定后书面告知申请人并说明理由的时限。",
     "《最低生活保障审核确认办法》：3个工作日内"),
    ("review.stable_months", "收入稳定家庭复核周期（月）", "months",
     "短期内经济状况变化不大的低保家庭的定期核查周期。",
     "民政部关于低保动态管理的规定：每年核查一次"),
    ("review.other_months", "收入不稳定家庭复核周期（月）", "months",
     "收入来源不固定、成员有劳动能力的低保家庭的定期核查周期。",
     "民政部关于低保动态管理的规定：每半年核查一次"),
    ("phaseout.months", "低保渐退期（月）", "months",
     "家庭成员就业后人均收入超过低保标准的，可继续享受低保的过渡期。",
     "地方规定（参考广安：不超过6个月）；安徽的期限待核实"),
]


def create_definitions(apps, schema_editor):
    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    for code, name, unit, description, source_note in DEFINITIONS:
        ParameterDefinition.objects.update_or_create(
            code=code, defaults={"name": name, "unit": unit, "description": description,
                                 "source_note": source_note})


def delete_definitions(apps, schema_editor):
    # Definitions that still have values are protected: unapplying does not throw away parameter history.
    ParameterDefinition = apps.get_model("policy", "ParameterDefinition")
    ParameterDefinition.objects.filter(code__in=[row[0] for row in DEFINITIONS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_definitions, delete_definitions),
    ]
