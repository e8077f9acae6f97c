/*
 * The conference booking form (templates/conferences/conference_schedule.html): the late
 * reason and interim safety plan appear as soon as the date typed is after the target date,
 * and go again if it is moved back in time. Without this script the server shows them on the
 * first submit of a late date (the form then asks for them).
 */
(function () {
  "use strict";

  var fields = document.querySelector("[data-late-fields]");
  var input = document.getElementById("id_scheduled_for");
  if (!fields || !input || fields.hasAttribute("data-always-late")) {
    return;
  }
  var target = fields.dataset.targetDate;
  function update() {
    var day = (input.value || "").slice(0, 10);
    fields.hidden = !(day && day > target);
  }
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
})();
