from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "CQC reviews"

    def ready(self) -> None:
        from assessments import cqc_questions
        from reviews import services

        # Check your answers lists CQC's questions; a resubmission's snapshot freezes them.
        cqc_questions.register(services.questions_with_answers)
        # The note to CQC's assessors when an organisation submits (assessment_submitted), and the
        # reminders of factual-accuracy deadlines (send_reminders).
        from reviews import notices, reminders  # noqa: F401
