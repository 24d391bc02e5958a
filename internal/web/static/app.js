// samwise: small enhancements. Every page works without this file; it only
// makes things quicker. No inline scripts or handlers anywhere (the CSP
// forbids them), so behaviour hangs off data attributes and ids here.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Collapsible navigation on narrow screens.
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("nav");
    if (toggle && nav) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        nav.classList.toggle("open", !open);
      });
    }

    // Filter forms apply a changed select at once; the search box still
    // waits for Enter or the button.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function (ev) {
        if (ev.target && ev.target.tagName === "SELECT") {
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      });
    });

    // Search and filter forms leave their empty fields out of the URL, so
    // links stay short and readable ("?entity=account", not
    // "?entity=account&actor=&from=…"); the server treats both the same.
    document.querySelectorAll("form[method=get]").forEach(function (form) {
      form.addEventListener("formdata", function (ev) {
        var empty = [];
        ev.formData.forEach(function (v, k) { if (v === "") empty.push(k); });
        empty.forEach(function (k) { if (ev.formData.getAll(k).every(function (v) { return v === ""; })) ev.formData.delete(k); });
      });
    });

    // A link to a folded section (href="#id" with data-open-details)
    // unfolds it; without the script the link still scrolls there.
    document.querySelectorAll("a[data-open-details]").forEach(function (a) {
      a.addEventListener("click", function () {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (target && target.tagName === "DETAILS") {
          target.open = true;
          var first = target.querySelector("select, input, textarea");
          if (first) setTimeout(function () { first.focus({ preventScroll: true }); }, 0);
        }
      });
    });

    // After a failed submit, move focus to the summary of what to fix so
    // that keyboard and screen-reader users hear it first.
    var errors = document.getElementById("form-errors");
    if (errors) {
      var details = errors.closest("details");
      if (details) details.open = true;
      errors.focus();
    }

    // The user menu in the top bar is a <details>: it works without the
    // script; with it, a click elsewhere or Escape closes it.
    var menu = document.querySelector(".usermenu");
    if (menu) {
      document.addEventListener("click", function (ev) {
        if (menu.open && !menu.contains(ev.target)) menu.open = false;
      });
      document.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape" && menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    }

    // A secret shown once (a new API token or password) selects itself
    // whole when clicked, and gets a Copy button.
    document.querySelectorAll("input[data-select-all]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
      input.addEventListener("click", function () { input.select(); });
    });
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
        } else {
          input.select();
          try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: the user copies */ }
        }
      });
    });

    // Disable a form's submit button once it is sent, against double posts.
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var b = form.querySelector("button[type=submit]");
        if (b) {
          setTimeout(function () { b.disabled = true; }, 0);
        }
      });
    });
  });

  // Coming back to a page from the history restores it as it was left;
  // its buttons must work again.
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) {
      document.querySelectorAll("form[method=post] button[type=submit]").forEach(function (b) { b.disabled = false; });
    }
  });
})();
