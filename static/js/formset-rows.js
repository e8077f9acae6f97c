/*
 * "Add a participant" on a table of formset rows (templates/strategy/discussion_form.html):
 * a copy of the empty row from its <template>, numbered, and the formset's TOTAL_FORMS raised.
 * Without this script the table has blank rows to fill in, and the button stays hidden.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.dataset.addRow;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-row");
    var body = document.querySelector("[data-formset='" + prefix + "'] tbody");
    if (!total || !template || !body) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/participant new/g, "participant " + (index + 1));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild.querySelector("select, input");
      if (first) {
        first.focus();
      }
    });
  });
})();
