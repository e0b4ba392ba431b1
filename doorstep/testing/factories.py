"""Factories for the dull parts (agencies, staff). Family data is built through the real services."""

import factory

from doorstep.agencies.models import Agency, AgencyKind, Professional, Role, Team


# Names the tests' families use (the world's "Kelly and Alfie Testing"): no member of staff shares them, so a test
# asserting that a family's name is absent from a page or an e-mail cannot be fooled by a colleague's name (issue 12).
FAMILY_NAMES = {"Kelly", "Alfie", "Testing"}


class StaffName(factory.Faker):
    """A Faker name (seeded per test in conftest.py) that is no family's name and has no apostrophe, which pages
    escape and so a test comparing text could not find."""

    def evaluate(self, instance, step, extra):
        while True:
            name = super().evaluate(instance, step, dict(extra))
            if "'" not in name and name not in FAMILY_NAMES:
                return name


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.HEALTH


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pro{n}")
    first_name = StaffName("first_name", locale="en_GB")
    last_name = StaffName("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.PRACTITIONER
    password = factory.django.Password("correct-horse-battery")
