/*
 * Inactivity warning. The server ends a session SESSION_COOKIE_AGE seconds after the last
 * request; this script opens an alert dialog shortly before that, offering to stay signed in
 * (a GET to the keep-alive URL, which restarts the server's clock), and signs out when the time
 * is up so that no child's record is left on an unattended screen.
 *
 * Tabs share the time of the last activity through localStorage, so working in one tab keeps
 * the others from signing everyone out. Loaded from a static file: the content security policy
 * allows no inline script.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("session-timeout-dialog");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var sessionMs = parseInt(dialog.dataset.sessionSeconds, 10) * 1000;
  var warningMs = parseInt(dialog.dataset.warningSeconds, 10) * 1000;
  var keepaliveUrl = dialog.dataset.keepaliveUrl;
  var stayButton = dialog.querySelector("[data-action='stay']");
  var expiryText = dialog.querySelector("[data-role='expiry-time']");
  var logoutForm = document.getElementById("session-timeout-logout");
  var STORAGE_KEY = "cp-session-last-activity";
  var SLACK_MS = 1000;
  var pageActivity = Date.now();
  var warnTimer = null;
  var expireTimer = null;

  function lastActivity() {
    var stored = 0;
    try {
      stored = parseInt(window.localStorage.getItem(STORAGE_KEY), 10) || 0;
    } catch (e) {
      stored = 0;
    }
    return Math.max(stored, pageActivity);
  }

  function markActivity() {
    pageActivity = Date.now();
    try {
      window.localStorage.setItem(STORAGE_KEY, String(pageActivity));
    } catch (e) {
      /* private browsing: this tab still works on its own */
    }
  }

  function expiresAt() {
    return lastActivity() + sessionMs;
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(expireTimer);
    var remaining = expiresAt() - Date.now();
    warnTimer = window.setTimeout(warn, Math.max(0, remaining - warningMs));
    expireTimer = window.setTimeout(expire, Math.max(0, remaining));
  }

  function closeDialog() {
    if (dialog.open) {
      dialog.close();
    }
  }

  function warn() {
    if (expiresAt() - Date.now() > warningMs + SLACK_MS) {
      schedule(); // another tab was used meanwhile
      return;
    }
    expiryText.textContent = new Date(expiresAt()).toLocaleTimeString("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
    });
    if (!dialog.open) {
      dialog.showModal();
    }
    stayButton.focus();
  }

  function signOut() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(expireTimer);
    logoutForm.submit();
  }

  function expire() {
    if (expiresAt() - Date.now() > SLACK_MS) {
      closeDialog();
      schedule();
      return;
    }
    signOut();
  }

  function staySignedIn() {
    stayButton.disabled = true;
    window
      .fetch(keepaliveUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 204) {
          markActivity();
          closeDialog();
          schedule();
        } else {
          signOut(); // the session had already ended
        }
      })
      .catch(function () {
        /* network trouble: leave the dialog up so the user can try again */
      })
      .then(function () {
        stayButton.disabled = false;
      });
  }

  stayButton.addEventListener("click", staySignedIn);
  // Escape would close the dialog without keeping the session: treat it as "stay signed in".
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY) {
      closeDialog();
      schedule();
    }
  });

  markActivity();
  schedule();
})();
