/* Sviedka: the little script the pages use. Everything works without it; it adds the quick exit
   without history, auto logout after idle time, the CSRF header for htmx, and drag-and-drop
   upload of many files with a progress bar each. No framework, no inline code (strict CSP). */
(function () {
  "use strict";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  var csrf = meta("csrf-token");

  /* -- quick exit: leave for a neutral site and take this page out of the history ---------- */
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    var exit = document.getElementById("quick-exit");
    var target = exit ? exit.getAttribute("href") : "https://www.wikipedia.org/";
    if (csrf && navigator.sendBeacon) {
      var data = new FormData();
      data.append("csrf_token", csrf);
      navigator.sendBeacon("/logout", data);
    }
    document.body.textContent = "";
    window.location.replace(target);
  }
  var exitLink = document.getElementById("quick-exit");
  if (exitLink) { exitLink.addEventListener("click", quickExit); }
  var escapes = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 1500; });
    escapes.push(now);
    if (escapes.length >= 3) { quickExit(); }  /* Esc three times quickly */
  });

  /* -- auto logout after idle time --------------------------------------------------------- */
  var idle = parseInt(meta("sviedka-idle-seconds") || "0", 10);
  var logoutForm = document.getElementById("logout-form");
  if (idle > 0 && logoutForm) {
    var last = Date.now();
    var touch = function () { last = Date.now(); };
    ["keydown", "mousedown", "mousemove", "scroll", "touchstart"].forEach(function (name) {
      document.addEventListener(name, touch, { passive: true });
    });
    window.setInterval(function () {
      if (Date.now() - last >= idle * 1000) {
        var reason = document.createElement("input");
        reason.type = "hidden";
        reason.name = "idle";
        reason.value = "1";
        logoutForm.appendChild(reason);
        logoutForm.submit();
      }
    }, 5000);
  }

  /* -- htmx: send the CSRF token with every request ---------------------------------------- */
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (csrf) { event.detail.headers["X-CSRF-Token"] = csrf; }
  });

  /* -- evidence: drag and drop many files, one progress bar each ---------------------------- */
  var zone = document.getElementById("dropzone");
  if (zone) { setUpUpload(zone); }

  function setUpUpload(zone) {
    var form = zone.closest("form");
    var input = form.querySelector('input[type="file"]');
    var list = document.getElementById("uploads");
    var queue = [];
    var busy = false;
    var t = function (key) { return zone.getAttribute("data-" + key) || key; };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      add(input.files);
      input.value = "";
    });
    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      add(event.dataTransfer.files);
    });

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var item = document.createElement("li");
        var name = document.createElement("div");
        name.textContent = file.name;
        var bar = document.createElement("progress");
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute("aria-label", file.name);
        var status = document.createElement("div");
        status.className = "status";
        status.textContent = t("waiting");
        item.appendChild(name);
        item.appendChild(bar);
        item.appendChild(status);
        list.appendChild(item);
        queue.push({ file: file, bar: bar, status: status, item: item });
      });
      next();
    }

    function next() {
      if (busy || queue.length === 0) { return; }
      busy = true;
      send(queue.shift());
    }

    function send(job) {
      var data = new FormData(form);
      data.delete("files");
      data.append("files", job.file, job.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.setRequestHeader("Accept", "application/json");
      if (csrf) { xhr.setRequestHeader("X-CSRF-Token", csrf); }
      job.status.textContent = t("uploading");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { job.bar.value = Math.round(100 * event.loaded / event.total); }
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 200 && body && body.files && body.files.length) {
          job.bar.value = 100;
          done(job, body.files[0]);
        } else {
          failed(job, body && body.error ? body.error : t("failed"));
        }
        busy = false;
        next();
      });
      xhr.addEventListener("error", function () { failed(job, t("failed")); busy = false; next(); });
      xhr.send(data);
    }

    function done(job, file) {
      job.status.textContent = "";
      var label = document.createElement("span");
      label.textContent = t("stored") + " SHA-256: ";
      var hash = document.createElement("code");
      hash.className = "hash sha256";
      hash.textContent = file.sha256;
      var link = document.createElement("a");
      link.href = file.url;
      link.textContent = t("open");
      job.status.appendChild(label);
      job.status.appendChild(hash);
      job.status.appendChild(document.createTextNode(" "));
      job.status.appendChild(link);
    }

    function failed(job, message) {
      job.status.textContent = message;
      job.status.className = "status failed";
    }
  }
})();
