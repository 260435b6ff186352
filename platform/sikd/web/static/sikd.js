/* SIKD: small progressive enhancements (no inline script: the pages' CSP allows only this file).
   - a form with data-confirm asks before an action that cannot be undone;
   - a sent form's buttons are disabled (no double submission); a form sending a file is sent by
     XMLHttpRequest so that a bar shows how far the upload is, and its answer replaces the page;
   - the create wizard switches its steps in the page; a letter being made says when it is done;
   - what is typed into a form is kept (this tab only) until that form is sent, so a reload by
     another form on the page (an upload) loses nothing; secrets are never kept, and nothing
     is left for the next person (cleared at login and logout).
   Without JavaScript every form still works (one page load per step or upload). */
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
    var status, bar;
    if (hasFile) {
      status = document.createElement("p");
      status.className = "upload-status small mt-2";
      status.setAttribute("role", "status");
      status.textContent = "Mengunggah berkas… Jangan tutup atau muat ulang halaman ini. ";
      bar = document.createElement("progress");
      bar.className = "d-block w-100 mt-1";
      bar.setAttribute("aria-label", "Pengunggahan berkas");
      status.appendChild(bar);
    }
    window.setTimeout(function () {  /* after the browser has taken the form's values */
      buttons.forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
      if (status) form.appendChild(status);
    }, 0);
    if (!hasFile || !window.FormData || !form.hasAttribute("data-upload-progress")) return;
    /* a file: sent by XMLHttpRequest to show how far it is; the answer replaces the page */
    event.preventDefault();
    var data;
    try { data = new FormData(form, event.submitter); } catch (e) { data = new FormData(form); }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
    };
    xhr.onload = function () {
      var url = xhr.responseURL;
      document.open();
      document.write(xhr.responseText);
      document.close();
      if (url) window.history.replaceState(null, "", url);
    };
    xhr.onerror = function () {
      status.textContent = "Pengunggahan terputus. Periksa sambungan, lalu kirim lagi: isian Anda masih ada.";
      form.removeAttribute("data-sending");
      buttons.forEach(function (b) { b.disabled = false; b.removeAttribute("aria-disabled"); });
    };
    xhr.send(data);
  });
  /* the create wizard: with JavaScript its steps switch in the page (the server checks them
     all when the summary is asked for); options and parts of other jenis are hidden */
  var wiz = document.querySelector("form[data-wizard]");
  function byType() {
    var c = wiz.querySelector("[name=type]:checked"), t = c ? c.value : "";
    wiz.querySelectorAll("[data-jenis]").forEach(function (e) {
      var on = !t || e.getAttribute("data-jenis").split(" ").indexOf(t) >= 0;
      e.hidden = !on;
      if (e.tagName === "OPTION") { e.disabled = !on; if (!on) e.selected = false; }
    });
    var kinds = wiz.querySelectorAll("#partner_kind option[data-jenis]:not([disabled])");
    if (kinds.length === 1) kinds[0].selected = true;
  }
  if (wiz) {
    wiz.addEventListener("change", function (e) { if (e.target.name === "type") byType(); });
    wiz.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button[data-go]");
      if (!b) return;
      e.preventDefault();
      var n = b.getAttribute("data-go"), cur = +wiz.querySelector("[name=langkah]").value;
      if (b.closest("[data-step]").hidden) {  /* Enter in a field: the shown step's «Lanjut» */
        if (cur >= 4) { wiz.requestSubmit(wiz.querySelector("button[value='5']")); return; }
        n = String(cur + 1);
      }
      wiz.querySelectorAll("[data-step]").forEach(function (s) { s.hidden = s.getAttribute("data-step") !== n; });
      wiz.querySelector("[name=langkah]").value = n;
      var head = wiz.querySelector("[data-step='" + n + "'] legend");
      head.tabIndex = -1;
      head.focus();
    });
  }
  /* a letter being made: ask its state until it is done (the page works without this) */
  document.querySelectorAll("[data-letter-status]").forEach(function (item) {
    var ask = function () {
      fetch(item.getAttribute("data-letter-status"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          var out = item.querySelector(".letter-state");
          if (d.status === "done") { out.textContent = "selesai, tersimpan sebagai dokumen"; item.setAttribute("data-done", "1"); }
          else if (d.status === "failed") { out.textContent = d.error || "gagal dibuat"; }
          else { window.setTimeout(ask, 1500); }
        }, function () { window.setTimeout(ask, 4000); });
    };
    ask();
  });
  var KEEP = "input[type=text],input[type=date],input[type=number],input:not([type]),textarea";
  function draftKey(form, f) {
    return "sikd:" + location.pathname + ":" + (form.getAttribute("action") || "") + ":" + f.name;
  }
  function keepable(f) {
    return f.name && f.form && f.matches(KEEP) && !/pass|nik|token|csrf/i.test(f.name) &&
      (f.form.getAttribute("method") || "").toLowerCase() === "post";
  }
  try {
    document.querySelectorAll("form[method=post] " + KEEP.split(",").join(",form[method=post] "))
      .forEach(function (f) {
        var saved = keepable(f) ? window.sessionStorage.getItem(draftKey(f.form, f)) : null;
        if (saved !== null && !f.value) f.value = saved;
      });
    document.addEventListener("input", function (e) {
      if (keepable(e.target)) window.sessionStorage.setItem(draftKey(e.target.form, e.target), e.target.value);
    });
    document.addEventListener("submit", function (e) {
      e.target.querySelectorAll(KEEP).forEach(function (f) {
        if (f.name) window.sessionStorage.removeItem(draftKey(e.target, f));
      });
    });
    var forget = function () {
      Object.keys(window.sessionStorage).forEach(function (k) {
        if (k.indexOf("sikd:") === 0) window.sessionStorage.removeItem(k);
      });
    };
    if (document.querySelector("[data-forget-drafts=now]")) forget();
    document.addEventListener("submit", function (e) {
      if (e.target.hasAttribute("data-forget-drafts")) forget();
    });
  } catch (err) { /* storage off: nothing kept */ }
  /* back from the browser's cache (history), a sent form can be sent again */
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      form.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
    });
  });
})();
