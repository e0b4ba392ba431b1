"""Protocol presets (issue 21): one per seed document (../shared/seeds/000..004), built from each protocol's own
text, clause by clause, and "All five protocols", the merged set PROTOCOL.md describes.

A preset says, for every requirement ID of PROTOCOL.md, where that protocol says it (its clause, in its own numbering,
quoted briefly), or that the protocol is silent. For the rules of the one engine (escalations.rules.RULES) that
decides which are on: a rule the protocol is silent on is off, with the reason "not in this protocol", never
borrowed from another protocol; except the rules that keep a person safe now (`RuleDefinition.always_on`), which
stay on in every partnership and say that the protocol is silent. Thresholds and timescales are the protocol's own
where it gives them, else the rule's defaults. A partnership starts from a preset and may then change its settings
(audited, ESC-12).

Data in code, English: the quotes are the protocols' own words, shown as quotations. `docs/protocols.md` is written
from here (`manage.py protocols_index`, partnerships/index.py) and the Done-when test reads it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Every requirement of PROTOCOL.md, in its order.
REQUIREMENT_IDS = (
    "P-1", "P-2", "P-3", "P-4", "P-5",
    "ORG-1", "ORG-2", "ORG-3",
    "FAM-1", "FAM-2", "FAM-3", "FAM-4", "FAM-5",
    "ENG-1", "ENG-2", "ENG-3", "ENG-4", "ENG-5", "ENG-6",
    "CHR-1", "CHR-2",
    *(f"ESC-{n}" for n in range(1, 13)),
    "SAF-1", "SAF-2", "SAF-3", "SAF-4",
    "FLG-1", "FLG-2", "INC-1", "INC-2",
    *(f"MTG-{n}" for n in range(1, 10)),
    "AGR-1", "AGR-2",
    *(f"SUP-{n}" for n in range(1, 6)),
    "OVR-1", "OVR-2", "OVR-3",
    "RIG-1", "RIG-2",
)

ALL_FIVE = "all-five"
NOT_IN_PROTOCOL = "not in this protocol"


@dataclass(frozen=True)
class Clause:
    """Where a protocol says a requirement: its clause in the protocol's own numbering, and its words, briefly."""

    ref: str
    quote: str = ""


@dataclass(frozen=True)
class RuleState:
    """A rule as a preset has it: on or off, the clause it cites, and why it is off (or on though silent)."""

    rule_id: str
    enabled: bool
    clause: str
    reason: str = ""
    parameters: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    key: str
    name: object  # lazy translation
    seed: str  # "003": the seed file it is built from ("" for the merged set)
    citation: str  # how its clauses are cited: "Bridgend protocol"
    title: str  # the document's own title
    includes: Mapping[str, Clause]  # requirement ID -> where the protocol says it
    # rule ID -> the protocol's own thresholds and timescales (the rest are the rule's defaults).
    parameters: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # meeting kind (meetings.MeetingKind) -> what the protocol calls it, for the kinds it uses.
    meeting_kinds: Mapping[str, str] = field(default_factory=dict)

    def cite(self, rule_id: str, merged_clause: str = "") -> str:
        """The clause a rule's action cites in this protocol's numbering and name ("Cwm Taf protocol 3.1"). The
        merged set cites the seed clauses (`merged_clause`, "003 §7.9"); a rule the protocol is silent on keeps the
        merged clause (a partnership switched it on itself, ESC-12)."""
        clause = self.includes.get(rule_id)
        if self.key == ALL_FIVE or clause is None:
            return merged_clause
        # A rule with two clauses in the merged set (ESC-3: 001 §5.1.9.1, §5.1.10) keeps which one it raised under.
        if self.seed and merged_clause.startswith(f"{self.seed} §"):
            return f"{self.citation} {merged_clause.removeprefix(f'{self.seed} §').split(',')[0]}"
        return f"{self.citation} {clause.ref}".strip()

    def rule_state(self, rule_id: str) -> RuleState:
        from doorstep.escalations.rules import RULES

        definition = RULES[rule_id]
        values = {**definition.defaults(), **self.parameters.get(rule_id, {})}
        if self.key == ALL_FIVE:
            return RuleState(rule_id, True, definition.clause, parameters=values)
        clause = self.includes.get(rule_id)
        if clause is not None:
            return RuleState(rule_id, True, f"{self.citation} {clause.ref}".strip(), parameters=values)
        if definition.always_on:
            return RuleState(rule_id, True, definition.clause,
                             f"{NOT_IN_PROTOCOL}; always on, it keeps people safe", values)
        return RuleState(rule_id, False, "", NOT_IN_PROTOCOL, values)


