(function () {
  // A gankit scrubber: the slider shows its frame, play steps through the frames and stops at
  // the last. Field frames (a 2-D run) are drawn here from their data over axes drawn once.
  var G = __GLOBALS__;
  var me = document.currentScript, root = me && me.parentNode;
  if (!root || !root.hasAttribute || !root.hasAttribute("data-gankit-scrubber")) root = document.getElementById(G.id);
  if (!root || root.getAttribute("data-live")) return;
  root.setAttribute("data-live", "1");
  var frames = root.querySelectorAll("[data-frame]"), slider = root.querySelector("input[type=range]");
  var button = root.querySelector("[data-play]"), label = root.querySelector("[data-label]");
  var table = root.querySelector("[data-table]");
  var cur = -1, timer = null, canvas = null, images = {};

  function bytes(b64) {
    var s = atob(b64), a = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
    return a;
  }
  function load(src, done) {
    var im = images[src];
    if (!im) { im = images[src] = new Image(); im.src = src; }
    if (im.complete && im.naturalWidth) done(im); else im.addEventListener("load", function () { done(im); });
  }
  function dots(c, data, stride, rect, color) {
    c.fillStyle = color;
    c.beginPath();
    for (var i = 0; i + 1 < data.length; i += stride) {
      if (data[i] === 255 || data[i + 1] === 255) continue;
      var x = rect[0] + data[i] / 254 * rect[2], y = rect[1] + data[i + 1] / 254 * rect[3];
      c.moveTo(x + 2, y);
      c.arc(x, y, 2, 0, 2 * Math.PI);
    }
    c.fill();
  }
  function paint(frame, axes, heat) {
    var n = G.size, k = window.devicePixelRatio || 1, c = canvas.getContext("2d"), rect = axes.rect;
    if (canvas.width !== Math.round(n * k)) { canvas.width = canvas.height = Math.round(n * k); }
    c.setTransform(k, 0, 0, k, 0, 0);
    c.drawImage(axes.image, 0, 0, n, n);
    // D's output: the grey heatmap coloured from "fake" to "real", its pixels centred on the
    // grid's points (the rectangle's edges included), smoothed by the browser.
    var r = heat.naturalWidth, t = document.createElement("canvas");
    t.width = t.height = r;
    var tc = t.getContext("2d");
    tc.drawImage(heat, 0, 0);
    var px = tc.getImageData(0, 0, r, r), d = px.data, a = G.heat[0], b = G.heat[1];
    for (var i = 0; i < d.length; i += 4) {
      var p = d[i] / 255;
      d[i] = a[0] + (b[0] - a[0]) * p; d[i + 1] = a[1] + (b[1] - a[1]) * p; d[i + 2] = a[2] + (b[2] - a[2]) * p; d[i + 3] = 255;
    }
    tc.putImageData(px, 0, 0);
    c.save();
    c.beginPath(); c.rect(rect[0], rect[1], rect[2], rect[3]); c.clip();
    var cw = rect[2] / (r - 1), ch = rect[3] / (r - 1);
    c.imageSmoothingEnabled = true;
    c.drawImage(t, rect[0] - cw / 2, rect[1] - ch / 2, rect[2] + cw, rect[3] + ch);
    dots(c, G.real[+frame.getAttribute("data-r")], 2, rect, G.colors.real);
    var f = bytes(frame.getAttribute("data-f"));
    c.strokeStyle = G.colors.push; c.lineWidth = 1; c.beginPath();
    for (var j = 0; j + 3 < f.length; j += 4) {
      if (f[j] === 255 || f[j + 1] === 255) continue;
      var x = rect[0] + f[j] / 254 * rect[2], y = rect[1] + f[j + 1] / 254 * rect[3];
      var dx = (f[j + 2] << 24 >> 24) / 1024 * rect[2], dy = (f[j + 3] << 24 >> 24) / 1024 * rect[3];
      c.moveTo(x, y); c.lineTo(x + dx, y + dy);
    }
    c.stroke();
    dots(c, f, 4, rect, G.colors.fake);
    c.restore();
    c.fillStyle = "#000"; c.font = "17px 'DejaVu Sans', sans-serif"; c.textAlign = "center";
    c.fillText(frame.getAttribute("data-t"), n / 2, G.titleY);
  }
  function drawField(frame) {
    if (!canvas) {
      canvas = document.createElement("canvas");
      canvas.style.width = canvas.style.height = G.size + "px";
      canvas.style.maxWidth = "100%";
      canvas.style.display = "block";
    }
    frame.insertBefore(canvas, frame.firstChild);
    var axes = G.axes[+frame.getAttribute("data-b")];
    load(axes.src, function (ai) {
      axes.image = ai;
      load("data:image/jpeg;base64," + frame.getAttribute("data-h"), function (hi) {
        if (frames[cur] === frame) paint(frame, axes, hi);
      });
    });
  }
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i | 0));
    if (i === cur) return;
    if (cur >= 0) frames[cur].style.display = "none";
    var frame = frames[i];
    frame.style.display = "flex";
    cur = i;
    slider.value = i;
    label.textContent = frame.getAttribute("data-frame") + " (" + (i + 1) + "/" + frames.length + ")";
    if (frame.hasAttribute("data-f")) drawField(frame);
    if (table) numbers(frame);
  }
  function numbers(frame) {
    var values = JSON.parse(frame.getAttribute("data-v") || "[]");
    var names = frame.hasAttribute("data-n") ? JSON.parse(frame.getAttribute("data-n")) : G.names;
    var body = table.tBodies[0];
    while (body.rows.length > values.length) body.deleteRow(-1);
    while (body.rows.length < values.length) {
      var row = body.insertRow(-1);
      for (var c = 0; c < 2; c++) row.insertCell(-1).setAttribute("style", G.cells[c]);
    }
    for (var i = 0; i < values.length; i++) {
      body.rows[i].cells[0].textContent = names[i];
      body.rows[i].cells[1].textContent = values[i];
    }
    table.style.display = values.length ? "" : "none";
    frame.appendChild(table);
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } button.innerHTML = "&#9654;"; }
  function play() {
    if (cur >= frames.length - 1) show(0);
    button.innerHTML = "&#10074;&#10074;";
    timer = setInterval(function () { if (cur >= frames.length - 1) stop(); else show(cur + 1); }, G.ms);
  }
  slider.addEventListener("input", function () { stop(); show(+slider.value); });
  button.addEventListener("click", function () { if (timer) stop(); else play(); });
  for (var i = 0; i < G.real.length; i++) G.real[i] = bytes(G.real[i]);
  // The still (what shows where scripts do not run) gives way to the drawn frames.
  var still = root.querySelector("[data-still]");
  if (still) still.parentNode.removeChild(still);
  for (var j = 0; j < frames.length; j++) if (frames[j].style.display !== "none") { cur = j; frames[j].style.display = "none"; }
  cur = -1;
  root.querySelector("[data-controls]").style.display = "flex";
  root.querySelector("[data-static]").style.display = "none";
  show(+slider.value);
})();
