"""``minzheng id-check``: validate a resident ID number and print what it encodes as JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from minzheng.core.identifiers import IdNumberError, parse_id_number


class Command(BaseCommand):
    help = ("校验身份证号码（GB 11643），以JSON输出出生日期、性别、地区代码或错误代码；号码无效时退出码为1 / "
            "validate a resident ID number (GB 11643) and print JSON with birth date, sex and area code, or the "
            "error code; exits with 1 when the number is invalid")

    # Nothing here reads the database.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("number", help="18位身份证号码（旧式15位号码会升位）/ the 18-digit ID number (a 15-digit "
                                           "number is upgraded)")

    def handle(self, *args, number: str, **options):
        try:
            info = parse_id_number(number)
        except IdNumberError as exc:
            self.stdout.write(json.dumps({"valid": False, "error": exc.code, "message": exc.message},
                                         ensure_ascii=False))
            raise CommandError("身份证号码无效 / invalid ID number", returncode=1) from exc
        self.stdout.write(json.dumps(info.as_dict(), ensure_ascii=False))
