// The per-turn timer of a practice conversation. It only shows the time: the server
// measures the reply time itself from when it served the turn, so this clock decides nothing.
(function () {
  var timer = document.querySelector("[data-practice-timer]");
  if (!timer) return;
  var output = timer.querySelector("[data-timer-output]");
  var standard = parseInt(timer.dataset.standard, 10);
  var start = Date.now() - parseInt(timer.dataset.elapsed, 10) * 1000;
  function tick() {
    var seconds = Math.floor((Date.now() - start) / 1000);
    output.textContent = seconds;
    timer.classList.toggle("is-late", seconds > standard);
  }
  tick();
  setInterval(tick, 1000);
  var form = timer.closest("form");
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;  // one hand-in; the turn number refuses a second anyway
  });
  var box = form.querySelector("textarea");
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  var log = document.querySelector(".chat__log");
  if (log) log.lastElementChild.scrollIntoView({block: "end"});
})();
