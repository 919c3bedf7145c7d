// AdStudio portal behaviours, switched on by data attributes and classes. The Content-Security-
// Policy forbids inline scripts, so pages configure nothing here except through markup.
//
//   every POST form ........ sent once: a second click/Enter is ignored, its buttons disabled and
//                            the clicked one shows a spinner (opt out: data-allow-resubmit)
//   data-confirm="…" ....... on a form or submit button: ask before sending (htmx has hx-confirm)
//   data-dismiss="message" . closes the message it sits in
//   textarea[data-limit] ... live "n / limit" counter, red past the limit
//   details.user-menu ...... closes on Escape and on a click elsewhere
//   htmx errors ............ a plain-words message in #messages instead of a silent failure
(function () {
  "use strict";

  var SUBMITTING = "submitting";

  function submitButtons(form) {
    return Array.prototype.slice.call(
      form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]')
    );
  }

  function markBusy(form, submitter) {
    form.dataset[SUBMITTING] = "1";
    form.setAttribute("aria-busy", "true");
    // Disabled a tick later: a button disabled during "submit" would drop its own name=value.
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) { button.disabled = true; });
      if (submitter) { submitter.classList.add("is-loading"); }
    }, 0);
  }

  function unlock(form) {
    delete form.dataset[SUBMITTING];
    form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (button) {
      button.disabled = false;
      button.classList.remove("is-loading");
    });
  }

  function confirmText(form, submitter) {
    return (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) { return; }  // htmx's own
    if (form.method.toLowerCase() !== "post" || form.hasAttribute("data-allow-resubmit")) { return; }
    if (form.dataset[SUBMITTING]) { event.preventDefault(); return; }
    var question = confirmText(form, event.submitter);
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    markBusy(form, event.submitter || submitButtons(form)[0]);
  });

  // Back/forward cache brings a page back exactly as it was left: with its buttons disabled.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitting]").forEach(unlock);
  });

  // htmx forms: the same spinner while their request runs (pair with hx-disabled-elt).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form instanceof HTMLFormElement) {
      submitButtons(form).forEach(function (b) { b.classList.add("is-loading"); });
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form instanceof HTMLFormElement) {
      submitButtons(form).forEach(function (b) { b.classList.remove("is-loading"); });
    }
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest('[data-dismiss="message"]');
    if (close) {
      var message = close.closest(".message");
      if (message) { message.remove(); }
    }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  function updateCount(textarea) {
    var limit = parseInt(textarea.getAttribute("data-limit"), 10);
    var counter = textarea.nextElementSibling;
    if (!counter || !counter.classList.contains("char-count")) {
      counter = document.createElement("p");
      counter.className = "char-count";
      counter.setAttribute("aria-live", "polite");
      textarea.insertAdjacentElement("afterend", counter);
    }
    var length = textarea.value.length;
    counter.textContent = length + " / " + limit + " characters";
    counter.classList.toggle("is-over", length > limit);
  }

  function initCounters(root) {
    root.querySelectorAll("textarea[data-limit]").forEach(updateCount);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-limit]")) {
      updateCount(event.target);
    }
  });

  // A failed htmx request says so in words, once (a poll failing every 3 s adds no pile).
  function showError(text) {
    var box = document.getElementById("messages");
    if (!box || box.querySelector('[data-key="htmx-error"]')) { return; }
    var message = document.createElement("div");
    message.className = "message message--error";
    message.setAttribute("role", "alert");
    message.dataset.key = "htmx-error";
    message.innerHTML = '<span class="message-icon" aria-hidden="true"></span>' +
      '<p class="message-text"></p>' +
      '<button type="button" class="message-close" data-dismiss="message" aria-label="Dismiss message">' +
      '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" ' +
      'stroke-width="1.8" stroke-linecap="round"/></svg></button>';
    message.querySelector(".message-text").textContent = text;
    box.appendChild(message);
  }
  document.addEventListener("htmx:sendError", function () {
    showError("AdStudio can't be reached right now. Check your connection; this page will try again.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) {
      showError("You no longer have access to this. Reload the page to sign in again.");
    } else {
      showError("Something went wrong on our side (error " + status + "). Reload the page to try again.");
    }
  });

  initCounters(document);
  document.addEventListener("htmx:load", function (event) { initCounters(event.detail.elt); });
})();
