"""What "Who has looked" says each page was: words ("Core group: add"), never a URL name.

The access log stores what the middleware knows, the page's URL name ("conferences:core-group-
add"), and that stays as it is (the log is append-only); the page shows it through
`page_name`. A page missing from the list below is still said in words, made from its URL name
("cases:widget-edit" -> "Widget: edit"); tests/audit/test_page_names.py asks for a name here
for every page of a child's record.
"""

PAGE_NAMES: dict[str, str] = {
    "cases:child-detail": "Summary",
    "cases:child-edit": "Child's details: edit",
    "cases:child-birth": "Birth: record",
    "cases:child-restriction": "Restricted record: change",
    "cases:open-with-reason": "Opened with a reason (Known to us?)",
    "cases:previous-plans": "Plans in other local authorities",
    "cases:previous-plan-add": "Plan in another local authority: add",
    "cases:previous-plan-edit": "Plan in another local authority: edit",
    "cases:protective-orders": "Emergency protection orders and police protection",
    "cases:protective-order-add": "Emergency protection order or police protection: add",
    "cases:protective-order-edit": "Emergency protection order or police protection: edit",
    "familyhelp:child": "Family Help",
    "familyhelp:assessment-add": "Early help assessment: add",
    "familyhelp:assessment-edit": "Early help assessment: edit",
    "familyhelp:plan-add": "Family Help plan: add",
    "familyhelp:plan-edit": "Family Help plan: edit or end",
    "familyhelp:review-add": "Family Help plan: record a review",
    "familyhelp:step-up": "Family Help: step up to children's social care",
    "familyhelp:step-up-accept": "Family Help: accept the step-up",
    "familyhelp:step-down": "Referral: close and step down to Family Help",
    "familyhelp:step-down-accept": "Family Help: accept the step-down",
    "familyhelp:request-accept": "Family Help: accept the front door's request",
    "cases:family": "Family and network",
    "cases:family-add": "Family member: add",
    "cases:family-edit": "Family member: edit",
    "cases:professional-add": "Professional: add",
    "cases:professional-edit": "Professional: edit",
    "cases:genogram": "Genogram",
    "cases:family-view": "Siblings and family",
    "cases:family-chronology": "Family chronology",
    "cases:household-move": "Household: record a move",
    "cases:involvement-edit": "Significant adult: involvement",
    "cases:person-names-edit": "Family member: other names",
    "cases:relationship-edit": "Relationship: edit",
    "documents:child-documents": "Documents",
    "documents:contribution-requests": "Contribution requests",
    "documents:contribution-request-new": "Contribution request: ask a professional",
    "documents:contribution-new-link": "Contribution request: send a new link",
    "documents:contribution-withdraw": "Contribution request: withdraw",
    "documents:detail": "Document",
    "documents:download": "Document: download",
    "documents:new-version": "Document: new version",
    "documents:remove": "Document: remove",
    "documents:share": "Document: record sharing",
    "documents:upload": "Document: upload",
    "cases:referrals": "Referrals and assessments",
    "cases:referral-add": "Referral: add",
    "cases:referral-detail": "Referral",
    "cases:referral-edit": "Referral: edit",
    "cases:referral-decide": "Referral: threshold decision",
    "cases:referral-close": "Referral: close the episode",
    "cases:assessment-add": "Assessment: add",
    "cases:assessment-edit": "Assessment: edit",
    "cases:assessment-authorise": "Assessment: authorise",
    "cases:cin-plans": "Child in need plans",
    "cases:cin-plan-add": "Child in need plan: add",
    "cases:cin-plan-edit": "Child in need plan: edit",
    "cases:cin-plan-end": "Child in need plan: end",
    "cases:allocation": "Allocation",
    "cases:visits": "Visits",
    "cases:visit-add": "Visit: add",
    "cases:visit-edit": "Visit: edit",
    "cases:missing": "Missing episodes",
    "cases:missing-add": "Missing episode: add",
    "cases:missing-edit": "Missing episode: edit",
    "cases:notes": "Case notes",
    "cases:note-add": "Case note: add",
    "cases:note-detail": "Case note",
    "cases:note-correct": "Case note: correct",
    "cases:chronology": "Chronology",
    "cases:chronology-print": "Chronology: print",
    "cases:chronology-describe": "Chronology: describe an entry",
    "cases:chronology-add": "Chronology: add an entry",
    "cases:chronology-entry": "Chronology: manual entry",
    "cases:chronology-entry-edit": "Chronology: change a manual entry",
    "cases:oversight": "Management oversight",
    "cases:oversight-add": "Management oversight: add",
    "cases:services": "Services and waiting times",
    "cases:service-add": "Service referral: add",
    "cases:service-edit": "Service referral: edit",
    "frontdoor:child-contacts": "Contacts",
    "frontdoor:contact-add": "Contact: record",
    "frontdoor:contact-detail": "Contact",
    "frontdoor:contact-decide": "Contact: decision",
    "frontdoor:contact-acknowledge": "Contact: acknowledge the referrer",
    "frontdoor:contact-outcome": "Contact: tell the referrer the outcome",
    "frontdoor:check-add": "Multi-agency check: send",
    "frontdoor:check-respond": "Multi-agency check: response",
    "strategy:child": "Strategy and section 47",
    "strategy:discussion-add": "Strategy discussion: add",
    "strategy:discussion-detail": "Strategy discussion",
    "strategy:discussion-edit": "Strategy discussion: edit",
    "strategy:section47-detail": "Section 47 enquiry",
    "strategy:section47-edit": "Section 47 enquiry: edit",
    "strategy:section47-agree": "Section 47 enquiry: agree ICPC not required",
    "strategy:section47-icpc-before-seen": "Section 47 enquiry: ICPC before the child is seen",
    "conferences:icpc-request": "Initial conference: request",
    "conferences:child-plan": "Conferences and plan",
    "conferences:plan-detail": "Child protection plan",
    "conferences:plan-edit": "Plan: outcomes and actions",
    "conferences:outcome-add": "Plan outcome: add",
    "conferences:outcome-edit": "Plan outcome: edit",
    "conferences:action-add": "Plan action: add",
    "conferences:action-edit": "Plan action: edit",
    "conferences:plan-versions": "Child protection plan: versions",
    "conferences:family-plan": "Family-friendly plan",
    "conferences:family-plan-words": "Family-friendly plan: what we are worried about",
    "conferences:family-plan-print": "Family-friendly plan: print",
    "conferences:family-plan-pdf": "Family-friendly plan: PDF",
    "conferences:core-groups": "Core groups",
    "conferences:core-group-add": "Core group: add",
    "conferences:plan-end": "Child protection plan: end",
    "conferences:transfer-out": "Transfer out",
    "conferences:transfer-in": "Transfer in",
    "audit:child-access-log": "Who has looked at this record",
}

_VERBS = {"add", "edit", "detail", "end", "close", "print", "correct", "new"}


def page_name(what: str) -> str:
    """The page a look was at, in words; words already (an entry a view wrote) stay as they are."""
    if what in PAGE_NAMES:
        return PAGE_NAMES[what]
    if ":" not in what:
        return what[:1].upper() + what[1:]
    words = what.split(":", 1)[1].split("-")
    if len(words) > 1 and words[-1] in _VERBS:
        thing = " ".join(words[:-1])
        verb = "" if words[-1] == "detail" else f": {words[-1]}"
        return f"{thing[:1].upper()}{thing[1:]}{verb}"
    text = " ".join(words)
    return text[:1].upper() + text[1:]
