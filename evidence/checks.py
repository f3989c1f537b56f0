"""System checks for the evidence library's production configuration (`check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def virus_scanner_configured(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.CLAMD_SOCKET or settings.CLAMD_HOST:
        return []
    if settings.EVIDENCE_ALLOW_UNSCANNED:
        return [
            checks.Warning(
                "Uploaded evidence is marked clean without a virus scan.",
                hint="Set CLAMD_SOCKET or CLAMD_HOST to scan uploads with ClamAV, and unset "
                "EVIDENCE_ALLOW_UNSCANNED.",
                id="evidence.W002",
            )
        ]
    return [
        checks.Warning(
            "No virus scanner is configured: every uploaded file will fail its scan and never "
            "become available.",
            hint="Set CLAMD_SOCKET (clamd's unix socket) or CLAMD_HOST and CLAMD_PORT.",
            id="evidence.W001",
        )
    ]
