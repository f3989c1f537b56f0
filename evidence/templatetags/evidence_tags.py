"""Template filters for the evidence pages."""

from django import template

from engagement_portal.lib.sizes import file_size as _file_size

register = template.Library()


@register.filter
def file_size(size) -> str:
    """{{ file.size|file_size }}: "50 MB", "1.5 MB", "340 KB"."""
    return _file_size(size or 0)
