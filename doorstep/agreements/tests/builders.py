"""Agreements for tests, made through the real services."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doorstep.agreements import services

PDF_BYTES = b"%PDF-1.4\n% signed copy for tests\n%%EOF\n"


def content(world, **overrides) -> dict:
    values = dict(
        language="cy", review_date=timezone.localdate() + timedelta(days=60), people=[world.parent],
        professionals=[world.users["involved_practitioner"]], behaviours=["shouting", "swearing"],
        other_behaviours="", expectations=["see_children"], other_expectations="", commitments=["respect"],
        agency_commitments={}, consequences=["meeting", "legal"], other_consequences="",
    )
    values.update(overrides)
    return values


def draft(world, **overrides):
    return services.agreement_draft(family=world.family, by=world.users["involved_practitioner"],
                                    **content(world, **overrides))


def issued(world, **overrides):
    version = draft(world, **overrides)
    return services.agreement_version_issue(version=version, by=world.users["involved_practitioner"])


def signed(world, *, with_copy: bool = True):
    version = issued(world)
    return services.agreement_version_respond(
        version=version, by=world.users["involved_practitioner"], signed=True, on=timezone.localdate(),
        people=[world.parent],
        signed_copy=SimpleUploadedFile("signed.pdf", PDF_BYTES, "application/pdf") if with_copy else None)
