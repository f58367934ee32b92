// lms.choosers.SearchChooser: search as you type, add a match, remove a chosen one.
// The hidden <select> holds what the form posts; the lists are only what a person sees.
(function () {
  function setUp(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var select = root.querySelector("select");
    var chosen = root.querySelector("[data-chosen]");
    var query = root.querySelector("[data-query]");
    var results = root.querySelector("[data-results]");
    var multiple = root.dataset.multiple === "true";
    var timer = null;

    function remove(value) {
      var option = select.querySelector('option[value="' + value + '"]');
      if (option) option.remove();
      var item = chosen.querySelector('li[data-value="' + value + '"]');
      if (item) item.remove();
    }

    function add(id, label) {
      var value = String(id);
      if (select.querySelector('option[value="' + value + '"]')) return;
      if (!multiple) {
        Array.prototype.slice.call(select.options).forEach(function (o) { remove(o.value); });
      }
      var option = new Option(label, value, true, true);
      select.appendChild(option);
      var item = document.createElement("li");
      item.dataset.value = value;
      var text = document.createElement("span");
      text.textContent = label;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small button-secondary";
      button.dataset.remove = "";
      button.textContent = root.dataset.removeLabel;
      button.setAttribute("aria-label", root.dataset.removeLabel + " " + label);
      item.appendChild(text);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(button);
      chosen.appendChild(item);
    }

    function show(items) {
      results.innerHTML = "";
      if (!items.length) {
        var none = document.createElement("li");
        none.textContent = root.dataset.noneLabel;
        results.appendChild(none);
      }
      items.forEach(function (found) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small button-secondary";
        button.textContent = found.label;
        button.addEventListener("click", function () {
          add(found.id, found.label);
          results.hidden = true;
          query.setAttribute("aria-expanded", "false");
          query.value = "";
          query.focus();
        });
        li.appendChild(button);
        results.appendChild(li);
      });
      results.hidden = false;
      query.setAttribute("aria-expanded", "true");
    }

    function search() {
      var url = root.dataset.source + "?q=" + encodeURIComponent(query.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { show(data.results || []); });
    }

    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
    chosen.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove]");
      if (button) remove(button.closest("li").dataset.value);
    });
  }

  function all() { document.querySelectorAll("[data-search-chooser]").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