C = Clause

# --- 000: the MARP protocol ("Difficult or dangerous families"), unnumbered: cited by paragraph of "The protocol" --

MARP = Preset(
    key="marp", name=_("MARP protocol"), seed="000", citation="MARP protocol",
    title="Difficult or dangerous families (the MARP protocol)",
    includes={
        "P-1": C("introduction", "Remember – if you feel threatened, what is life like for the child?"),
        "P-3": C("¶6", "This plan will be recorded."),
        "P-4": C("¶8", "the information shared will be on a basis of absolute confidentiality"),
        "ORG-1": C("¶3", "at the request of a health, education, social work, housing or police representative"),
        "ORG-2": C("¶4", "Each agency will designate the appropriate postholder able to call a meeting"),
        "MTG-1": C("¶2", "a group of multi-agency staff meeting together"),
        "MTG-2": C("¶5", "The MARP will meet at the earliest opportunity; ... called by the concerned agency who will "
                         "also chair and minute the meeting"),
        "MTG-3": C("¶6", "agree a plan of intervention, which will specify each agency's responsibility"),
        "MTG-4": C("¶6", "The minute will be circulated to each attending agency within seven days"),
        "MTG-5": C("¶7", "The MARP may arrange a second meeting within a specified period of time"),
        "MTG-6": C("¶8", "another agency ... where a specialist opinion or resource is required"),
        "OVR-2": C("¶9", "submit a copy of its minute to the Chair of the Child Protection Committee"),
    },
    parameters={"MTG-4": {"circulate_within_days": 7}},
    meeting_kinds={"marp": "MARP"},
)

# --- 001: Milton Keynes, "Hard to engage families" (chapter 5.1) -------------------------------------------------

MILTON_KEYNES = Preset(
    key="milton-keynes", name=_("Milton Keynes procedures"), seed="001", citation="Milton Keynes procedures",
    title="Milton Keynes Safeguarding Children Board: Hard to engage families (November 2009)",
    includes={
        "P-1": C("5.1.8", "the child's welfare"),
        "P-2": C("5.1.19", "should not result in closure of the case until there has been consultation"),
        "P-5": C("5.1.18", "No sole agency works in isolation"),
        "ORG-2": C("5.1.17", "a child protection consultation ... with a child protection coordinator"),
        "FAM-2": C("5.1.10", "If the family are currently known to Children's Social Care"),
        "FAM-4": C("5.1.9.19", "communication"),
        "FAM-5": C("5.1.2", "Some of the reasons why families find it difficult to engage"),
        "ENG-1": C("5.1.9.2", "Ensure all discussions and attempts at engagement are clearly recorded"),
        "ENG-2": C("5.1.4-5.1.8", "ambivalence, avoidance, confrontation, violence"),
        "ENG-3": C("5.1.9.25", "threats"),
        "ENG-4": C("5.1.9", "Accurate information and clear understanding of what is happening to a child"),
        "ESC-3": C("5.1.9.1", "seek to promptly discuss this with their line manager"),
        "ESC-4": C("5.1.13", "must be reported to the first line manager immediately"),
        "ESC-5": C("5.1.16", "it must alert other agencies of the risks posed"),
        "ESC-6": C("5.1.19", "should not result in closure of the case until there has been consultation with all "
                             "relevant parties"),
        "ESC-7": C("5.1.17", "a child protection consultation should be considered ... and a hard to engage "
                             "professionals meeting should be convened"),
        "ESC-9": C("5.1.9.5", "It is useful to reflect on your own practice"),
        "ESC-10": C("5.1.21", "The most worrying scenario is when every agency cannot engage the family so every one "
                              "withdraws"),
        "SAF-2": C("5.1.9.23", "two requirements are common to all circumstances"),
        "SAF-3": C("5.1.9.24", "follow internal Health and Safety procedures"),
        "MTG-1": C("5.1.11", "this meeting could be"),
        "MTG-8": C("5.1.22", "the threat of risk is not exaggerated by group thinking"),
        "MTG-9": C("5.1.23-5.1.26", "Close; Continue; Child protection; Legal"),
        "AGR-1": C("5.1.9.17", "Have a clear written agreement ... (It is a two way process)"),
        "SUP-2": C("5.1.9.5", "reflect on your own practice"),
        "RIG-2": C("5.1.27", "respect"),
    },
    meeting_kinds={
        "hard_to_engage": "hard to engage professionals meeting",
        "professionals": "professionals meeting",
        "strategy": "strategy discussion",
        "core_group": "Core Group",
        "review_conference": "review child protection conference",
        "family_support": "Family Support Meeting",
        "legal_planning": "legal planning meeting",
    },
)

