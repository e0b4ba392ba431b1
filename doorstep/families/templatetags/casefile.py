from django import template

from doorstep.families import casefile

register = template.Library()


@register.inclusion_tag("families/_banners.html", takes_context=True)
def family_banners(context, family):
    """The case file's banners (warning markers, open escalations) on every page about a family (FLG-1)."""
    request = context["request"]
    return {
        "banners": casefile.render_panels(casefile.BANNERS, family=family, professional=request.user),
        "request": request,
    }
