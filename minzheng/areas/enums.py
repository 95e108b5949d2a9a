from django.db import models


class AreaLevel(models.TextChoices):
    DISTRICT = "district", "区（县）"
    TOWN = "town", "乡镇（街道）"
    VILLAGE = "village", "村/社区"


class AreaKind(models.TextChoices):
    DISTRICT = "district", "区县"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    SUBDISTRICT = "subdistrict", "街道"
    VILLAGE = "village", "村委会"
    COMMUNITY = "community", "居委会"


# How many leading digits of the 12-digit code identify an area at each level.
PREFIX_LENGTH = {AreaLevel.DISTRICT: 6, AreaLevel.TOWN: 9, AreaLevel.VILLAGE: 12}
