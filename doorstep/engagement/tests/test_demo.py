"""The demo region's engagement histories show what the issue asks them to show."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from doorstep.engagement.models import ACHIEVED_OUTCOMES, Behaviour, Contact, ContactChild, ThreatKind
from doorstep.families.models import Family, MemberRole


def test_demo_histories(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    contacts = Contact.objects.all()
    behaviours = {b for c in contacts for b in c.behaviours}
    threats = {t for c in contacts for t in c.threats}
    assert behaviours == set(Behaviour.values) and threats == set(ThreatKind.values)

    def family(name):
        return Family.objects.get(name=f"{name} household")

    evans = Contact.objects.filter(family=family("Evans"), outcome__in=ACHIEVED_OUTCOMES,
                                   occurred_at__gte=timezone.now() - timedelta(days=150))
    assert {c.agency.name for c in evans} == {"Afonwy Schools Service"}  # engages with school only
    pritchard = Contact.objects.filter(family=family("Pritchard"))
    assert sum("disguised_compliance" in c.behaviours for c in pritchard) >= 5
    assert pritchard.filter(defaulted=True, planned=True).count() >= 10  # agreed, then not kept
    llewellyn = Contact.objects.filter(family=family("Llewellyn"))
    assert llewellyn.count() > 20 and not llewellyn.filter(occurred_at__gte=timezone.now() - timedelta(days=100))
    morgan = family("Morgan")
    eldest = morgan.members.filter(role=MemberRole.CHILD).order_by("id").first()
    assert ContactChild.objects.filter(child=eldest, seen=True).count() > 5
    assert not ContactChild.objects.filter(child=eldest, seen_alone=True).exists()  # never seen alone
    assert contacts.filter(recorded_late=True, family=family("Hughes")).count() >= 2
    assert contacts.filter(version__gt=1, family=family("Hughes")).exists()
    assert contacts.filter(entered_in_error=True, family=family("Price")).exists()
    assert contacts.filter(family=family("Owen")).values("agency").distinct().count() == 8
