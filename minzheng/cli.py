"""The ``minzheng`` command: the platform's entry point for operators (wraps manage.py).

    minzheng run        migrate, load the demo district into an empty database, serve on 127.0.0.1:8000
                        with a job worker beside the server
    minzheng <command>  any command listed in USAGE, or any manage.py command
"""

from __future__ import annotations

import os
import sys

USAGE = """民政一体化业务平台 / Minzheng

用法 / usage: minzheng <命令 command> [参数 options]

  run [--port N]            迁移数据库，空库时载入演示区，启动服务和后台任务进程
                            migrate, load the demo district if empty, serve, start the job worker
  worker [--once]           运行后台任务进程 / run the job worker
  job-start KIND            提交后台任务 / queue a background job (--list shows the kinds)
  demo [--persons N]        生成演示区（虚构数据）/ generate the fictional demo district
  deadline --from DATE --working-days N | --days N [--roll]
                            计算期限（法定节假日与调休）/ compute a deadline with the PRC holiday calendar
  id-check NUMBER           校验身份证号码，输出JSON / check an ID number, print JSON
  rotate-keys [--check]     用当前密钥重新加密敏感字段 / re-encrypt sensitive fields with the current key
  audit-archive             归档超过保存期限的审计记录 / archive audit rows past the retention period
  api-token                 为对接系统签发接口令牌 / issue an API token
  feed-load KIND FILE --user NAME
                            导入部门比对数据文件（--list 列出数据来源）/ load a department feed file
  <任意 any>                 其它 manage.py 命令 / any other manage.py command

每个命令都支持 --help / every command takes --help
"""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")
    import django

    django.setup()


def run(argv: list[str]) -> int:
    import subprocess

    from django.core.management import call_command

    port = "8000"
    if "--port" in argv:
        port = argv[argv.index("--port") + 1]
    _setup()
    print("▶ 迁移数据库 / migrating the database …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    if getattr(settings, "MINZHENG_KEYS_CREATED", False):
        print("▶ 已在 var/keys.json 生成本机演示用加密密钥（勿提交到代码库；生产环境请通过环境变量提供密钥）\n"
              "  generated local demo encryption keys in var/keys.json (never commit them; production reads "
              "keys from the environment)", flush=True)
    if getattr(settings, "MINZHENG_DEMO", False):
        print("▶ 检查演示数据 / checking the demo district …", flush=True)
        call_command("demo", if_empty=True)
    # The job worker runs beside the server as a child process with the same settings. It writes log lines
    # rather than a progress bar, which the server's request log would break up; it stops with the server,
    # and by itself if this process dies without stopping it.
    print("▶ 启动后台任务进程 / starting the job worker …", flush=True)
    worker = subprocess.Popen([sys.executable, "-m", "minzheng.cli", "worker", "--no-bar",
                               "--parent-pid", str(os.getpid())])
    try:
        print(f"\n▶ 服务地址 / serving at http://127.0.0.1:{port}/  （Ctrl+C 停止 / to stop）\n", flush=True)
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
    finally:
        # SIGTERM lets the worker finish its current step and hand the job back; a worker that does not
        # stop in time is killed, which is safe too: the job resumes from its last checkpoint.
        if worker.poll() is None:
            worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")
    from django.core.management import execute_from_command_line

    # Commands are written with hyphens on the command line (id-check) and underscores in Django (id_check).
    execute_from_command_line(["minzheng", command.replace("-", "_"), *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
