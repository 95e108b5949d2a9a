from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    OTHER = "other", "其他"


class MemberStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    IMPRISONED = "imprisoned", "服刑"
    COMPULSORY_REHAB = "compulsory_rehab", "强制隔离戒毒"
    DECLARED_MISSING = "declared_missing", "宣告失踪"
    CLERGY_AWAY = "clergy_away", "出家/宗教场所居住"


class DisabilityKind(models.TextChoices):
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    MULTIPLE = "multiple", "多重残疾"


class DisabilityGrade(models.IntegerChoices):
    GRADE_1 = 1, "一级"
    GRADE_2 = 2, "二级"
    GRADE_3 = 3, "三级"
    GRADE_4 = 4, "四级"


class SelfCare(models.TextChoices):
    FULL = "full", "具备生活自理能力"
    PARTIAL = "partial", "部分丧失生活自理能力"
    NONE = "none", "完全丧失生活自理能力"


# The 56 ethnic groups (GB/T 3304), coded by their two-digit number.
ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]
ETHNICITY_CHOICES = [(f"{index:02d}", name) for index, name in enumerate(ETHNICITIES, start=1)]
ETHNICITY_BY_NAME = {name: code for code, name in ETHNICITY_CHOICES}
ETHNICITY_BY_NAME.update({name.removesuffix("族"): code for code, name in ETHNICITY_CHOICES})
