from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence library"

    def ready(self) -> None:
        from evidence import checks, task_admin  # noqa: F401  (checks registers the deploy checks)

        task_admin.register()
