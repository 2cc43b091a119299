// A form the server refuses loses nothing that was typed into it. What a form sends is kept in this tab's
// sessionStorage; the page that tells of the refusal marks it as refused, and when the page the form was on is
// shown again (its "Go back" link), the form is filled in as it was sent. Any other page forgets it: a form that
// was accepted is done with. Without JavaScript the forms work the same, and the refusal page shows the text.
(function () {
  "use strict";
  var SENT = "pdsa-form-sent", REFUSED = "pdsa-form-refused";
  var here = location.pathname + location.search;

  function kept(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || /^(hidden|file|submit|button|password)$/.test(field.type)) return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      (fields[field.name] = fields[field.name] || []).push(field.value);
    });
    return fields;
  }

  function fill(form, fields) {
    Array.prototype.forEach.call(form.elements, function (field) {
      var values = fields[field.name];
      if (!values || /^(hidden|file|submit|button|password)$/.test(field.type)) return;
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) >= 0;
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) >= 0;
        });
      } else {
        field.value = values[0];
      }
    });
  }

  function formFor(sent) {
    var forms = document.querySelectorAll("form[method=post], form[method=POST]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      var names = Object.keys(sent.fields);
      if (form.getAttribute("action") === sent.action &&
          names.every(function (name) { return form.elements[name]; })) return form;
    }
    return null;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    try {
      sessionStorage.setItem(SENT, JSON.stringify({page: here, action: form.getAttribute("action"),
                                                    fields: kept(form)}));
    } catch (full) { /* storage refused: the form is sent all the same */ }
  });

  try {
    var sent = sessionStorage.getItem(SENT), refused = sessionStorage.getItem(REFUSED);
    sessionStorage.removeItem(SENT);
    sessionStorage.removeItem(REFUSED);
    if (document.querySelector("[data-form-refused]")) {
      if (sent) sessionStorage.setItem(REFUSED, sent);
      return;
    }
    if (!refused) return;
    var form = JSON.parse(refused);
    var target = form.page === here ? formFor(form) : null;
    if (target) {
      fill(target, form.fields);
      var details = target.closest("details");
      if (details) details.open = true;
      var first = target.querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
    }
  } catch (broken) { /* nothing kept, or storage refused: the page is as the server sent it */ }
}());
