from django.db import models


class DayKind(models.TextChoices):
    """What a holiday notice says about one day."""

    HOLIDAY = "holiday", "法定节假日"
    WORKDAY = "workday", "调休上班"
