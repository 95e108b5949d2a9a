"""Loading the shipped definitions and demo values (演示参数) outside migrations.

Migrations 0002 to 0007 load them once. A database that was flushed afterwards (the transactional tests and
browser journeys flush between tests) has empty policy tables; this puts the same rows back, from the same
lists, and is safe to call twice.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import transaction


def ensure_demo_parameters() -> None:
    definitions = importlib.import_module("minzheng.policy.migrations.0002_parameter_definitions")
    values = importlib.import_module("minzheng.policy.migrations.0003_demo_parameter_values")
    later = importlib.import_module("minzheng.policy.migrations.0004_temp_aid_parameters")
    town_confirmation = importlib.import_module("minzheng.policy.migrations.0005_town_confirmation_parameter")
    payments = importlib.import_module("minzheng.policy.migrations.0006_payment_parameters")
    monitoring = importlib.import_module("minzheng.policy.migrations.0007_monitoring_parameters")
    with transaction.atomic():
        definitions.create_definitions(apps, None)
        values.create_demo_values(apps, None)
        later.create(apps, None)
        town_confirmation.create(apps, None)
        payments.create(apps, None)
        monitoring.create(apps, None)
