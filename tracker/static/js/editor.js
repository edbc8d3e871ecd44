// The directive editor: add and remove tasks without reloading, show only the rule fields of
// the chosen frequency, propose codes, and preview the next deadlines of a task's rule as it is
// typed (the server draws the first preview of each task with the page).
// Without this file the form still works: "Add a task" posts and the page is drawn again.
(function () {
  "use strict";
  var form = document.getElementById("directive-editor");
  if (!form) { return; }
  var previewUrl = form.getAttribute("data-preview-url");

  function field(block, role) { return block.querySelector("[data-role='" + role + "']"); }

  function nameIn(block, suffix) {
    var index = block.getAttribute("data-index");
    return block.querySelector("[name='tasks[" + index + "]." + suffix + "']");
  }

  function showRuleFields(block) {
    var frequency = field(block, "frequency");
    if (!frequency) { return; }
    block.querySelectorAll(".js-for").forEach(function (wrapper) {
      wrapper.classList.toggle("d-none", !wrapper.classList.contains(frequency.value));
    });
  }

  var timers = new WeakMap();
  function preview(block) {
    var frequency = field(block, "frequency");
    var target = block.querySelector(".js-preview");
    if (!frequency || !target) { return; }
    var params = new URLSearchParams({ frequency: frequency.value });
    ["due.date", "due.time", "due.weekday", "due.days.0", "due.days.1", "due.day",
     "due.within_working_days", "start", "end"].forEach(function (suffix) {
      var input = nameIn(block, suffix);
      if (input && input.value) { params.set(suffix, input.value); }
    });
    var start = form.querySelector("[name='directive.period.start']");
    var end = form.querySelector("[name='directive.period.end']");
    if (!params.has("start") && start && start.value) { params.set("start", start.value); }
    if (!params.has("end") && end && end.value) { params.set("end", end.value); }
    clearTimeout(timers.get(block));
    timers.set(block, setTimeout(function () {
      fetch(previewUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          target.textContent = "";
          if (data.problem) {
            target.className = "col-12 small js-preview text-danger";
            target.textContent = data.problem;
            return;
          }
          target.className = "col-12 small js-preview text-body-secondary";
          if (!data.deadlines.length) { return; }
          var title = document.createElement("div");
          title.textContent = form.getAttribute("data-preview-title") || "";
          var list = document.createElement("ul");
          list.className = "mb-0 js-preview-list";
          data.deadlines.forEach(function (text) {
            var item = document.createElement("li");
            item.textContent = text;
            list.appendChild(item);
          });
          target.appendChild(title);
          target.appendChild(list);
        })
        .catch(function () { target.textContent = ""; });
    }, 250));
  }

  function proposeCode(block) {
    var code = field(block, "code");
    var clause = field(block, "clause");
    var owner = field(block, "owner");
    if (!code || !clause || !owner) { return; }
    if (code.value && code.getAttribute("data-auto") !== "1") { return; }
    var parts = [clause.value, owner.value].map(function (part) {
      return part.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "D")
        .replace(/[^A-Za-z0-9.]+/g, "-").replace(/^[-.]+|[-.]+$/g, "").toUpperCase();
    }).filter(Boolean);
    var base = parts.join("-");
    if (!base) { return; }
    var taken = {};
    form.querySelectorAll("[data-role='code']").forEach(function (other) {
      if (other !== code && other.value) { taken[other.value] = true; }
    });
    var candidate = base, number = 1;
    while (taken[candidate]) { number += 1; candidate = base + "-" + number; }
    code.value = candidate;
    code.setAttribute("data-auto", "1");
  }

  function wire(block) {
    showRuleFields(block);
    var remove = block.querySelector(".js-remove");
    if (remove) {
      remove.classList.remove("d-none");
      remove.addEventListener("click", function () { block.remove(); });
    }
    if (block.closest("#task-items")) {
      block.addEventListener("change", function (event) {
        var role = event.target.getAttribute("data-role");
        if (role === "frequency") { showRuleFields(block); }
        if (role === "clause" || role === "owner") { proposeCode(block); }
        if (role === "code") { event.target.removeAttribute("data-auto"); }
        preview(block);
      });
      block.addEventListener("input", function (event) {
        if (event.target.getAttribute("data-role") === "code") {
          event.target.removeAttribute("data-auto");
        }
      });
    }
  }

  form.querySelectorAll(".js-item").forEach(wire);

  form.querySelectorAll(".js-add").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var template = document.getElementById(button.getAttribute("data-template"));
      var container = document.getElementById(button.getAttribute("data-target"));
      var index = parseInt(container.getAttribute("data-next-index"), 10);
      container.setAttribute("data-next-index", String(index + 1));
      var html = template.innerHTML.split("__i__").join(String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var block = holder.firstElementChild;
      container.appendChild(block);
      wire(block);
      if (block.closest("#task-items")) { preview(block); }
      var first = block.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
