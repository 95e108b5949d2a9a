"""``minzheng assess FILE.json``: the classified determination of one household file, printed as JSON.

The same engine as the pages (``assistance.determination.determine``). The standards are the policy
parameters in force in the file's ``area_code`` on its ``as_of`` date, or, with ``--standards``, the values in
a JSON file of ``{parameter code: value}`` (for "what-if" runs and for use without a database).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from minzheng.assistance.determination import determination_to_text, determine, household_from_text
from minzheng.assistance.errors import AssessmentInputError
from minzheng.assistance.standards import Standards, standards_for
from minzheng.core.errors import ApplicationError, ValidationErrors

# Exit codes: 2 for a malformed household file (as argparse uses for a malformed command line), 1 when the
# file is fine but the determination cannot be made (no standards).
EXIT_MALFORMED = 2
EXIT_FAILED = 1


class Command(BaseCommand):
    help = ("一次申请、分类审核认定：读取家庭信息JSON文件，输出各救助项目的认定结果（JSON）；文件格式有误时退出码为2 / "
            "classified determination of a household file, printed as JSON; exits with 2 on a malformed file")

    # Nothing here needs the system checks; the standards are read with one query.
    requires_system_checks: list = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help="家庭信息JSON文件，「-」表示从标准输入读取 / the household file, - for stdin")
        parser.add_argument("--standards", metavar="PARAMS.json",
                            help="政策参数JSON文件（参数代码→值），不读取数据库 / parameter values, no database")

    def handle(self, *args, file: str, standards: str | None = None, **options):
        text = self._read(file, options.get("stdin") or sys.stdin)
        try:
            household = household_from_text(text)
        except ValidationErrors as exc:
            lines = [error.describe() if isinstance(error, AssessmentInputError) else str(error)
                     for error in exc.errors]
            raise CommandError("\n".join([f"{exc.message}：", *lines]), returncode=EXIT_MALFORMED) from exc
        try:
            if standards:
                values = json.loads(self._read(standards, None))
                if not isinstance(values, dict):
                    raise CommandError(f"参数文件 {standards} 必须是JSON对象（参数代码→值）", returncode=EXIT_MALFORMED)
                resolved = Standards.from_values(values)
            else:
                resolved = standards_for(household.area_code, household.as_of)
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=EXIT_FAILED) from exc
        except DatabaseError as exc:
            raise CommandError(f"无法从数据库读取政策参数（数据库是否已迁移？可运行 minzheng migrate）：{exc}",
                               returncode=EXIT_FAILED) from exc
        except ValueError as exc:
            raise CommandError(f"参数文件 {standards} 不是有效的JSON：{exc}", returncode=EXIT_MALFORMED) from exc
        self.stdout.write(determination_to_text(determine(household, resolved)))

    @staticmethod
    def _read(name: str, stdin) -> bytes:
        if name == "-" and stdin is not None:
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
            return data.encode("utf-8") if isinstance(data, str) else data
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {name}：{exc.strerror or exc}", returncode=EXIT_MALFORMED) from exc
