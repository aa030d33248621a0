// The calling screen: speak each new call once with the browser's speech synthesis, when the
// hall has switched the voice on (the button below the board; the choice is kept per screen).
(function () {
  "use strict";
  var KEY = "hall-voice";
  var lastSpoken = null;
  var toggle = document.getElementById("voice-toggle");

  function voiceOn() { return window.localStorage && localStorage.getItem(KEY) === "on"; }

  function label() {
    if (toggle) { toggle.textContent = voiceOn() ? "语音播报：开" : "语音播报：关"; }
  }

  function speakNewCall() {
    var board = document.getElementById("board");
    if (!board) { return; }
    var latest = board.querySelector("[data-call-id]");
    if (!latest) { return; }
    var id = latest.getAttribute("data-call-id");
    if (lastSpoken === null) { lastSpoken = id; return; }  // what was on screen at load is not news
    if (id === lastSpoken) { return; }
    lastSpoken = id;
    if (!voiceOn() || !("speechSynthesis" in window)) { return; }
    var text = latest.getAttribute("data-speech");
    var utterance = new SpeechSynthesisUtterance(text + "，" + text);
    utterance.lang = "zh-CN";
    window.speechSynthesis.speak(utterance);
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      localStorage.setItem(KEY, voiceOn() ? "off" : "on");
      label();
    });
  }
  label();
  speakNewCall();
  document.body.addEventListener("htmx:afterSwap", speakNewCall);
})();
