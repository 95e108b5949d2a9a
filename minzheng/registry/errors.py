"""Error codes of the registry, each with its Chinese message."""

from enum import StrEnum


class RegistryErrorCode(StrEnum):
    PERSON_EXISTS = "person_exists"
    AREA_OUT_OF_SCOPE = "area_out_of_scope"
    AREA_LEVEL = "area_not_village"
    NAME_REQUIRED = "name_required"
    NAME_INVALID = "name_invalid"
    PHONE_INVALID = "phone_invalid"
    DISABILITY_INCOMPLETE = "disability_incomplete"
    DEATH_BEFORE_BIRTH = "death_before_birth"
    DEATH_IN_FUTURE = "death_in_future"
    ALREADY_MEMBER = "already_member"
    HEAD_EXISTS = "head_exists"
    HEAD_REQUIRED = "head_required"
    HOUSEHOLD_NUMBER_TAKEN = "household_number_taken"
    MEMBER_NOT_CURRENT = "member_not_current"
    HEAD_CANNOT_LEAVE = "head_cannot_leave"
    IMPORT_HEADER = "import_header"
    IMPORT_EMPTY = "import_empty"
    IMPORT_FILE = "import_file"
    IMPORT_TOO_LARGE = "import_too_large"
    IMPORT_VALUE = "import_value"
    IMPORT_DUPLICATE = "import_duplicate"


MESSAGES = {
    RegistryErrorCode.PERSON_EXISTS: "该身份证号码的人员已在库中",
    RegistryErrorCode.AREA_OUT_OF_SCOPE: "所选区划不在您的管辖范围内",
    RegistryErrorCode.AREA_LEVEL: "请选择到村（社区）一级",
    RegistryErrorCode.NAME_REQUIRED: "姓名不能为空",
    RegistryErrorCode.NAME_INVALID: "姓名只能包含汉字、字母、间隔号「·」",
    RegistryErrorCode.PHONE_INVALID: "联系电话应为11位手机号或带区号的固定电话",
    RegistryErrorCode.DISABILITY_INCOMPLETE: "残疾类别和残疾等级需同时填写或同时为空",
    RegistryErrorCode.DEATH_BEFORE_BIRTH: "死亡日期不能早于出生日期",
    RegistryErrorCode.DEATH_IN_FUTURE: "死亡日期不能晚于今天",
    RegistryErrorCode.ALREADY_MEMBER: "该人员已是其他家庭的成员，请先办理迁出",
    RegistryErrorCode.HEAD_EXISTS: "该家庭已有户主",
    RegistryErrorCode.HEAD_REQUIRED: "每户必须有且仅有一名户主",
    RegistryErrorCode.HOUSEHOLD_NUMBER_TAKEN: "户编号已被使用",
    RegistryErrorCode.MEMBER_NOT_CURRENT: "该成员已不在本户",
    RegistryErrorCode.HEAD_CANNOT_LEAVE: "户主不能直接移出，请先变更户主",
    RegistryErrorCode.IMPORT_HEADER: "表头与模板不一致",
    RegistryErrorCode.IMPORT_EMPTY: "文件中没有数据行",
    RegistryErrorCode.IMPORT_FILE: "无法读取文件，请上传由模板填写的 .xlsx 文件",
    RegistryErrorCode.IMPORT_TOO_LARGE: "文件过大",
    RegistryErrorCode.IMPORT_VALUE: "取值无效",
    RegistryErrorCode.IMPORT_DUPLICATE: "同一文件中重复",
}
