"""Every kind of audit event, with the words the activity pages use for it.

Add a line here to record a new kind of event; `audit.services.record` refuses any other action.
"""

ACTIONS: dict[str, str] = {
    # Sign-in
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Failed sign-in",
    "auth.sign_out": "Signed out",
    "auth.locked_out": "Sign-in locked after repeated failures",
    "auth.ended_session_used": "Ended session used again",
    # The second factor (accounts/two_factor.py)
    "auth.second_factor": "Second factor accepted",
    "auth.second_factor_failed": "Wrong second-factor code",
    "auth.recovery_code_used": "Recovery code used",
    "auth.two_factor_set_up": "Two-factor authentication set up",
    "auth.two_factor_turned_off": "Two-factor authentication turned off",
    "auth.recovery_codes_regenerated": "Recovery codes replaced",
    # Refused access to a protected object or page
    "access.refused": "Access refused",
    # Security checks that refused a request
    "security.csrf_refused": "Form refused by the CSRF check",
    # Rubric
    "rubric.changed": "Rubric changed",
    # Self-assessments and reviews
    "assessment.transition": "Assessment status changed",
    "assessment.assigned": "Criteria assigned",
    "assessment.ready": "Criterion marked ready for the lead",
    "assessment.not_ready": "Criterion no longer ready for the lead",
    "review.score": "Assessor score recorded",
    "review.override": "Principle score overridden",
    "review.moderation": "Principle score moderated",
    "review.finalise": "Outcome finalised",
    # Cycles (cycles/)
    "cycle.created": "Cycle created",
    "cycle.dates_changed": "Cycle dates changed",
    "cycle.closed": "Cycle closed",
    # Evidence
    "evidence.upload": "Evidence uploaded",
    "evidence.download": "Evidence downloaded",
    "report.download": "Report downloaded",
    # The engagement activities register (activities/)
    "activity.created": "Engagement activity recorded",
    "activity.changed": "Engagement activity changed",
    "activity.status": "Engagement activity status changed",
    "activity.joined": "Engagement activities joined",
    "activity.unjoined": "Engagement activities no longer joined",
    "activity.published": "“You said, we did” entry published",
    "activity.withdrawn": "“You said, we did” entry withdrawn",
    "activity.imported": "Engagement activities imported",
    "activity.filed_as_evidence": "Engagement register filed as evidence",
    "activity.list_changed": "List of topics or communities changed",
    # Improvement plans (improvement/)
    "improvement.action_added": "Improvement action recorded",
    "improvement.action_changed": "Improvement action changed",
    "improvement.action_status": "Improvement action status changed",
    "improvement.progress": "Improvement action progress updated",
    "improvement.suggestion_decided": "Decision on CQC's area for improvement",
    # Surveys (voices/)
    "survey.changed": "Survey changed",
    "survey.transition": "Survey status changed",
    "survey.filed": "Survey results filed as evidence",
    # Records management: legal holds, retention, backup and restore (records/)
    # People joining and leaving organisations (organisations/services.py).
    "invitation.sent": "Invitation sent",
    "invitation.resent": "Invitation sent again",
    "invitation.cancelled": "Invitation cancelled",
    "invitation.accepted": "Invitation accepted",
    "membership.removed": "Member removed",
    "organisation.legal_hold_set": "Legal hold set",
    "organisation.legal_hold_lifted": "Legal hold lifted",
    "retention.deleted": "Deleted under the retention policy",
    "records.backup": "Backup made",
    "records.restore": "Restored from a backup",
}
