// Inspection checklist: save one item in the background and stay in place.
// Without this script each item's form posts and the page comes back to the item.
(function () {
  "use strict";
  var CLASSES = { pass: "status-success", fail: "status-danger" };

  function show(form, text, ok) {
    var box = form.querySelector(".mark-message");
    if (!box) { return; }
    box.textContent = text;
    box.className = "col-12 small mark-message " + (ok ? "text-success" : "text-danger");
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("mark-form") || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      show(form, answer.data.message, answer.ok);
      if (answer.ok) {
        var badge = form.closest(".list-group-item").querySelector(".item-result");
        if (badge) {
          badge.textContent = answer.data.label;
          badge.className = "badge item-result " + (CLASSES[answer.data.result] || "status-light");
        }
        var followUp = form.closest(".list-group-item").querySelector("details.follow-up");
        if (followUp) { followUp.hidden = answer.data.result !== "fail"; }
        var photo = form.querySelector("input[type=file]");
        if (photo) { photo.value = ""; }
      }
    }).catch(function () {
      // Fall back to the ordinary form post.
      form.submit();
    }).then(function () {
      if (button) { button.disabled = false; }
    });
  }

  document.addEventListener("submit", onSubmit);
}());
