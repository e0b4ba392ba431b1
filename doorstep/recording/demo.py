"""Demo (issue 20, RIG-2): in the Evans household,

- a children's services home visit, cut short five months ago, whose note judges instead of describing ("Mum was
  aggressive and uncooperative as usual"): the recording check marks it (open the contact's "Correct this contact"
  as csc.practitioner and press "Check wording"), and the family's account stands beside it in the chronology;
- the father's request to correct the police's welfare-check note, logged by the school ten days ago and awaiting the
  police's decision: police.practitioner has the RIG-2 action, due one calendar month after receipt.
"""

import random
from datetime import timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion
from doorstep.engagement.demo import History
from doorstep.engagement.models import Contact
from doorstep.engagement.models import ContactKind as K
from doorstep.engagement.models import Outcome as O

from .services import correction_request_log

PLANTED_NOTE = "Mum was aggressive and uncooperative as usual. Visit ended early."
PLANTED_ACCOUNT = ("Mum says she was frightened the children would be taken away, and asked for the next visit to "
                   "be at the family centre with her sister there.")


def load(region: DemoRegion) -> None:
    h = History(region, "evans", random.Random(20))
    h.add("csc", 160, K.HOME_VISIT, O.CUT_SHORT, adults=[0], hour=14, purpose="Child in need review at home.",
          note=PLANTED_NOTE, family_account=PLANTED_ACCOUNT)
    father = h.adults[1] if len(h.adults) > 1 else h.adults[0]
    police = (Contact.objects.filter(family=h.family, agency=region.agencies["police"]).order_by("-occurred_at")
              .first())
    correction_request_log(
        record=police, by=region.practitioner("school"), person=father,
        received_on=timezone.localdate() - timedelta(days=10),
        request_text="I did not refuse. I asked the officers to come back when my wife was home, because the "
                     "children were asleep.")
