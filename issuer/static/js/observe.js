// Observation helpers on the award forms: a tap on a behaviour from the skill's criteria puts it in the
// observation field, where the mediator then says what this person actually did. Without this script the
// behaviours are shown as plain text, and the form works the same.
(function () {
  "use strict";
  document.querySelectorAll("[data-helpers-for]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-helpers-for"));
    if (!field) {
      return;
    }
    box.querySelectorAll(".chip-text").forEach(function (text) { text.hidden = true; });
    box.querySelectorAll("button[data-insert]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var words = button.getAttribute("data-insert");
        var current = field.value.replace(/\s+$/, "");
        field.value = current ? current + " " + words : words;
        field.focus();
        field.setSelectionRange(field.value.length, field.value.length);
      });
    });
  });
})();
