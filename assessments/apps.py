from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Organisations and assessments"

    def ready(self) -> None:
        from assessments import sign_in_audit

        sign_in_audit.connect()
