/* SIKD: small progressive enhancements (no inline script: the pages' CSP allows only this file).
   - a form with data-confirm asks before an action that cannot be undone;
   - a sent form's buttons are disabled (no double submission), and a form sending a file shows
     that the upload is under way. Without JavaScript every form still works. */
(function () {
  "use strict";
  /* a <select data-submit-on-change> sends its form when a choice is made */
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.getAttribute("data-sending") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "1");
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    var hasFile = Array.prototype.some.call(
      form.querySelectorAll("input[type=file]"), function (input) { return input.files && input.files.length; });
    window.setTimeout(function () {  /* after the browser has taken the form's values */
      buttons.forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
      if (hasFile) {
        var status = document.createElement("p");
        status.className = "upload-status small mt-2";
        status.setAttribute("role", "status");
        status.textContent = "Mengunggah berkas… Jangan tutup atau muat ulang halaman ini.";
        var bar = document.createElement("progress");
        bar.className = "d-block w-100 mt-1";
        bar.setAttribute("aria-label", "Pengunggahan berkas");
        status.appendChild(bar);
        form.appendChild(status);
      }
    }, 0);
  });
  /* back from the browser's cache (history), a sent form can be sent again */
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      form.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
    });
  });
})();
