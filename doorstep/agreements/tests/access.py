"""Written agreements are family data (P-4): everyone who may see the family, nobody else."""

from doorstep.agreements import services
from doorstep.testing.access import AGENCY_STAFF, FAMILY, FAMILY_INVOLVED, Route

from .builders import issued, signed


def _world_agreement(w):
    """An agreement given to the family (version 1) with a draft of version 2, built once per world."""
    if not hasattr(w, "agreement_v1"):
        w.agreement_v1 = issued(w)
        w.agreement_v2 = services.agreement_revise(agreement=w.agreement_v1.agreement,
                                                   by=w.users["involved_practitioner"])
    return w.agreement_v1


def _draft(w) -> dict:
    _world_agreement(w)
    return {"version_id": w.agreement_v2.pk}


def _signed(w):
    if not hasattr(w, "agreement_signed"):
        w.agreement_signed = signed(w)
    return {"version_id": w.agreement_signed.pk}


class _AgreementQuery:
    """The matrix appends a fixed query string; the agreement's id is only known once the world is built, so this
    renders `agreement=<id>` from the agreement the route's kwargs function has just made."""

    value = ""

    def __bool__(self):
        return True

    def __radd__(self, other: str) -> str:
        return other + self.value


_breach_query = _AgreementQuery()


def _breach_kwargs(w) -> dict:
    _breach_query.value = f"agreement={_world_agreement(w).agreement_id}"
    return {}


ROUTES = [
    Route("agreements:create", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    # The forms' POST rows send nothing: the form comes back with errors to whoever may write (issue 13).
    Route("agreements:create", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("agreements:detail", FAMILY, lambda w: {"agreement_id": _world_agreement(w).agreement_id}),
    Route("agreements:revise", FAMILY_INVOLVED, lambda w: {"agreement_id": _world_agreement(w).agreement_id}, method="post"),
    Route("agreements:review", FAMILY_INVOLVED, lambda w: {"agreement_id": _world_agreement(w).agreement_id}),
    Route("agreements:review", FAMILY_INVOLVED, lambda w: {"agreement_id": _world_agreement(w).agreement_id},
          method="post"),
    Route("agreements:version", FAMILY, lambda w: {"version_id": _world_agreement(w).pk}),
    Route("agreements:version_pdf", FAMILY, lambda w: {"version_id": _world_agreement(w).pk}),
    Route("agreements:version_edit", FAMILY_INVOLVED, _draft),
    Route("agreements:version_edit", FAMILY_INVOLVED, _draft, method="post"),
    Route("agreements:version_issue", FAMILY_INVOLVED, _draft,
          method="post"),
    Route("agreements:version_respond", FAMILY_INVOLVED, lambda w: {"version_id": _world_agreement(w).pk}),
    Route("agreements:version_respond", FAMILY_INVOLVED, lambda w: {"version_id": _world_agreement(w).pk},
          method="post"),
    Route("agreements:signed_copy", FAMILY, _signed),
    # AGR-2: ?contact= and ?incident= are covered in test_views (the same family_get_for rule).
    Route("agreements:breach_create", FAMILY_INVOLVED, _breach_kwargs, query=_breach_query),
    Route("agreements:breach_create", FAMILY_INVOLVED, _breach_kwargs, method="post", query=_breach_query),
    Route("written-agreement-list", AGENCY_STAFF, api=True),
    Route("written-agreement-detail", FAMILY, lambda w: {"pk": _world_agreement(w).agreement_id}, api=True),
    Route("written-agreement-breaches", FAMILY_INVOLVED, lambda w: {"pk": _world_agreement(w).agreement_id}, method="post",
          api=True),
    Route("agreement-version-detail", FAMILY, lambda w: {"pk": _world_agreement(w).pk}, api=True),
]