# --- 002: PG38 Resistant families ---------------------------------------------------------------------------------

PG38 = Preset(
    key="pg38", name=_("PG38 Resistant families"), seed="002", citation="PG38",
    title="PG38. Resistant Families",
    includes={
        "P-1": C("1.2", "consider what life is like for the child"),
        "P-4": C("4.8", "There are reasonable uncertainties and need for care when considering disclosing personal "
                        "information about an adult"),
        "FAM-3": C("4.4", "When parents are only hostile to some professionals / agencies"),
        "ENG-2": C("1.1", "compliance is apparent rather than genuine"),
        "ENG-4": C("3.3", "the assessment"),
        "ESC-5": C("4.6", "consider the potential implications for any other professional or agency involved"),
        "ESC-11": C("4.4", "When parents are only hostile to some professionals / agencies ... the risk of a breakdown "
                           "in inter-agency collaboration is probably at its greatest"),
        "SAF-2": C("9.5", "The action plan should be agreed prior to a visit taking place"),
        "FLG-1": C("9.8", "Files and computer records should clearly indicate the risks to professionals"),
        "AGR-1": C("3.10", "Professionals should consider drawing up a written contract with the family"),
        "SUP-1": C("9.1", "Supervision discussions should focus on any hostility"),
        "SUP-3": C("9.5", "An agreed action plan should be drawn up ... clearly recorded in the supervision notes"),
        "SUP-4": C("9.7", "Health and safety should be a regular item on the agenda of team meetings and "
                          "supervisions"),
    },
)

# --- 003: Bridgend, hostile and uncooperative parents / carers ---------------------------------------------------

BRIDGEND = Preset(
    key="bridgend", name=_("Bridgend protocol"), seed="003", citation="Bridgend protocol",
    title="Bridgend SCB: hostile and uncooperative parents or carers",
    includes={
        "P-2": C("2", "the impact on the protection of children"),
        "P-3": C("6.1", "recorded"),
        "FAM-3": C("6", "giving different information to different workers"),
        "FAM-4": C("6", "language"),
        "ENG-2": C("4.2", "disguised compliance"),
        "ENG-3": C("4.1", "complaints used as intimidation"),
        "ENG-6": C("7.9", "Defaulted visits and appointments should be rigorously followed up"),
        "CHR-1": C("7.8", "should be standard practice"),
        "CHR-2": C("7.8", "chronology"),
        "ESC-1": C("7.9", "any more than three defaulted visits should alert staff and managers to convene a multi "
                          "agency meeting"),
        "ESC-2": C("7.9", "a multi agency meeting should be convened within 7 working days ... the Core Group should "
                          "be convened immediately within 3 working days"),
        "ESC-8": C("7.9", "Managers must ensure that children are seen"),
        "SAF-1": C("5.3", "The individual worker is responsible for making an initial assessment of risk"),
        "SAF-2": C("5.3", "police assistance in undertaking the visit should be sought"),
        "SAF-3": C("5.4", "whereabouts"),
        "FLG-1": C("7.9", "their presence made known to workers and partner agencies ... who may subsequently be "
                          "required to visit"),
        "INC-2": C("5.3", "full information on any incidents, threats or potential violence"),
        "MTG-1": C("7.4", "a meeting of professionals involved without parents/carers"),
        "ORG-2": C("7.5", "legal advice"),
        "OVR-3": C("5.4", "allocation"),
    },
    parameters={
        "ESC-1": {"threshold": 4},  # "any more than three defaulted visits"
        "ESC-2": {"no_plan_working_days": 7, "cp_plan_working_days": 3},
    },
    meeting_kinds={
        "professionals": "meeting of professionals without parents/carers",
        "strategy": "Strategy Meeting",
        "core_group": "Core Group",
    },
)

# --- 004: Cwm Taf, families who are not cooperating with safeguarding concerns -----------------------------------

