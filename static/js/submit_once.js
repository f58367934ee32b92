// A submit-once form's token (lms.forms.SubmitOnceForm) kept through the back button.
// Going back to a sent form loads it again with a new token, while the browser puts back
// what the person had typed: sent again, it would count as a new form. A browser puts back
// only values that differ from the page's own, so the token is made the person's value
// here: after "back" the browser restores the token of the form that was sent, and the
// server finds that form's result instead of creating again. A form opened afresh (a link,
// the menu) is restored from nothing and keeps its new token.
(function () {
  function keep() {
    document.querySelectorAll("input[data-submit-once]").forEach(function (input) {
      var token = input.value; // the restored one after "back", else the one just made
      input.defaultValue = "";
      input.value = token;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", keep);
  } else {
    keep();
  }
})();
