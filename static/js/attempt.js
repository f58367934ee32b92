// Quiz page: saves each answer as the learner goes (one request at a time, so revisions stay
// in order), shows the server's time limit counting down, and hands in when time is up.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const saveUrl = form.dataset.saveUrl;
  const revisionInput = form.querySelector("input[name=revision]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const saveState = form.querySelector("[data-savestate]");
  const pending = new Map();
  let saving = false;
  let blocked = false;
  let submitWhenSaved = false;
  let failed = false;

  function answerOf(fieldset) {
    const kind = fieldset.dataset.kind;
    if (kind === "multiple") {
      return Array.from(fieldset.querySelectorAll("input[type=checkbox]:checked")).map((el) => el.value);
    }
    if (kind === "written") return fieldset.querySelector("textarea").value;
    const checked = fieldset.querySelector("input[type=radio]:checked");
    return checked ? checked.value : null;
  }

  function show(text, isError) {
    saveState.textContent = text;
    saveState.classList.toggle("savestate--error", Boolean(isError));
  }

  async function flush() {
    if (saving || blocked || failed || pending.size === 0) return;
    saving = true;
    const answers = Object.fromEntries(pending);
    pending.clear();
    try {
      const response = await fetch(saveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ revision: Number(revisionInput.value), answers: answers }),
        credentials: "same-origin",
      });
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      if (!isJson) {
        // A login page or an error page instead of an answer: the session has ended.
        blocked = true;
        show(form.dataset.signedOutText, true);
        return;
      }
      const data = await response.json();
      if (data.ok) {
        revisionInput.value = data.revision;
        show(form.dataset.savedText.replace("%s", data.saved_at));
      } else {
        blocked = data.code === "stale" || data.code === "time_up" || data.code === "closed";
        show(data.message, true);
      }
    } catch (error) {
      // Offline or server unreachable: keep the answers and try again in a few seconds.
      Object.entries(answers).forEach(([k, v]) => { if (!pending.has(k)) pending.set(k, v); });
      show(form.dataset.offlineText, true);
      failed = true;
      setTimeout(() => { failed = false; flush(); }, 3000);
    } finally {
      saving = false;
      if (failed) {
        // wait for the scheduled retry
      } else if (pending.size && !blocked) {
        flush();
      } else if (submitWhenSaved && !pending.size) {
        // Hand in with the revision of the last save, so it is not taken for a stale copy.
        form.submit();
      }
    }
  }

  // Which questions are answered: the count and navigator in the sticky bar, and the list
  // of those still open above the hand-in button.
  const fieldsets = Array.from(form.querySelectorAll("fieldset[data-item]"));
  function isAnswered(fieldset) {
    const answer = answerOf(fieldset);
    return Array.isArray(answer) ? answer.length > 0 : Boolean(answer && String(answer).trim());
  }
  function unanswered() {
    return fieldsets.filter((fieldset) => !isAnswered(fieldset));
  }
  function showProgress() {
    const open = unanswered();
    fieldsets.forEach((fieldset) => {
      const link = form.querySelector(`[data-nav="${fieldset.dataset.item}"]`);
      if (!link) return;
      const done = isAnswered(fieldset);
      const nav = link.closest("nav");
      link.classList.toggle("is-answered", done);
      link.querySelector("[data-nav-state]").textContent =
        " " + (done ? nav.dataset.answeredLabel : nav.dataset.openLabel);
    });
    const count = form.querySelector("[data-answered]");
    if (count) {
      count.textContent = form.dataset.answeredText
        .replace("%s", fieldsets.length - open.length)
        .replace("%s", fieldsets.length);
    }
    const box = form.querySelector("[data-unanswered]");
    const list = form.querySelector("[data-unanswered-list]");
    if (box && list) {
      box.hidden = open.length === 0;
      list.replaceChildren(
        ...open.flatMap((fieldset) => {
          const link = document.createElement("a");
          link.href = "#" + fieldset.id;
          link.textContent = fieldset.dataset.number;
          return [link, document.createTextNode(" ")];
        })
      );
    }
  }

  let typingTimer = null;
  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset[data-item]");
    if (!fieldset) return;
    pending.set(fieldset.dataset.item, answerOf(fieldset));
    showProgress();
    flush();
  });
  form.addEventListener("input", (event) => {
    const fieldset = event.target.closest("fieldset[data-kind=written]");
    if (!fieldset) return;
    pending.set(fieldset.dataset.item, answerOf(fieldset));
    showProgress();
    clearTimeout(typingTimer);
    typingTimer = setTimeout(flush, 800);
  });

  form.addEventListener("submit", (event) => {
    const button = form.querySelector("[data-confirm]");
    const open = unanswered();
    const question = open.length
      ? form.dataset.unansweredText.replace("%s", open.map((f) => f.dataset.number).join(", "))
      : button && button.dataset.confirm;
    if (!form.dataset.timeUp && button && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    if ((saving || pending.size) && !blocked) {
      event.preventDefault();
      submitWhenSaved = true;
      flush();
    }
  });

  // Answers picked before this script ran (a slow connection, a quick first click) came
  // with no change event: every question whose inputs differ from what the page was served
  // with is saved like the others, and the count shows what is on the page.
  fieldsets.forEach((fieldset) => {
    const changed = Array.from(fieldset.querySelectorAll("input, textarea")).some((el) =>
      el.type === "radio" || el.type === "checkbox"
        ? el.checked !== el.defaultChecked
        : el.value !== el.defaultValue
    );
    if (changed) pending.set(fieldset.dataset.item, answerOf(fieldset));
  });
  showProgress();
  flush();

  const timer = form.querySelector("[data-timer]");
  if (timer && form.dataset.secondsLeft !== undefined) {
    const endsAt = Date.now() + Number(form.dataset.secondsLeft) * 1000;
    const tick = () => {
      const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      const minutes = String(Math.floor(left / 60)).padStart(2, "0");
      timer.textContent = minutes + ":" + String(left % 60).padStart(2, "0");
      timer.classList.toggle("timer--low", left <= 60);
      if (left === 0) {
        form.dataset.timeUp = "1";
        form.requestSubmit();
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
