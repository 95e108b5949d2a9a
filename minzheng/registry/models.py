"""The social registry: persons, households and who lives in which household."""

from __future__ import annotations

import datetime as dt

from django.db import models

from minzheng.core import crypto
from minzheng.core.fields import BlindIndexField, EncryptedTextField
from minzheng.core.masking import mask_id_number, mask_phone
from minzheng.core.models import BaseModel
from minzheng.registry.enums import (
    ETHNICITY_CHOICES,
    DisabilityGrade,
    DisabilityKind,
    MemberStatus,
    Relation,
    SelfCare,
    Sex,
)

ID_NUMBER_CONTEXT = "registry.person.id_number"
PHONE_CONTEXT = "registry.person.phone"


class PersonQuerySet(models.QuerySet):
    def by_id_number(self, number: str) -> PersonQuerySet:
        """Exact lookup of a normalized 18-digit number through its blind index."""
        return self.filter(id_number_bidx=crypto.blind_index(number, purpose="id_number"))

    def by_id_numbers(self, numbers) -> PersonQuerySet:
        return self.filter(id_number_bidx__in=[crypto.blind_index(n, purpose="id_number") for n in numbers])


class Person(BaseModel):
    name = models.CharField("姓名", max_length=64)
    # Stored SM4-GCM encrypted; looked up only through id_number_bidx (HMAC-SM3).
    id_number = EncryptedTextField("身份证号码", context=ID_NUMBER_CONTEXT)
    id_number_bidx = BlindIndexField("身份证号码索引", source="id_number", purpose="id_number", unique=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITY_CHOICES, default="01")
    hukou_area = models.ForeignKey("areas.Area", verbose_name="户籍地", on_delete=models.PROTECT,
                                   related_name="+", db_column="hukou_area_code")
    residence_area = models.ForeignKey("areas.Area", verbose_name="居住地", on_delete=models.PROTECT,
                                       related_name="+", db_column="residence_area_code")
    address = models.CharField("居住地址", max_length=200, blank=True)
    phone = EncryptedTextField("联系电话", context=PHONE_CONTEXT, blank=True, default="")
    disability_kind = models.CharField("残疾类别", max_length=16, choices=DisabilityKind.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", choices=DisabilityGrade.choices,
                                                        null=True, blank=True)
    self_care = models.CharField("生活自理能力", max_length=16, choices=SelfCare.choices, default=SelfCare.FULL)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    # Search keys kept in step with the name by the actions: " zhangsan zs " (space-padded tokens),
    # so "zs" and "zhang" both match at a token start.
    search_pinyin = models.CharField(max_length=255, db_index=True, editable=False, default="")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="person_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True) | models.Q(disability_grade__gte=1,
                                                                            disability_grade__lte=4),
                name="person_disability_grade_range",
            ),
            models.CheckConstraint(
                condition=(models.Q(disability_kind="") & models.Q(disability_grade__isnull=True))
                | (~models.Q(disability_kind="") & models.Q(disability_grade__isnull=False)),
                name="person_disability_kind_with_grade",
            ),
        ]
        indexes = [
            models.Index(fields=["hukou_area"], name="person_hukou_idx"),
            models.Index(fields=["residence_area"], name="person_residence_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_deceased(self) -> bool:
        return self.death_date is not None

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int:
        return self.age_on(self.death_date or dt.date.today())


class Household(BaseModel):
    number = models.CharField("户编号", max_length=32, unique=True)
    area = models.ForeignKey("areas.Area", verbose_name="所在村/社区", on_delete=models.PROTECT,
                             related_name="+", db_column="area_code")
    address = models.CharField("家庭住址", max_length=200, blank=True)
    head = models.ForeignKey(Person, verbose_name="户主", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭"
        ordering = ["number"]
        indexes = [models.Index(fields=["area"], name="household_area_idx")]

    def __str__(self) -> str:
        return f"{self.number}"


class Membership(BaseModel):
    """A person's place in a household. A person belongs to at most one household at a time; leaving
    sets ``ended_on`` so the history stays."""

    household = models.ForeignKey(Household, verbose_name="家庭", on_delete=models.PROTECT,
                                  related_name="memberships")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    living_together = models.BooleanField("共同生活", default=True)
    status = models.CharField("成员状态", max_length=20, choices=MemberStatus.choices, default=MemberStatus.NORMAL)
    started_on = models.DateField("加入日期", default=dt.date.today)
    ended_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        ordering = ["household", "relation"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(ended_on__isnull=True),
                                    name="membership_one_current_household"),
            models.UniqueConstraint(fields=["household"],
                                    condition=models.Q(ended_on__isnull=True, relation="head"),
                                    name="membership_one_head"),
            models.CheckConstraint(condition=models.Q(relation__in=Relation.values), name="membership_relation_valid"),
            models.CheckConstraint(condition=models.Q(status__in=MemberStatus.values), name="membership_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.person_id}"
