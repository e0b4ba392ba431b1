from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "doorstep.engagement"
    verbose_name = _("Engagement record")

    def ready(self):
        from django.urls import reverse
        from django.utils.text import format_lazy

        from doorstep.chronology import selectors as chronology
        from doorstep.core.navigation import NAV_ITEMS, NavItem

        from .models import Behaviour, Outcome, ThreatKind

        chronology.SOURCE_URLS["engagement.Contact"] = lambda pk: reverse("engagement:detail", args=[pk])
        chronology.SOURCE_URLS["engagement.ParentLetter"] = lambda pk: reverse("engagement:letter_detail", args=[pk])
        # The chronology's behaviour filter (CHR-1, CHR-2): ENG-2 behaviours, then ENG-3 threatening behaviour.
        chronology.FILTER_TAGS.extend((b.value, b.label) for b in Behaviour)
        chronology.FILTER_TAGS.extend(
            (t.value, format_lazy(_("Threatening: {kind}"), kind=t.label)) for t in ThreatKind)
        chronology.TAG_LABELS.update({b.value: b.label for b in Behaviour})
        chronology.TAG_LABELS.update({t.value: t.label for t in ThreatKind})
        chronology.TAG_LABELS.update({o.value: o.label for o in Outcome})
        chronology.TAG_LABELS.update({"defaulted": _("Defaulted"), "late": _("Late entry"),
                                      "corrected": _("Corrected"), "entered_in_error": _("Entered in error"),
                                      "summary_letter": _("Summary for the parent")})
        NAV_ITEMS.append(NavItem("engagement:settings", _("Engagement settings"), lambda u: u.is_administrator,
                                 "/engagement/settings/", order=88))
