from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement plans"

    def ready(self) -> None:
        from assessments import report_sections
        from improvement import reminders, report  # noqa: F401 (reminders registers itself)

        # The self-assessment report's improvement plan section (assessments/report.py).
        report_sections.register(report.section)
