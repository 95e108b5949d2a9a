"""The suite-wide scanner really finds unmasked ID numbers in every kind of response it claims to scan."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.http import HttpResponse
from openpyxl import Workbook

from minzheng.core.identifiers import make_id_number
from minzheng.core.masking import mask_id_number
from minzheng.documents.pdf import render_form
from minzheng.documents.spec import Field, FieldTable, FormDocument, Unmasked
from minzheng.testing.leakscan import SensitiveLeak, scan_response

NUMBER = make_id_number("340471", dt.date(1950, 3, 4), 17, male=True)


@pytest.fixture(autouse=True)
def _keep_suite_statistics(monkeypatch):
    """These tests leak on purpose; they must not count in the suite's own scan summary."""
    from minzheng.testing import leakscan

    monkeypatch.setattr(leakscan, "STATS", leakscan.ScanStats())


def _response(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response.request = {"PATH_INFO": "/test/"}
    return response


def _xlsx(value: str) -> bytes:
    workbook = Workbook()
    workbook.active.append(["身份证号码", value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf(value: str) -> bytes:
    return render_form(FormDocument(title="测试表", blocks=[FieldTable(fields=[Field("身份证号码", value)])]))


@pytest.mark.parametrize("make", [
    lambda v: (f"<td>{v}</td>".encode(), "text/html"),
    lambda v: (json.dumps({"id": v}).encode(), "application/json"),
    lambda v: (_xlsx(v), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    lambda v: (_pdf(Unmasked(v)), "application/pdf"),
], ids=["html", "json", "xlsx", "pdf"])
def test_an_unmasked_number_is_caught_and_a_masked_one_passes(make):
    """Given a response carrying a valid ID number, the scan fails; the masked form passes."""
    body, content_type = make(NUMBER)
    with pytest.raises(SensitiveLeak):
        scan_response(_response(body, content_type))
    body, content_type = make(mask_id_number(NUMBER))
    scan_response(_response(body, content_type))


def test_numbers_failing_the_checksum_and_echoes_of_typed_input_pass():
    bad = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    scan_response(_response(f"<p>{bad}</p>".encode(), "text/html"))
    scan_response(_response(f'<input value="{NUMBER}">'.encode(), "text/html"), typed={NUMBER})


def test_a_response_marked_as_a_logged_reveal_passes():
    response = _response(f"<p>{NUMBER}</p>".encode(), "text/html")
    response.reveals_sensitive = True
    scan_response(response)
