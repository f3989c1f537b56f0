from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def paragraphs(text: str, css: str = "govuk-body") -> str:
    """Plain text as GOV.UK paragraphs: a blank line starts a new one, a line break stays one."""
    blocks = [block.strip() for block in str(text or "").replace("\r\n", "\n").split("\n\n")]
    return mark_safe(  # noqa: S308 - every block is escaped before it is joined
        "".join(
            f'<p class="{escape(css)}">{escape(block).replace(chr(10), "<br>")}</p>'
            for block in blocks
            if block
        )
    )
