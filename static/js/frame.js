// The page frame: on a phone the header's menu (sections, language, sign-out) folds behind
// one button so the page starts near the top (without this script the menu stays open);
// a table wider than its box is marked so its edge shows that it scrolls sideways.
(function () {
    "use strict";

    function foldTheMenu() {
        var toggle = document.querySelector(".menu-toggle");
        var topbar = document.querySelector(".topbar");
        if (!toggle || !topbar) {
            return;
        }
        toggle.hidden = false;
        topbar.classList.add("topbar--folding");
        toggle.addEventListener("click", function () {
            var open = toggle.getAttribute("aria-expanded") !== "true";
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
            topbar.classList.toggle("topbar--open", open);
        });
        document.addEventListener("keydown", function (event) {
            if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
                toggle.setAttribute("aria-expanded", "false");
                topbar.classList.remove("topbar--open");
                toggle.focus();
            }
        });
    }

    function markScrollingTables() {
        var regions = document.querySelectorAll(".table-scroll");
        function mark() {
            regions.forEach(function (region) {
                var overflows = region.scrollWidth > region.clientWidth + 1;
                var atEnd = region.scrollLeft + region.clientWidth >= region.scrollWidth - 1;
                region.classList.toggle("table-scroll--overflows", overflows);
                region.classList.toggle("table-scroll--at-end", overflows && atEnd);
            });
        }
        regions.forEach(function (region) {
            region.addEventListener("scroll", mark, { passive: true });
        });
        window.addEventListener("resize", mark);
        mark();
    }

    foldTheMenu();
    markScrollingTables();
})();
