// The question form shows only the fields of the chosen kind. Panels say which kinds they
// belong to (data-question-kinds); hidden panels get the `hidden` attribute, so they leave
// the tab order and screen readers skip them. Without JavaScript every field stays visible.
(function () {
    "use strict";

    function apply(select) {
        var kind = select.value;
        document.querySelectorAll("[data-question-kinds]").forEach(function (element) {
            var kinds = element.getAttribute("data-question-kinds").split(" ");
            var panel = element.closest(".w-panel") || element;
            panel.hidden = Boolean(kind) && kinds.indexOf(kind) === -1;
        });
    }

    function start() {
        var select = document.querySelector("select[name='kind']");
        if (!select) {
            return;
        }
        apply(select);
        select.addEventListener("change", function () {
            apply(select);
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
