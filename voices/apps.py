from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "voices"
    verbose_name = "Surveys"

    def ready(self) -> None:
        # Question sets hang on rubric versions, which know nothing of them (principles/ is on
        # a lower floor): a new draft copies them, the redline and a version's page show them.
        from principles import extensions
        from voices import rubric

        extensions.draft_created.connect(rubric.copy_question_sets, dispatch_uid="voices.copy_question_sets")
        extensions.register_redline(rubric.redline)
        extensions.register_version_links(rubric.version_links)
