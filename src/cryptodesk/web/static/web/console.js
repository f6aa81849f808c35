// Live updates for console pages. The page declares the streams it follows in
// <body data-streams="queue ticket:42" data-last-event-id="1234">. Each event asks htmx to
// re-fetch the live parts of the page from the database; after a reconnect the server replays
// every event after the last id seen, so nothing is missed while the socket was down.
(function () {
  "use strict";
  var body = document.body;
  var streams = (body.dataset.streams || "").split(" ").filter(Boolean);
  if (!streams.length || !window.WebSocket) return;
  var lastId = parseInt(body.dataset.lastEventId || "0", 10) || 0;
  var retries = 0;
  var refreshTimer = null;
  var dot = document.getElementById("live-dot");

  function setLive(on) {
    if (dot) dot.classList.toggle("on", on);
    body.dataset.live = on ? "1" : "0";
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      body.dispatchEvent(new CustomEvent("cd:refresh"));
    }, 120);
  }

  function remember(id) {
    if (id > lastId) {
      lastId = id;
      body.dataset.lastEventId = String(id);
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/console/");
    socket.onopen = function () {
      // After an outage, re-read the page even if no event is replayed: on PostgreSQL an
      // event with a lower id can commit after a higher one the page already saw.
      if (retries > 0) scheduleRefresh();
      retries = 0;
      setLive(true);
      socket.send(JSON.stringify({ type: "subscribe", streams: streams, last_event_id: lastId }));
    };
    socket.onmessage = function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "event") {
        remember(data.id);
        scheduleRefresh();
      } else if (data.type === "synced") {
        remember(data.last_event_id);
        if (data.more) {
          socket.send(JSON.stringify({ type: "subscribe", streams: streams, last_event_id: lastId }));
        }
      }
    };
    socket.onclose = function (event) {
      setLive(false);
      // 4401: signed out, 4403: not an agent. Retrying cannot help; the next page load will.
      if (event.code === 4401 || event.code === 4403) {
        body.dataset.live = "denied";
        return;
      }
      retries += 1;
      setTimeout(connect, Math.min(10000, 400 * Math.pow(2, retries)));
    };
  }

  // A live refresh must not throw away what an agent is editing in the properties form:
  // while it has unsaved changes (or focus), its out-of-band swap is skipped.
  document.addEventListener("input", function (event) {
    var form = event.target && event.target.closest && event.target.closest("#ticket-props form");
    if (form) form.dataset.dirty = "1";
  });
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.closest && event.target.closest("#ticket-props form");
    if (form) form.dataset.dirty = "1";
  });
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "ticket-props") return;
    var form = target.querySelector("form");
    if ((form && form.dataset.dirty === "1") || target.contains(document.activeElement)) {
      event.detail.shouldSwap = false;
    }
  });

  // Reply box: switch between a public reply and an internal note.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.name === "internal") {
      var box = target.closest(".reply-box");
      if (box) box.classList.toggle("internal", target.value === "1" && target.checked);
    }
  });

  connect();
})();
