import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def press_key_field():
    """Issue 18, poor signal (SAF-3): a new key in each form of the visit page. A press sent again with it (queued on
    a phone without signal and retried, or pressed twice) is done once: the server returns the first outcome and
    writes nothing new (`services._pressed`). Made here so that it works without JavaScript too."""
    return format_html('<input type="hidden" name="press_key" value="{}">', uuid.uuid4().hex)
