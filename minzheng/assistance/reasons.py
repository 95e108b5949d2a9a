"""Reason codes of the classified determination, each with its Chinese label.

A code names the rule that was applied and its outcome; it never changes meaning once published, because
decisions are stored and compared by code. Labels say what the code means without quoting a policy figure:
the figures come from the ``policy`` parameters in force on the assessment date.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # Who counts as a member of the household (共同生活的家庭成员).
    MEMBER_EXCLUDED_NOT_LIVING_TOGETHER = "member_excluded_not_living_together"
    MEMBER_EXCLUDED_IMPRISONED = "member_excluded_imprisoned"
    MEMBER_EXCLUDED_COMPULSORY_REHAB = "member_excluded_compulsory_rehab"
    MEMBER_EXCLUDED_DECLARED_MISSING = "member_excluded_declared_missing"
    MEMBER_EXCLUDED_CLERGY_AWAY = "member_excluded_clergy_away"
    MEMBER_COUNTED_STUDENT = "member_counted_student"
    MEMBER_EXCLUDED_TEKUN = "member_excluded_tekun"
    HOUSEHOLD_NO_COUNTED_MEMBERS = "household_no_counted_members"
    # Income that is not counted.
    INCOME_EXCLUDED_CARE_SUBSIDY = "income_excluded_care_subsidy"
    INCOME_EXCLUDED_ASSISTANCE = "income_excluded_assistance"
    INCOME_EXCLUDED_AWARD = "income_excluded_award"
    INCOME_EXCLUDED_BASIC_PENSION = "income_excluded_basic_pension"
    # Assets.
    ASSETS_PASS = "assets_pass"
    ASSETS_DEPOSITS_EXCEED = "assets_deposits_exceed"
    ASSETS_VEHICLE = "assets_vehicle"
    ASSETS_COMPANY = "assets_company"
    ASSETS_HOMES_EXCEED = "assets_homes_exceed"
    # Where the application was made.
    APPLICATION_AT_RESIDENCE = "application_at_residence"
    # 低保.
    DIBAO_INCOME_BELOW_STANDARD = "dibao_income_below_standard"
    DIBAO_INCOME_ABOVE_STANDARD = "dibao_income_above_standard"
    # 单人保.
    INDIVIDUAL_DIBAO_HOUSEHOLD_IS_DIBAO = "individual_dibao_household_is_dibao"
    INDIVIDUAL_DIBAO_HOUSEHOLD_NOT_MARGINAL = "individual_dibao_household_not_marginal"
    INDIVIDUAL_DIBAO_HOUSEHOLD_MARGINAL = "individual_dibao_household_marginal"
    INDIVIDUAL_DIBAO_SEVERE_DISABILITY = "individual_dibao_severe_disability"
    INDIVIDUAL_DIBAO_INTELLECTUAL_MENTAL_GRADE3 = "individual_dibao_intellectual_mental_grade3"
    INDIVIDUAL_DIBAO_SERIOUS_ILLNESS = "individual_dibao_serious_illness"
    INDIVIDUAL_DIBAO_NO_QUALIFYING_MEMBER = "individual_dibao_no_qualifying_member"
    INDIVIDUAL_DIBAO_INCOME_BELOW_STANDARD = "individual_dibao_income_below_standard"
    INDIVIDUAL_DIBAO_INCOME_ABOVE_STANDARD = "individual_dibao_income_above_standard"
    # 特困.
    TEKUN_CATEGORY_ELDERLY = "tekun_category_elderly"
    TEKUN_CATEGORY_DISABLED = "tekun_category_disabled"
    TEKUN_NO_CATEGORY_MEMBER = "tekun_no_category_member"
    TEKUN_INCOME_BELOW_STANDARD = "tekun_income_below_standard"
    TEKUN_INCOME_ABOVE_STANDARD = "tekun_income_above_standard"
    TEKUN_NO_SUPPORTER = "tekun_no_supporter"
    TEKUN_HAS_SUPPORTER = "tekun_has_supporter"
    TEKUN_CARE_FULL = "tekun_care_full"
    TEKUN_CARE_PARTIAL = "tekun_care_partial"
    TEKUN_CARE_NONE = "tekun_care_none"
    TEKUN_DISPERSED = "tekun_dispersed"
    TEKUN_CENTRALIZED = "tekun_centralized"
    # 低保边缘.
    MARGINAL_HOUSEHOLD_IS_DIBAO = "marginal_household_is_dibao"
    MARGINAL_INCOME_BELOW_LIMIT = "marginal_income_below_limit"
    MARGINAL_INCOME_ABOVE_LIMIT = "marginal_income_above_limit"
    # 刚性支出困难.
    RIGID_EXPENSE_HOUSEHOLD_IS_DIBAO = "rigid_expense_household_is_dibao"
    RIGID_EXPENSE_HOUSEHOLD_IS_MARGINAL = "rigid_expense_household_is_marginal"
    RIGID_EXPENSE_INCOME_BELOW_CEILING = "rigid_expense_income_below_ceiling"
    RIGID_EXPENSE_INCOME_ABOVE_CEILING = "rigid_expense_income_above_ceiling"
    RIGID_EXPENSE_SHARE_REACHED = "rigid_expense_share_reached"
    RIGID_EXPENSE_SHARE_NOT_REACHED = "rigid_expense_share_not_reached"
    RIGID_EXPENSE_VALID_PERIOD = "rigid_expense_valid_period"
    # 临时救助.
    TEMP_AID_NO_EMERGENCY = "temp_aid_no_emergency"
    TEMP_AID_EMERGENCY_IN_DISTRICT = "temp_aid_emergency_in_district"
    TEMP_AID_EMERGENCY_OUTSIDE_DISTRICT = "temp_aid_emergency_outside_district"
    TEMP_AID_NO_LOSS = "temp_aid_no_loss"
    TEMP_AID_TOWN_LEVEL = "temp_aid_town_level"
    TEMP_AID_DISTRICT_APPROVAL = "temp_aid_district_approval"
    TEMP_AID_CAPPED_AT_DISTRICT_MAX = "temp_aid_capped_at_district_max"


LABELS: dict[Reason, str] = {
    Reason.MEMBER_EXCLUDED_NOT_LIVING_TOGETHER: "有成员不共同生活，不计入家庭成员",
    Reason.MEMBER_EXCLUDED_IMPRISONED: "有成员在监狱服刑，不计入家庭成员",
    Reason.MEMBER_EXCLUDED_COMPULSORY_REHAB: "有成员在强制隔离戒毒，不计入家庭成员",
    Reason.MEMBER_EXCLUDED_DECLARED_MISSING: "有成员被人民法院宣告失踪，不计入家庭成员",
    Reason.MEMBER_EXCLUDED_CLERGY_AWAY: "有成员为离家在宗教场所居住的宗教教职人员，不计入家庭成员",
    Reason.MEMBER_COUNTED_STUDENT: "有在校学生不在家居住，仍计入家庭成员",
    Reason.MEMBER_EXCLUDED_TEKUN: "有成员按特困人员单独认定，不计入本户低保计算（其收入亦不计入）",
    Reason.HOUSEHOLD_NO_COUNTED_MEMBERS: "没有可按家庭认定的成员",
    Reason.INCOME_EXCLUDED_CARE_SUBSIDY: "重度残疾人护理补贴不计入家庭收入",
    Reason.INCOME_EXCLUDED_ASSISTANCE: "政府发放的社会救助款物不计入家庭收入",
    Reason.INCOME_EXCLUDED_AWARD: "优待抚恤金、奖励与扶助金、奖学金等奖励性补助不计入家庭收入",
    Reason.INCOME_EXCLUDED_BASIC_PENSION: "城乡居民基本养老保险基础养老金不计入家庭收入",
    Reason.ASSETS_PASS: "家庭财产状况符合规定",
    Reason.ASSETS_DEPOSITS_EXCEED: "人均存款超过规定月数的低保标准",
    Reason.ASSETS_VEHICLE: "家庭拥有机动车辆超过规定",
    Reason.ASSETS_COMPANY: "家庭成员开办或投资企业等市场主体超过规定",
    Reason.ASSETS_HOMES_EXCEED: "家庭拥有住房超过规定套数",
    Reason.APPLICATION_AT_RESIDENCE: "居住地申办：已记录，居住时长是否满足规定须另行核实（本次输入不含居住证信息）",
    Reason.DIBAO_INCOME_BELOW_STANDARD: "家庭人均月收入低于低保标准",
    Reason.DIBAO_INCOME_ABOVE_STANDARD: "家庭人均月收入不低于低保标准",
    Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_IS_DIBAO: "全户已符合低保条件，无需单人保",
    Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_NOT_MARGINAL: "家庭不是低保边缘家庭，不适用单人保",
    Reason.INDIVIDUAL_DIBAO_HOUSEHOLD_MARGINAL: "家庭为低保边缘家庭",
    Reason.INDIVIDUAL_DIBAO_SEVERE_DISABILITY: "成员持一级或二级残疾人证（重度残疾人）",
    Reason.INDIVIDUAL_DIBAO_INTELLECTUAL_MENTAL_GRADE3: "成员为三级智力或精神残疾人",
    Reason.INDIVIDUAL_DIBAO_SERIOUS_ILLNESS: "成员为重病患者",
    Reason.INDIVIDUAL_DIBAO_NO_QUALIFYING_MEMBER: "没有重度残疾人或重病患者成员",
    Reason.INDIVIDUAL_DIBAO_INCOME_BELOW_STANDARD: "单人保对象本人月收入低于低保标准",
    Reason.INDIVIDUAL_DIBAO_INCOME_ABOVE_STANDARD: "单人保对象本人月收入不低于低保标准",
    Reason.TEKUN_CATEGORY_ELDERLY: "成员达到特困供养的老年人年龄",
    Reason.TEKUN_CATEGORY_DISABLED: "成员为成年重度残疾人或三级智力、精神残疾人",
    Reason.TEKUN_NO_CATEGORY_MEMBER: "没有属于老年人或残疾人类别的成员",
    Reason.TEKUN_INCOME_BELOW_STANDARD: "本人月收入低于低保标准（无生活来源）",
    Reason.TEKUN_INCOME_ABOVE_STANDARD: "本人月收入不低于低保标准",
    Reason.TEKUN_NO_SUPPORTER: "无有履行能力的法定赡养、抚养、扶养义务人",
    Reason.TEKUN_HAS_SUPPORTER: "有具备履行能力的法定赡养、抚养、扶养义务人",
    Reason.TEKUN_CARE_FULL: "具备生活自理能力，按全自理标准给付照料护理费",
    Reason.TEKUN_CARE_PARTIAL: "部分丧失生活自理能力，按半护理标准给付照料护理费",
    Reason.TEKUN_CARE_NONE: "完全丧失生活自理能力，按全护理标准给付照料护理费",
    Reason.TEKUN_DISPERSED: "分散供养",
    Reason.TEKUN_CENTRALIZED: "集中供养",
    Reason.MARGINAL_HOUSEHOLD_IS_DIBAO: "家庭已符合低保条件，不再认定为低保边缘家庭",
    Reason.MARGINAL_INCOME_BELOW_LIMIT: "家庭人均月收入低于低保标准的规定倍数",
    Reason.MARGINAL_INCOME_ABOVE_LIMIT: "家庭人均月收入不低于低保标准的规定倍数",
    Reason.RIGID_EXPENSE_HOUSEHOLD_IS_DIBAO: "家庭已符合低保条件，不再认定为刚性支出困难家庭",
    Reason.RIGID_EXPENSE_HOUSEHOLD_IS_MARGINAL: "家庭已认定为低保边缘家庭，不再认定为刚性支出困难家庭",
    Reason.RIGID_EXPENSE_INCOME_BELOW_CEILING: "家庭人均年收入低于上年度当地居民人均可支配收入",
    Reason.RIGID_EXPENSE_INCOME_ABOVE_CEILING: "家庭人均年收入不低于上年度当地居民人均可支配收入",
    Reason.RIGID_EXPENSE_SHARE_REACHED: "近12个月刚性支出达到家庭年收入的规定比例",
    Reason.RIGID_EXPENSE_SHARE_NOT_REACHED: "近12个月刚性支出未达到家庭年收入的规定比例",
    Reason.RIGID_EXPENSE_VALID_PERIOD: "认定在规定月数内有效，期满须重新申请",
    Reason.TEMP_AID_NO_EMERGENCY: "没有急难情形",
    Reason.TEMP_AID_EMERGENCY_IN_DISTRICT: "急难发生在本区，由急难发生地实施临时救助（不论户籍）",
    Reason.TEMP_AID_EMERGENCY_OUTSIDE_DISTRICT: "急难发生在本区以外，应向急难发生地申请",
    Reason.TEMP_AID_NO_LOSS: "没有可救助的损失金额",
    Reason.TEMP_AID_TOWN_LEVEL: "救助金额在乡镇审批限额（低保标准的规定倍数）以内",
    Reason.TEMP_AID_DISTRICT_APPROVAL: "救助金额超过乡镇审批限额，须报区级审批",
    Reason.TEMP_AID_CAPPED_AT_DISTRICT_MAX: "损失超过区级审批上限，按上限救助",
}


def label(code: str) -> str:
    """The Chinese label of a reason code; an unknown code is shown as itself."""
    try:
        return LABELS[Reason(code)]
    except ValueError:
        return code
