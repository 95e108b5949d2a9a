"""Feed pages: upload with refusal or counts, file detail, masked quarantine download, candidates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from minzheng.audit.models import AccessLog
from minzheng.monitoring import feeds
from minzheng.monitoring.enums import CandidateStatus, FeedFileStatus
from minzheng.monitoring.models import FeedFile, NameMatchCandidate
from minzheng.testing.factories import VILLAGE_A1, make_person, unique_id_number

HEADER = "身份证号码,姓名,死亡日期,户籍地区划代码,出生日期"


@pytest.fixture
def lake_dir(settings, tmp_path):
    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    return settings.MINZHENG_LAKE_DIR


def upload(client, content: bytes, *, kind="police_death", name="death.csv"):
    return client.post(reverse("monitoring:feed_upload"),
                       {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")})


def csv_bytes(rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.mark.django_db
def test_feed_list_shows_kinds_columns_and_files(users, login, lake_dir):
    client = login(users["village_a1"])
    response = client.get(reverse("monitoring:feed_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "公安·死亡注销" in text and "death_date" in text and "上传数据文件" not in text
    response = login(users["district_admin"]).get(reverse("monitoring:feed_list"))
    assert "上传数据文件" in response.content.decode()


@pytest.mark.django_db
def test_upload_loads_and_shows_counts(users, login, lake_dir):
    client = login(users["district_admin"])
    good, bad = unique_id_number(), unique_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    response = upload(client, csv_bytes([f"{good},张三,2025-01-05,,", f"{bad},李四,2025-01-05,,",
                                         f"{unique_id_number()},王五,2025-01-05,,"]))
    feed_file = FeedFile.objects.get()
    assert response.status_code == 302 and response.url == reverse("monitoring:feed_file_detail", args=[feed_file.pk])
    page = client.get(response.url)
    text = page.content.decode()
    assert "已入库 2 行" in text and "校验位错误" in text and 'data-testid="quarantine-download"' in text
    assert good not in text and bad not in text


@pytest.mark.django_db
def test_upload_refusal_shows_reason(users, login, lake_dir):
    client = login(users["district_admin"])
    response = upload(client, "身份证号码,姓名\n1,2\n".encode(), name="wrong.csv")
    page = client.get(response.url)
    text = page.content.decode()
    assert "文件已拒收" in text and "缺少必需的列：死亡日期" in text
    assert FeedFile.objects.get().status == FeedFileStatus.REFUSED


@pytest.mark.django_db
def test_upload_over_limit_refused_without_reading(users, login, lake_dir, settings, monkeypatch):
    settings.MINZHENG_FEED_MAX_BYTES = 50
    monkeypatch.setattr(feeds, "feed_ingest", lambda **kwargs: pytest.fail("read an oversized upload"))
    client = login(users["district_admin"])
    response = upload(client, csv_bytes([f"{unique_id_number()},张三,2025-01-05,,"] * 3))
    assert "超过上限" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_upload_requires_feed_permission(users, login, lake_dir):
    client = login(users["town_a"])
    assert client.get(reverse("monitoring:feed_upload")).status_code == 403
    response = upload(client, csv_bytes([f"{unique_id_number()},张三,2025-01-05,,"]))
    assert response.status_code == 403 and not FeedFile.objects.exists()


@pytest.mark.django_db
def test_quarantine_xlsx_masked_and_logged(users, login, lake_dir):
    admin = users["district_admin"]
    bad = unique_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    content = csv_bytes([f"{bad},李四,2025-01-05,,", f"{unique_id_number()},王五,2025-01-05,,",
                         f"{unique_id_number()},赵六,2025-13-05,,", f"{unique_id_number()},钱七,2025-01-05,,"])
    feed_file = feeds.feed_ingest(acting_user=admin, kind_code="police_death", filename="d.csv", content=content)
    assert feed_file.rows_quarantined == 2
    client = login(admin)
    response = client.get(reverse("monitoring:feed_quarantine_xlsx", args=[feed_file.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("行号", "问题") and "身份证号码" in rows[0]
    id_col = rows[0].index("身份证号码")
    assert rows[1][0] == 2 and "校验位" in rows[1][1] and rows[1][id_col] == bad[:6] + "********" + bad[-4:]
    assert rows[2][0] == 4 and "日期无效" in rows[2][1] and "*" in rows[2][id_col]
    assert AccessLog.objects.filter(actor=admin, action="export", object_type="monitoring.quarantinedrow").exists()
    # A town reviewer may see the file but not download its rows.
    town = login(users["town_a"])
    assert town.get(reverse("monitoring:feed_file_detail", args=[feed_file.pk])).status_code == 200
    assert town.get(reverse("monitoring:feed_quarantine_xlsx", args=[feed_file.pk])).status_code == 403


@pytest.mark.django_db
def test_file_detail_unknown_is_404(users, login):
    client = login(users["district_admin"])
    assert client.get(reverse("monitoring:feed_file_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("monitoring:feed_file_detail",
                              args=["6f1c1b8e-0000-4000-8000-000000000000"])).status_code == 404


@pytest.mark.django_db
def test_candidates_scoped_masked_and_decided(users, login, lake_dir):
    born = dt.date(1950, 5, 6)
    person = make_person(name="张三", birth=born, area=VILLAGE_A1)
    content = csv_bytes([",张三,2025-01-05,340471100201,1950-05-06"])
    feed_file = feeds.feed_ingest(acting_user=users["district_admin"], kind_code="police_death", filename="d.csv",
                                  content=content)
    candidate = NameMatchCandidate.objects.get(file=feed_file)
    # Town 甲 sees it (masked), town 乙 does not.
    town_a = login(users["town_a"])
    text = town_a.get(reverse("monitoring:candidate_list")).content.decode()
    assert "张三" in text and person.masked_id_number in text and person.id_number not in text
    page = town_a.get(reverse("monitoring:candidate_decide", args=[candidate.pk]))
    assert page.status_code == 200 and person.masked_id_number in page.content.decode()
    town_b = login(users["town_b"])
    assert "张三" not in town_b.get(reverse("monitoring:candidate_list")).content.decode()
    assert town_b.get(reverse("monitoring:candidate_decide", args=[candidate.pk])).status_code == 404
    # A village worker may look but not decide.
    village = login(users["village_a1"])
    assert village.post(reverse("monitoring:candidate_decide", args=[candidate.pk]),
                        {"decision": "confirm"}).status_code == 403
    town_a = login(users["town_a"])
    response = town_a.post(reverse("monitoring:candidate_decide", args=[candidate.pk]),
                           {"decision": "confirm", "note": "电话核实"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.note == "电话核实"
