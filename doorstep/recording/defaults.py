"""RIG-2: the recording check's default list, in English and Welsh, in force until the partnership's administrator
first changes it (then copied into the partnership's own list, `RecordingTerm`). Each term is a word or phrase that
judges or labels a family, with a prompt towards the facts behind it: plain, respectful, in the partnership's voice.
A term's prompt is in the term's own language: it is the partnership's wording, not Doorstep's interface."""

from .check import Term

DEFAULT_TERMS: tuple[Term, ...] = (
    Term("non-compliant", "Say what was asked, by whom, and what the family did or said.", "en"),
    Term("uncooperative", "Describe what happened: what was asked, and what the family did or said.", "en"),
    Term("aggressive", "Describe the behaviour: what did you see or hear?", "en"),
    Term("manipulative", "An opinion about a person: describe what they did or said, and its effect.", "en"),
    Term("hostile", "Describe the behaviour rather than label the person: what did you see or hear?", "en"),
    Term("chaotic", "Describe what you saw: the home, the routine, who was there.", "en"),
    Term("resistant", "Describe what happened: what was offered, and what the family said.", "en"),
    Term("refused to engage", "Say what was offered, how, and what the family said or did.", "en"),
    Term("attention seeking", "Describe the behaviour, and what the person may have needed.", "en"),
    Term("difficult family", "Say what made the work difficult, and for whom.", "en"),
    Term("ddim yn cydymffurfio", "Dywedwch beth ofynnwyd, gan bwy, a beth wnaeth neu ddywedodd y teulu.", "cy"),
    Term("anghydweithredol", "Disgrifiwch beth ddigwyddodd: beth ofynnwyd, a beth wnaeth neu ddywedodd y teulu.",
         "cy"),
    Term("ymosodol", "Disgrifiwch yr ymddygiad: beth welsoch chi neu beth glywsoch chi?", "cy"),
    Term("ystrywgar", "Barn am berson: disgrifiwch beth wnaethon nhw neu ddweud, a'i effaith.", "cy"),
    Term("gelyniaethus", "Disgrifiwch yr ymddygiad yn hytrach na labelu'r person: beth welsoch chi neu glywed?",
         "cy"),
    Term("anhrefnus", "Disgrifiwch beth welsoch chi: y cartref, y drefn, pwy oedd yno.", "cy"),
    Term("gwrthwynebus", "Disgrifiwch beth ddigwyddodd: beth gynigiwyd, a beth ddywedodd y teulu.", "cy"),
    Term("gwrthod ymgysylltu", "Dywedwch beth gynigiwyd, sut, a beth ddywedodd neu wnaeth y teulu.", "cy"),
    Term("ceisio sylw", "Disgrifiwch yr ymddygiad, a beth allai fod ei angen ar y person.", "cy"),
    Term("teulu anodd", "Dywedwch beth wnaeth y gwaith yn anodd, ac i bwy.", "cy"),
)
