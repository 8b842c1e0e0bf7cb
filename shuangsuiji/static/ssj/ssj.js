// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-nav-toggle]");
    if (t) {
      var nav = document.getElementById("mainnav");
      if (nav) {
        var open = nav.classList.toggle("open");
        t.setAttribute("aria-expanded", open ? "true" : "false");
      }
    }
    var c = ev.target.closest("[data-confirm]");
    if (c && !window.confirm(c.getAttribute("data-confirm"))) {
      ev.preventDefault();
    }
  });
  document.addEventListener("htmx:configRequest", function (ev) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { ev.detail.headers["X-CSRFToken"] = token.content; }
  });
})();
