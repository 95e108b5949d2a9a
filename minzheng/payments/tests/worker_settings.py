"""Settings for the worker subprocesses of the payments kill-and-resume and parallel tests: the jobs tests' worker
settings (a database of their own, quick recovery) with payroll batches of a few sources, so that generating a
few hundred enrollments takes dozens of steps and a kill can land in any of them."""

from minzheng.jobs.tests.worker_settings import *  # noqa: F403

MINZHENG_PAYROLL_BATCH = 4