CWM_TAF = Preset(
    key="cwm-taf", name=_("Cwm Taf protocol"), seed="004", citation="Cwm Taf protocol",
    title="Cwm Taf Safeguarding Children Board: working with families who are not cooperating with safeguarding "
          "concerns (January 2014)",
    includes={
        "P-1": C("1.2", "the welfare of the unborn/child"),
        "P-4": C("3.3", "Sharing Information"),
        "P-5": C("3.2", "the need for very good inter-agency collaboration and trust is paramount"),
        "FAM-1": C("2.3", "adults living, staying or frequently visiting"),
        "FAM-4": C("4.2", "Respecting Families"),
        "FAM-5": C("1.4", "Reasons for Non Cooperation"),
        "ENG-1": C("2.3", "where the child sleeps"),
        "ENG-2": C("1.3", "Ambivalence ... Avoidance ... Confrontation ... Violence"),
        "ENG-3": C("5.1", "Dealing with Hostility and Violence"),
        "ENG-4": C("2.1", "Impact on the Assessment of the Unborn/Children/Families"),
        "ENG-5": C("4.2", "what is required of whom by when"),
        "ESC-4": C("App. 1", "violence at work"),
        "ESC-5": C("3.2", "Ensuring Effective Multi-agency Working"),
        "ESC-9": C("2.3", "Impact on your Assessment of Adults"),
        "ESC-10": C("3.1", "Everyone 'backs off', leaving the child unprotected"),
        "ESC-11": C("3.1", "If the hostility is not universal, then agencies should seek to understand why"),
        "SAF-1": C("6.1", "Professional Responsibility"),
        "SAF-2": C("6.1", "joint visit"),
        "SAF-3": C("6.1", "clear procedures for what should be done if a professional does not return or report back "
                          "within the agreed time"),
        "SAF-4": C("6.1", "Contact the Manager immediately"),
        "FLG-1": C("§7", "Supervision and support"),
        "FLG-2": C("App. 1", "how hostile and violent behaviour is recorded and flagged"),
        "INC-1": C("6.2", "Management Responsibilities"),
        "MTG-5": C("3.5", "Multi Agency Meetings, Child Protection Conferences, Core groups"),
        "MTG-7": C("3.5", "a plan of what, how and when to share with the family"),
        "AGR-1": C("2.4", "Drawing up a Written Agreement"),
        "SUP-1": C("§7", "Supervision discussions should focus on any hostility"),
        "SUP-2": C("3.4", "Supervision"),
        "SUP-3": C("§7", "action plan"),
        "SUP-4": C("6.2", "Management Responsibilities"),
        "SUP-5": C("6.1", "how the work will progress safely"),
        "OVR-1": C("4.1", "Response to Uncooperative Families"),
        "OVR-3": C("6.2", "Pay attention to safe working when allocating workloads"),
        "RIG-1": C("4.2", "Respecting Families"),
        "RIG-2": C("4.2", "Respecting Families"),
    },
    meeting_kinds={
        "professionals": "multi-agency meeting",
        "core_group": "core group",
        "review_conference": "child protection conference",
    },
)


def _merged() -> dict[str, Clause]:
    """The merged set: every requirement, where PROTOCOL.md cites it (the first protocol it names)."""
    merged: dict[str, Clause] = {}
    for preset in (MARP, MILTON_KEYNES, PG38, BRIDGEND, CWM_TAF):
        for requirement, clause in preset.includes.items():
            sep = " §" if clause.ref[:1].isdigit() else " "
            merged.setdefault(requirement, Clause(f"{preset.seed}{sep}{clause.ref}", clause.quote))
    for requirement in REQUIREMENT_IDS:
        merged.setdefault(requirement, Clause("PROTOCOL.md"))
    return merged


ALL_FIVE_PRESET = Preset(
    key=ALL_FIVE, name=_("All five protocols"), seed="", citation="",
    title="All five protocols (PROTOCOL.md)", includes=_merged(),
    meeting_kinds={**MILTON_KEYNES.meeting_kinds, **MARP.meeting_kinds},
)

PRESETS: dict[str, Preset] = {p.key: p for p in (ALL_FIVE_PRESET, MARP, MILTON_KEYNES, PG38, BRIDGEND, CWM_TAF)}


def preset_choices() -> list[tuple[str, object]]:
    return [(p.key, p.name) for p in PRESETS.values()]
