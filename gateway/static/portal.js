/* Small enhancements only: printing and file upload with progress. CSP: script-src 'self'. */
(function () {
  "use strict";
  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      if (kv[0] === name) { return decodeURIComponent(kv.slice(1).join("=")); }
    }
    return "";
  }
  function sendOne(form, file, slot, onProgress, audience) {
    return new Promise(function (resolve, reject) {
      var body = new FormData();
      body.append("slot", slot);
      if (audience) { body.append("audience", audience); }
      body.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("data-upload"));
      xhr.setRequestHeader("X-CSRF-Token", cookie("portal_csrf"));
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { onProgress(e.loaded / e.total); } };
      xhr.onload = function () { (xhr.status === 201 ? resolve : reject)(xhr); };
      xhr.onerror = function () { reject(xhr); };
      xhr.send(body);
    });
  }
  function upload(form, event) {
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    var slot = form.querySelector("select[name=slot]").value;
    var bar = form.querySelector("progress");
    var status = form.querySelector("[role=status]");
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { input.focus(); return; }
    var done = 0;
    var chain = Promise.resolve();
    files.forEach(function (file) {
      chain = chain.then(function () {
        return sendOne(form, file, slot, function (part) {
          bar.value = Math.round(((done + part) / files.length) * 100);
        }).then(function () { done += 1; });
      });
    });
    chain.then(function () {
      bar.value = 100;
      status.textContent = form.getAttribute("data-done");
      window.location.reload();
    }, function (xhr) {
      var message = form.getAttribute("data-failed");
      try { message += ": " + JSON.parse(xhr.responseText).error.message; } catch (e) { /* keep */ }
      status.textContent = message;
    });
  }
  function attachAndPost(form, event) {
    var input = form.querySelector("input[type=file]");
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; }
    event.preventDefault();
    var bar = form.querySelector("progress");
    var status = form.querySelector("[role=status]");
    var hidden = form.querySelector("input[type=hidden][name=file_ids]");
    var ids = [];
    // a comment's attachments share its audience (internal unless it is public)
    var internal = form.querySelector("input[name=internal]");
    var audience = internal && !internal.checked ? "public" : "internal";
    var chain = Promise.resolve();
    files.forEach(function (file, i) {
      chain = chain.then(function () {
        return sendOne(form, file, "attachment", function (part) {
          bar.value = Math.round(((i + part) / files.length) * 100);
        }, audience).then(function (xhr) { ids.push(JSON.parse(xhr.responseText).id); });
      });
    });
    chain.then(function () {
      hidden.value = ids.join(",");
      input.value = "";
      form.submit();
    }, function (xhr) {
      var message = form.getAttribute("data-failed");
      try { message += ": " + JSON.parse(xhr.responseText).error.message; } catch (e) { /* keep */ }
      status.textContent = message;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var comment = document.getElementById("comment-form");
    if (comment) { comment.addEventListener("submit", function (e) { attachAndPost(comment, e); }); }
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-into]"), function (input) {
      input.addEventListener("change", function () {
        var target = document.getElementById(input.getAttribute("data-into"));
        var file = input.files && input.files[0];
        if (!file || !target) { return; }
        var reader = new FileReader();
        reader.onload = function () { target.value = reader.result; };
        reader.readAsText(file);
      });
    });
    var form = document.getElementById("upload-form");
    if (form) { form.addEventListener("submit", function (e) { upload(form, e); }); }
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    // a framed file (same origin) prints its own content, not the page around it
    Array.prototype.forEach.call(document.querySelectorAll("[data-print-frame]"), function (b) {
      b.addEventListener("click", function () {
        var frame = document.getElementById(b.getAttribute("data-print-frame"));
        try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (e) { window.print(); }
      });
    });
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
}());
