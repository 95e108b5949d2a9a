from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minzheng.demo.generator import demo_logins, generate_demo
from minzheng.registry.models import Person


class Command(BaseCommand):
    help = "生成演示区（虚构数据）/ Generate the fictional demo district"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="随机种子 / random seed")
        parser.add_argument("--persons", type=int, default=120_000, help="人员数 / number of persons")
        parser.add_argument("--if-empty", action="store_true",
                            help="仅在数据库为空时生成 / only into an empty database")
        parser.add_argument("--logins", action="store_true", help="只打印演示账号 / only print the demo logins")
        parser.add_argument("--no-assistance", action="store_true",
                            help="不生成演示救助案件 / skip the demo assistance cases")
        parser.add_argument("--no-monitoring", action="store_true",
                            help="不生成演示监测数据 / skip the demo monitoring feeds and alerts")

    def handle(self, *args, seed, persons, if_empty, logins, no_assistance=False, no_monitoring=False, **options):
        if not getattr(settings, "MINZHENG_DEMO", False):
            raise CommandError("演示数据只能在演示环境中生成（MINZHENG_DEMO 未开启）。")
        if logins:
            self.print_logins()
            return
        if Person.objects.exists() or type(self)._has_areas():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据生成。")
                self.print_logins()
                return
            raise CommandError("数据库不为空：演示数据只能生成到空数据库中。")
        if persons < 1:
            raise CommandError("--persons 必须为正数")
        interactive = sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if interactive:
                width = 30
                filled = width * done // total
                self.stdout.write(f"\r生成演示数据 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
                self.stdout.flush()

        summary = generate_demo(seed=seed, persons=persons, progress=progress)
        if interactive:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"演示区已生成：区划 {summary.areas} 个，家庭 {summary.households} 户，人员 {summary.persons} 人，"
            f"用时 {summary.seconds:.1f} 秒。"))
        if not no_assistance:
            from minzheng.demo.assistance import seed_assistance

            cases = seed_assistance(seed=seed)
            self.stdout.write(self.style.SUCCESS(
                f"演示救助案件：申请 {cases['applications']} 件，救助对象 {cases['enrollments']} 个，"
                f"临时救助 {cases['temp_aid']} 件（均经各环节实际办理生成）。"))
            from minzheng.demo.payments import seed_payments

            paid = seed_payments(seed=seed)
            self.stdout.write(self.style.SUCCESS(
                f"演示资金发放：发放账户 {paid['accounts']} 个，预算 {paid['budgets']} 条，"
                f"历史发放名册 {paid['runs']} 份（已批准、报送银行并对账）。"))
            if not no_monitoring:
                from minzheng.demo.monitoring import seed_monitoring

                watched = seed_monitoring(seed=seed)
                self.stdout.write(self.style.SUCCESS(
                    f"演示动态监测：部门数据文件 {watched['files']} 个（{watched['rows']} 行，隔离 "
                    f"{watched['quarantined']} 行），数据比对 2 次，预警 {watched['alerts']} 条（已办结 "
                    f"{watched['closed']} 条）。"))
        self.print_logins()

    @staticmethod
    def _has_areas() -> bool:
        from minzheng.areas.models import Area

        return Area.objects.exists()

    def print_logins(self) -> None:
        rows = demo_logins()
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write("演示账号（密码相同）/ demo logins:")
        for username, password, role, area in rows:
            self.stdout.write(f"  {username:<15} {password:<10} {role:<10} {area}")
