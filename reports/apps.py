from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Tiến độ và báo cáo")

    def ready(self) -> None:
        # A new planning period carries over or closes the plan's unfinished tasks too.
        from indices.services.periods import rollover_part_register  # noqa: PLC0415
        from reports.services_periods import TasksRollover  # noqa: PLC0415

        rollover_part_register(TasksRollover())
