"""The home dashboard's assistance figures count only the user's area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minzheng.assistance.summary import assistance_summary
from minzheng.assistance.tests.test_lifecycle import make_enrollment
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


def test_dashboard_counts_enrolled_households_and_monthly_amounts_per_area(users, login):
    """Given one 低保 household in 甲一村 at ¥940 and one in 乙一村 at ¥500, then 甲一村's worker sees one
    household and ¥940.00, the district sees both and ¥1,440.00, and the page shows the figures."""
    make_enrollment(users["town_a"], [f.make_person(name="甲户主")], amount_fen=94000)
    make_enrollment(users["town_b"], [f.make_person(name="乙户主", area=f.VILLAGE_B1)], amount_fen=50000,
                    area=f.VILLAGE_B1)
    today = dt.date(2026, 11, 29)
    village = assistance_summary(user=users["village_a1"], today=today)
    district = assistance_summary(user=users["district_approver"], today=today)
    assert (village.enrolled_households, village.monthly_amount_fen) == (1, 94000)
    assert (district.enrolled_households, district.monthly_amount_fen) == (2, 144000)
    page = login(users["district_approver"]).get(reverse("web:home")).content.decode()
    assert "在保家庭" in page and "¥1,440.00" in page
