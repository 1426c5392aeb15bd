// Live updates of the documents list: the server's outcome events (SSE) ask htmx to reload the table.
document.addEventListener("DOMContentLoaded", function () {
  var url = document.body.dataset.live;
  if (!url || !window.EventSource) return;
  var live = document.getElementById("live");
  var source = new EventSource(url);
  var timer = null;
  var seen = 0;
  source.addEventListener("open", function () { if (live) live.textContent = "live"; });
  source.addEventListener("error", function () { if (live) live.textContent = "reconnecting…"; });
  source.addEventListener("outcome", function (event) {
    seen += 1;
    var data = JSON.parse(event.data);
    if (live) live.textContent = "live · " + seen + " update" + (seen === 1 ? "" : "s") + " · last: " + data.outcome;
    clearTimeout(timer);
    timer = setTimeout(function () { window.htmx && window.htmx.trigger(document.body, "docpipe-refresh"); }, 300);
  });
});
