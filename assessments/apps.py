from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Self-assessments"

    def ready(self) -> None:
        from assessments import evidence_citing, reminders  # noqa: F401 (reminders registers itself)
        from evidence import citing

        # The evidence item page offers "Cite this in the 2026/27 self-assessment".
        citing.register(evidence_citing.cite_offers)

        # Someone removed from an organisation keeps none of its work (services.assignments_release).
        from assessments import services
        from organisations import signals as people_signals

        people_signals.member_removed.connect(
            services.member_removed, dispatch_uid="assessments.member_removed"
        )
