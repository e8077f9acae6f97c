"""Every form, submitted empty in the browser, answers with the GOV.UK error summary.

The forms are those of the bad-input sweep (tests/test_bad_input_sweep.py: every URL that
accepts a POST, with a persona allowed to write there), on the permission matrix's scene (a
child with a record of every kind). Each is opened as that persona, every box emptied, and
submitted with the browser's own checks off (`novalidate`: what a browser without them, or a
"required" the server adds, leaves to the server). The answer must have, at the top, "There is
a problem" with the focus on it, each error a link to a field that exists, and a title
beginning "Error:"; every such page passes axe. A form that accepts being empty (nothing in it
is required) is counted, not failed.
"""

import pytest
from playwright.sync_api import expect

from tests.test_bad_input_sweep import FORM_PAGE, WRITERS, _target
from tests.test_permission_matrix import _url, scene  # noqa: F401 - scene: fixture

pytestmark = pytest.mark.e2e

# Signed in otherwise than through the sign-in pages, or not a form a person fills in.
NOT_SWEPT = {"accounts:otp-setup", "accounts:otp-verify", "accounts:logout"}

EMPTY_AND_SUBMIT = """
([action, pageUrl]) => {
  const forms = [...document.querySelectorAll("main form[method=post], main form[method=POST]")];
  const form = forms.find((f) => {
    const a = f.getAttribute("action") || "";
    return a === action || (a === "" && pageUrl === action);
  });
  if (!form) return false;
  form.noValidate = true;
  for (const el of form.elements) {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") continue;
    if (el.type === "checkbox" || el.type === "radio") { el.checked = false; continue; }
    if (el.tagName === "SELECT") {
      const blank = [...el.options].findIndex((o) => o.value === "");
      el.selectedIndex = blank;
      continue;
    }
    el.value = "";
  }
  window.__sweptForm = form;
  return true;
}
"""

SUBMIT = """
() => {
  const form = window.__sweptForm;
  const button = form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
  setTimeout(() => form.requestSubmit(button || undefined), 0);
}
"""

SUMMARY_STATE = """
() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return null;
  const links = [...summary.querySelectorAll("a")].map((a) => a.getAttribute("href"));
  return {
    focused: document.activeElement === summary,
    heading: summary.querySelector("h2").textContent.trim(),
    items: summary.querySelectorAll("li").length,
    missing: links.filter((h) => !document.getElementById(h.slice(1))),
    first: document.querySelector("main").firstElementChild === summary,
  };
}
"""


def test_every_form_submitted_empty_shows_a_focused_error_summary(app, world, scene):  # noqa: F811
    pages = {}
    failures = []
    summaries, accepted, not_shown = 0, [], []
    for name in sorted(WRITERS):
        if name in NOT_SWEPT:
            continue
        persona = WRITERS[name]
        if persona not in pages:
            if persona == "anonymous":
                context = app.browser.new_context(base_url=app.url)
                app.contexts.append(context)
                pages[persona] = context.new_page()
            elif persona == "records_officer":  # a senior manager with the retention right
                from django.contrib.auth.models import Permission

                world.senior_manager.user_permissions.add(
                    Permission.objects.get(codename="review_retention")
                )
                pages[persona] = app.sign_in(world.senior_manager)
            else:
                pages[persona] = app.sign_in(world.persona(persona))
        page = pages[persona]
        url = _target(name, world, scene)
        form_page = _url(FORM_PAGE[name], scene) if name in FORM_PAGE else url
        page.goto(form_page)
        if form_page != url:
            # The page showing the form is another page (the merge's, with its reversal): it is
            # reached, so it is checked too.
            app.check(page, f"Form page ({name})")
        if not page.evaluate(EMPTY_AND_SUBMIT, [url, form_page]):
            # A button shown only in some states (minutes to approve, an enquiry awaiting a
            # manager): the scene has the record in another state.
            if name not in FORM_PAGE:
                failures.append(f"{name}: no form posting to {url} on {form_page}")
            else:
                not_shown.append(name)
            app.check(page, f"Without the form ({name})")
            continue
        with page.expect_navigation():
            page.evaluate(SUBMIT)
        page.wait_for_load_state("load")
        state = page.evaluate(SUMMARY_STATE)
        invalid = page.locator("main .is-invalid, main .invalid-feedback").count()
        if state is None:
            if invalid:
                failures.append(f"{name}: errors on the form but no error summary")
            else:
                accepted.append(name)
                app.check(page, f"Accepted empty ({name})")
                page.goto(form_page)
                app.check(page, f"Form accepting empty ({name})")
            continue
        summaries += 1
        problems = []
        if not state["focused"]:
            problems.append("focus not on the summary")
        if state["heading"] != "There is a problem":
            problems.append(f"heading {state['heading']!r}")
        if not state["items"]:
            problems.append("no error listed")
        if state["missing"]:
            problems.append(f"links to no field: {state['missing']}")
        if not page.title().startswith("Error: "):
            problems.append(f"title {page.title()!r}")
        if problems:
            failures.append(f"{name}: " + "; ".join(problems))
        app.check(page, f"Error summary ({name})")
    assert not failures, "\n".join(failures)
    # Most forms require something; the few that accept an empty submit are known.
    assert summaries >= 40, (summaries, accepted)
    print(f"{summaries} forms answered with a focused summary; accepted empty: {accepted}; ")
    print(f"not shown in the scene's state: {not_shown}")


def test_error_summary_link_moves_to_its_field(app, world):
    page = app.sign_in(world.social_worker)
    page.goto(f"/children/{world.child.pk}/visits/add/")
    app.check(page, "Visit form")
    page.evaluate("document.querySelectorAll('main form').forEach((f) => (f.noValidate = true))")
    page.locator("main form[method=post]").get_by_role("button").last.click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(__import__("re").compile("^Error: "))
    app.check(page, "Visit form with errors")
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")
    link.click()
    expect(page.locator(target)).to_be_focused()
