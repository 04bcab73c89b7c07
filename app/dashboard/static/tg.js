// The Telegram Mini App's entry: Telegram puts the signed initData in this page's URL fragment
// (#tgWebAppData=...). It is sent to the server once, which checks its HMAC with the bot token.
"use strict";
(function () {
  function show(id) { document.getElementById(id).hidden = false; }
  function fail() { document.getElementById("tg-wait").hidden = true; show("tg-error"); }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("tg");
    var params = new URLSearchParams(window.location.hash.slice(1));
    var initData = params.get("tgWebAppData");
    // Drop the fragment from the address bar and history: it is a credential for a few minutes.
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname);
    }
    if (!initData) { fail(); return; }
    var framed = window.top !== window.self;
    fetch(root.dataset.auth, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ initData: initData, framed: framed })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (data.next) { window.location.replace(data.next); return; }
      if (data.link) {
        document.getElementById("tg-wait").hidden = true;
        document.getElementById("tg-open").href = data.link;
        show("tg-framed");
        return;
      }
      fail();
    }).catch(fail);
  });
})();
