from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "minzheng.monitoring"
    label = "monitoring"
    verbose_name = "动态监测"

    def ready(self) -> None:
        # Deaths in the cremation and police feeds hold payments until someone checks (payments' payee checks).
        from minzheng.monitoring.lake import recorded_death_keys
        from minzheng.payments.programs import register_death_source

        register_death_source("monitoring_feeds", recorded_death_keys)
