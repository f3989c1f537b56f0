from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Organisations and assessments"

    def ready(self) -> None:
        from assessments import evidence_citing, sign_in_audit
        from evidence import citing

        sign_in_audit.connect()
        # The evidence item page offers "Cite this in the 2026/27 self-assessment".
        citing.register(evidence_citing.cite_offers)
