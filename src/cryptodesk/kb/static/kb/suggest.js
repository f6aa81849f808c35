// Request form: suggest help-center articles while the customer writes (no dependencies).
(function () {
  "use strict";
  var box = document.getElementById("kb-suggestions");
  if (!box) return;
  var form = box.closest("form") || document;
  var subject = form.querySelector("[name=subject]");
  var description = form.querySelector("[name=description]");
  var key = form.querySelector("[name=form_key]");
  var timer = null, last = "", controller = null;
  function refresh() {
    var params = new URLSearchParams({
      subject: subject ? subject.value : "",
      description: description ? description.value.slice(0, 300) : "",
      form_key: key ? key.value : ""
    });
    var query = params.toString();
    if (query === last) return;
    last = query;
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(box.dataset.url + "?" + query, { signal: controller.signal, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () {});
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 350); }
  [subject, description].forEach(function (field) {
    if (field) field.addEventListener("input", schedule);
  });
  if ((subject && subject.value) || (description && description.value)) schedule();
})();
