"""What to do about a timescale: for each rule, the next step in words and the form that takes
it, from the subject the rule stored ("plan:12", "referral:7"). One place, read by My tasks,
the child's summary ("What comes next") and the event pages, so that a task is one click from
the form that puts it right.
"""

from dataclasses import dataclass
from datetime import date

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NextStep:
    label: str  # "Record a visit"
    url: str
    due: date | None = None

    @property
    def sentence(self) -> str:
        """The step with its date, as a link says it: "Record a visit by 4 Dec 2026"."""
        if self.due is None:
            return self.label
        return f"{self.label} by {self.due.day} {self.due:%b %Y}"


# rule code -> (the step in words, the URL name, which arguments: "child", "subject")
_Args = tuple[str, ...]
STEPS: dict[str, tuple[str, str, _Args]] = {
    "CONTACT_DECISION": ("Decide on the contact", "frontdoor:contact-decide", ("child", "subject")),
    "CONTACT_ACKNOWLEDGEMENT": (
        "Acknowledge the referrer",
        "frontdoor:contact-acknowledge",
        ("child", "subject"),
    ),
    "AGENCY_CHECK_LATE": (
        "Chase the agency and record its response",
        "frontdoor:check-respond",
        ("child", "subject"),
    ),
    "REFERRAL_DECISION": (
        "Record the decision on the referral",
        "cases:referral-decide",
        ("child", "subject"),
    ),
    "ASSESSMENT_45": (
        "Complete and authorise the assessment",
        "cases:referral-detail",
        ("child", "subject"),
    ),
    "RE_REFERRAL_12M": ("Review the re-referral", "cases:referral-detail", ("child", "subject")),
    "RE_REFERRAL_AFTER_STEP_DOWN": (
        "Review the re-referral after the step-down",
        "cases:referral-detail",
        ("child", "subject"),
    ),
    "FAMILY_HELP_REVIEW": (
        "Record the Family Help plan's review",
        "familyhelp:review-add",
        ("child", "subject"),
    ),
    "ICPC_15": (
        "Request the initial child protection conference",
        "strategy:section47-detail",
        ("child", "subject"),
    ),
    "ICPC_LATE_NO_INTERIM_PLAN": (
        "Record the interim safety plan",
        "strategy:section47-edit",
        ("child", "subject"),
    ),
    "TRANSFER_IN_15": ("Book the transfer-in conference", "conferences:schedule", ("subject",)),
    "MINUTES_15": ("Approve and distribute the minutes", "conferences:detail", ("subject",)),
    "ICPC_NO_POLICE": (
        "Record the police's attendance or report",
        "conferences:participants",
        ("subject",),
    ),
    "ICPC_HEALTH_UNKNOWN_TO_CHILD": (
        "Check the health attendance",
        "conferences:participants",
        ("subject",),
    ),
    "FIRST_CORE_GROUP": (
        "Record the first core group",
        "conferences:core-group-add",
        ("child", "subject"),
    ),
    "CORE_GROUP_INTERVAL": (
        "Record the core group",
        "conferences:core-group-add",
        ("child", "subject"),
    ),
    "FIRST_REVIEW": (
        "Prepare for the first review conference",
        "conferences:child-plan",
        ("child",),
    ),
    "LATER_REVIEW": ("Prepare for the review conference", "conferences:child-plan", ("child",)),
    "POST_BIRTH_REVIEW": (
        "Prepare for the review conference after the birth",
        "conferences:child-plan",
        ("child",),
    ),
    "STATUTORY_VISIT": ("Record a visit", "cases:visit-add", ("child",)),
    "SEEN_ALONE": ("Say why the child was not seen alone", "cases:visits", ("child",)),
    "MANAGEMENT_OVERSIGHT": ("Record management oversight", "cases:oversight-add", ("child",)),
    "PLAN_ACTION": ("Update the plan's actions", "conferences:child-plan", ("child",)),
    "RETURN_INTERVIEW_72H": (
        "Record the return home interview",
        "cases:missing-edit",
        ("child", "subject"),
    ),
    "STRATEGY_NO_HEALTH": (
        "Record health's part in the strategy discussion",
        "strategy:discussion-edit",
        ("child", "subject"),
    ),
    "STRATEGY_NO_POLICE": (
        "Record the police's part in the strategy discussion",
        "strategy:discussion-edit",
        ("child", "subject"),
    ),
    "TRANSFER_OUT_CONFERENCE": ("Confirm the plan has ended", "conferences:child-plan", ("child",)),
    "GENOGRAM_MISSING": ("Record the family", "cases:family", ("child",)),
    "FATHER_NOT_INVOLVED": (
        "Involve the father, or record why not",
        "cases:involvement-edit",
        ("child", "subject"),
    ),
    "IRO_CASELOAD": ("See the caseload", "conferences:iro-caseload", ()),
    "CONTRIBUTION_LATE": (
        "Chase the contribution, or send a new link",
        "documents:contribution-requests",
        ("child",),
    ),
}


def _subject_pk(subject_key: str) -> int | None:
    try:
        return int(subject_key.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def next_step(
    rule: str, subject_key: str, child_id: int | None, due: date | None = None
) -> NextStep | None:
    """The step that meets this rule for this subject, or None if the rule names none."""
    declared = STEPS.get(rule)
    if declared is None:
        return None
    label, name, wanted = declared
    values: dict[str, int | None] = {"child": child_id, "subject": _subject_pk(subject_key)}
    args = [values[a] for a in wanted]
    if any(a is None for a in args):
        return None
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return NextStep(label, url, due)


def alert_step(alert) -> NextStep | None:
    return next_step(alert.rule, alert.subject_key, alert.child_id, alert.due_date)
