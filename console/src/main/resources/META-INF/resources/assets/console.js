// ulidmesh console: the theme switch, plan upload into the text area, and the live rollout stream.
// No framework; the server renders every piece of HTML.
(function () {
  var root = document.documentElement;
  var saved = null;
  try { saved = localStorage.getItem('ulidmesh-theme'); } catch (e) { /* storage off */ }
  if (saved === 'light' || saved === 'dark') root.setAttribute('data-theme', saved);

  document.addEventListener('DOMContentLoaded', function () {
    var toggle = document.getElementById('theme-toggle');
    if (toggle) {
      toggle.addEventListener('click', function () {
        var dark = root.getAttribute('data-theme') === 'dark' ||
          (!root.getAttribute('data-theme') && window.matchMedia('(prefers-color-scheme: dark)').matches);
        var next = dark ? 'light' : 'dark';
        root.setAttribute('data-theme', next);
        try { localStorage.setItem('ulidmesh-theme', next); } catch (e) { /* storage off */ }
      });
    }

    var upload = document.getElementById('plan-file');
    if (upload) {
      upload.addEventListener('change', function () {
        var file = upload.files && upload.files[0];
        if (!file) return;
        file.text().then(function (text) { document.getElementById('plan').value = text; });
      });
    }

    var live = document.getElementById('live');
    if (live && window.EventSource) {
      var status = document.getElementById('live-status');
      var source = new EventSource(live.getAttribute('data-stream'));
      source.addEventListener('open', function () { if (status) status.textContent = 'live'; });
      source.addEventListener('live', function (e) {
        live.innerHTML = e.data;
        if (status) status.textContent = 'live, updated ' + new Date().toLocaleTimeString();
      });
      source.addEventListener('trouble', function (e) {
        var box = document.createElement('div');
        box.innerHTML = e.data;
        live.insertBefore(box, live.firstChild);
        if (status) status.textContent = 'stream stopped: see the message below';
        source.close();
      });
      source.addEventListener('refused', function (e) {
        if (status) status.textContent = e.data;
        source.close();
      });
      source.addEventListener('error', function () {
        if (status) status.textContent = 'reconnecting…';
      });
    }
  });
})();
