// Pickers of the survey pages (internal/web/survey_picker.go): the
// accounts a campaign surveys, the contact an answer on paper came from.
//
// Without this script a picker is a text field taking names or ids, and
// its chips are ticked checkboxes. With it, the field searches the server
// as one types (GET data-source?q=…, at most 20 matches as JSON), a chosen
// match becomes a chip holding a hidden input, and each chip has a button
// that removes it. No framework: plain DOM, as app.js.
(function () {
  "use strict";

  var DELAY = 180; // ms after the last key before searching

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function enhance(root, n) {
    var source = root.getAttribute("data-source");
    var name = root.getAttribute("data-name");
    var multiple = root.hasAttribute("data-multiple");
    var chips = root.querySelector(".picker-chips");
    var list = root.querySelector(".picker-results");
    var status = root.querySelector(".picker-status");
    var hint = root.querySelector(".hint");
    var field = root.querySelector("textarea, input[type=text]");
    if (!source || !name || !chips || !list || !field) return;

    // A one-line search box replaces the textarea; lines it held (names
    // not resolved on a previous submit) go on, separated by semicolons,
    // which the server splits as it does lines.
    var input = field;
    if (field.tagName === "TEXTAREA") {
      input = document.createElement("input");
      input.type = "text";
      ["id", "name", "aria-describedby", "aria-invalid"].forEach(function (a) {
        if (field.hasAttribute(a)) input.setAttribute(a, field.getAttribute(a));
      });
      input.value = field.value.split(/\n/).map(function (s) { return s.trim(); }).filter(Boolean).join("; ");
      field.replaceWith(input);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.classList.add("picker-input");
    if (hint && root.getAttribute("data-js-hint")) hint.textContent = root.getAttribute("data-js-hint");
    root.classList.add("picker-ready");

    var items = [], active = -1, timer = 0, seq = 0;

    function say(text) { if (status) status.textContent = text; }

    function chosen(id) {
      return chips.querySelector('li.chip[data-id="' + String(id) + '"]');
    }

    function removeButton(li, label) {
      var b = el("button", "chip-remove", "×");
      b.type = "button";
      b.setAttribute("aria-label", "Remove " + label);
      b.addEventListener("click", function () {
        li.remove();
        say(label + " removed.");
        input.focus();
      });
      li.appendChild(b);
    }

    function addChip(item) {
      var li = el("li", "chip");
      li.setAttribute("data-id", String(item.id));
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = String(item.id);
      li.appendChild(hidden);
      li.appendChild(el("span", "chip-name", item.name));
      if (item.detail) li.appendChild(el("span", "chip-detail", item.detail));
      removeButton(li, item.name);
      chips.appendChild(li);
    }

    // The server's chips are checkboxes (unticked to drop one without
    // JavaScript); here they become hidden inputs with a remove button.
    chips.querySelectorAll("li.chip").forEach(function (li) {
      var box = li.querySelector("input[type=checkbox]");
      var label = (li.querySelector(".chip-name") || li).textContent;
      if (!box) return;
      if (!box.checked) { li.remove(); return; }
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = box.name;
      hidden.value = box.value;
      var keep = li.querySelector(".chip-keep");
      var nameSpan = li.querySelector(".chip-name");
      li.insertBefore(hidden, keep);
      if (keep && nameSpan) keep.replaceWith(nameSpan);
      removeButton(li, label);
    });

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      var opts = list.querySelectorAll("[role=option]");
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && opts[i]) {
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(i) {
      var item = items[i];
      if (!item) return;
      if (!multiple) chips.textContent = "";
      if (!chosen(item.id)) addChip(item);
      input.value = "";
      close();
      say(item.name + (multiple ? " added." : " chosen."));
      input.focus();
    }

    function show(data, q) {
      list.textContent = "";
      items = data.items || [];
      active = -1;
      items.forEach(function (item, i) {
        var li = el("li", "picker-option");
        li.id = "picker-" + n + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(el("span", "picker-option-name", item.name));
        if (item.detail) li.appendChild(el("span", "picker-option-detail", item.detail));
        if (chosen(item.id)) li.appendChild(el("span", "picker-option-chosen", "chosen"));
        // mousedown would blur the input before the click lands.
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      if (items.length === 0) {
        list.appendChild(el("li", "picker-empty", "Nothing matches “" + q + "”."));
      } else if (data.more) {
        list.appendChild(el("li", "picker-more", "More match: type more of the name to narrow the list."));
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      say(items.length === 0 ? "No matches." : items.length + (data.more ? " or more" : "") + " matches; use the arrow keys to choose.");
    }

    function search() {
      var q = input.value.trim();
      if (q === "") { close(); return; }
      var mine = ++seq;
      var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) {
          var type = res.headers.get("Content-Type") || "";
          if (!res.ok || type.indexOf("application/json") < 0) throw new Error("search answered " + res.status);
          return res.json();
        })
        .then(function (data) { if (mine === seq && document.activeElement === input) show(data, q); })
        .catch(function () {
          if (mine !== seq) return;
          close();
          say("The search is not available; type the exact name or id and submit the form.");
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (ev) {
      var open = !list.hidden && items.length > 0;
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        if (open) highlight(Math.min(active + 1, items.length - 1)); else search();
      } else if (ev.key === "ArrowUp") {
        if (open) { ev.preventDefault(); highlight(Math.max(active - 1, 0)); }
      } else if (ev.key === "Enter") {
        // Enter picks a match; it never submits the form from here.
        ev.preventDefault();
        if (open) choose(active >= 0 ? active : 0);
      } else if (ev.key === "Escape") {
        if (!list.hidden) { ev.preventDefault(); close(); }
      }
    });
    // Implicit submission comes with the keypress; refuse it there too,
    // for input that sends Enter as a separate character event.
    input.addEventListener("keypress", function (ev) { if (ev.key === "Enter") ev.preventDefault(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(enhance);
  });
})();
