"""Vocabulary of social assistance. Member statuses, relations, disability kinds and self-care levels are the
registry's (``minzheng.registry.enums``), so a household read from the registry needs no translation."""

from django.db import models


class Program(models.TextChoices):
    DIBAO = "dibao", "最低生活保障"
    INDIVIDUAL_DIBAO = "individual_dibao", "单人保"
    TEKUN = "tekun", "特困人员救助供养"
    MARGINAL = "marginal", "低保边缘家庭"
    RIGID_EXPENSE = "rigid_expense", "刚性支出困难家庭"
    TEMP_AID = "temp_aid", "临时救助"


class IncomeKind(models.TextChoices):
    WAGE = "wage", "工资性收入"
    BUSINESS = "business", "经营净收入"
    PROPERTY = "property", "财产净收入"
    TRANSFER = "transfer", "转移净收入"
    BASIC_PENSION = "basic_pension", "城乡居民基本养老保险基础养老金"
    CARE_SUBSIDY = "care_subsidy", "重度残疾人护理补贴"
    ASSISTANCE = "assistance", "政府发放的社会救助款物"
    AWARD = "award", "优待抚恤金、奖励与扶助金、奖学金等奖励性补助"


class ApplicationPlace(models.TextChoices):
    HUKOU = "hukou", "户籍地申办"
    RESIDENCE = "residence", "居住地申办"


class CarePlacement(models.TextChoices):
    DISPERSED = "dispersed", "分散供养"
    CENTRALIZED = "centralized", "集中供养"
