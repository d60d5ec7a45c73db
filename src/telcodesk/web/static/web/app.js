/* telcodesk console: small progressive enhancements. No inline script is
   allowed by the content security policy, so behaviour hangs off data-*
   attributes here. The CSRF header for HTMX is set with hx-headers on <body>. */
(function () {
  "use strict";

  // <button data-copy="#element-id">: copy the element's text to the clipboard.
  function onCopyClick(event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var done = button.getAttribute("data-copied");
      if (done) { button.textContent = done; }
    });
  }

  // <select data-autosubmit>: submit its form when the choice changes.
  function onChange(event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit();
    }
  }

  // <button data-nav-toggle>: open or fold the console menu on narrow screens.
  function onNavToggle(event) {
    var button = event.target.closest("[data-nav-toggle]");
    if (!button) { return; }
    var bar = button.closest(".topbar");
    var open = bar.classList.toggle("nav-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // A click outside the open "More" list closes it.
  function onOutsideClick(event) {
    document.querySelectorAll("details.nav-more[open]").forEach(function (details) {
      if (!details.contains(event.target)) { details.removeAttribute("open"); }
    });
  }

  document.addEventListener("click", onCopyClick);
  document.addEventListener("click", onNavToggle);
  document.addEventListener("click", onOutsideClick);
  document.addEventListener("change", onChange);
  document.documentElement.classList.add("js");
}());
