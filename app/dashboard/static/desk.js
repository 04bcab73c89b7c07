// Small conveniences; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Filter forms apply as soon as a choice changes (text fields wait for Enter or the button).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select, input[type=checkbox], input[type=date]").forEach(function (field) {
      field.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    });
  });
});
