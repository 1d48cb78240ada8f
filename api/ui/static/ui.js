/* hallmark reviewer workbench — a little plain JavaScript; every page works without it. */
(function () {
  "use strict";

  // A chosen file fills the text box, so input errors can be shown and fixed in place.
  var file = document.getElementById("file");
  var text = document.getElementById("text");
  var form = document.getElementById("check-form");
  if (file && text && window.FileReader) {
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        text.value = String(reader.result);
        var name = form && form.querySelector("input[name=filename]");
        if (name) { name.value = chosen.name; }
      };
      reader.readAsText(chosen, "utf-8");
    });
    if (form) {
      // the text box now holds the file (perhaps edited): send the text, not the original file
      form.addEventListener("submit", function () {
        if (file.files && file.files.length && text.value.trim()) { file.value = ""; }
      });
    }
  }

  // "Go to this line": put the cursor on the offending line of the text box.
  function lineStart(value, line) {
    var at = 0;
    for (var i = 1; i < line; i++) {
      var next = value.indexOf("\n", at);
      if (next < 0) { return value.length; }
      at = next + 1;
    }
    return at;
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.goto"), function (button) {
    button.addEventListener("click", function () {
      if (!text) { return; }
      var line = parseInt(button.getAttribute("data-line"), 10) || 1;
      var start = lineStart(text.value, line);
      var end = text.value.indexOf("\n", start);
      text.focus();
      text.setSelectionRange(start, end < 0 ? text.value.length : end);
      var lineHeight = parseFloat(window.getComputedStyle(text).lineHeight) || 18;
      text.scrollTop = Math.max(0, (line - 3) * lineHeight);
    });
  });

  // A link to a finding inside a closed <details> opens it and moves the focus there.
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target) { return; }
    for (var node = target.parentNode; node; node = node.parentNode) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    target.scrollIntoView({ block: "center" });
    if (target.hasAttribute("tabindex")) { target.focus({ preventScroll: true }); }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
