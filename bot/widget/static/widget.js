/*
 * Mediation assistant chat widget — vanilla JS, no framework, no CDN.
 *
 * Why this exists: the ready-made Rasa widgets need socket.io (which in Rasa 3.6 has an unfixed
 * reply bug and no origin check), keep conversations in localStorage (left behind on a shared
 * library computer) and are not accessible. This one talks to Rasa's REST channel and keeps the
 * conversation id and the transcript in sessionStorage: they follow the resident across pages of
 * the site within the tab and vanish when the tab closes.
 *
 * Embed:
 *   <script src="https://HOST/widget/widget.js" data-bot-url="https://RASA-HOST"
 *           data-title="Mediation assistant" data-lang="en" defer></script>
 * Optional: data-start-payload="/greet" (sent silently the first time the panel opens).
 *
 * Safety: bot text is never parsed as HTML; it is turned into text nodes, and links are made only
 * for http(s), tel and mailto URLs.
 */
(function () {
  "use strict";

  if (window.__mediationChatWidget) return; // loaded twice on one page: keep the first
  window.__mediationChatWidget = true;

  var STRINGS = {
    en: {
      title: "Mediation assistant",
      launcher: "Chat with us",
      close: "Close chat",
      log: "Conversation",
      inputLabel: "Type your message",
      send: "Send",
      typing: "The assistant is typing\u2026",
      error: "Sorry, we could not reach the assistant. Check your connection and try again.",
      retry: "Retry",
      notSent: "Not sent",
      you: "You said:",
      bot: "Assistant said:",
      choices: "Choices",
      newTab: "(opens in a new tab)",
      notice: "Not for emergencies: if you or someone else is in danger, call 911.",
      empty: "Ask a question about mediation, for example \u201cIs it free?\u201d"
    },
    es: {
      title: "Asistente de mediaci\u00f3n",
      launcher: "Chatee con nosotros",
      close: "Cerrar el chat",
      log: "Conversaci\u00f3n",
      inputLabel: "Escriba su mensaje",
      send: "Enviar",
      typing: "El asistente est\u00e1 escribiendo\u2026",
      error: "No pudimos comunicarnos con el asistente. Revise su conexi\u00f3n e int\u00e9ntelo de nuevo.",
      retry: "Reintentar",
      notSent: "No enviado",
      you: "Usted dijo:",
      bot: "El asistente dijo:",
      choices: "Opciones",
      newTab: "(se abre en una pesta\u00f1a nueva)",
      notice: "No es para emergencias: si usted u otra persona est\u00e1 en peligro, llame al 911.",
      empty: "Haga una pregunta sobre la mediaci\u00f3n, por ejemplo \u201c\u00bfEs gratis?\u201d"
    }
  };

  var SAFE_PROTOCOLS = ["http:", "https:", "tel:", "mailto:"];
  var REQUEST_TIMEOUT_MS = 30000;
  var TYPING_DELAY_MS = 300;

  // ---- configuration from the <script> tag ---------------------------------------------------

  var script = document.currentScript || document.querySelector("script[data-bot-url][src*='widget.js']");
  if (!script) return;
  var data = script.dataset || {};
  var lang = (data.lang || "en").toLowerCase().split("-")[0];
  var t = STRINGS[lang] || STRINGS.en;
  if (!STRINGS[lang]) lang = "en";
  var config = {
    botUrl: (data.botUrl || "").replace(/\/+$/, ""),
    title: data.title || t.title,
    startPayload: data.startPayload || ""
  };
  var assetBase = script.src.replace(/[^\/?#]*([?#].*)?$/, "");
  var STORAGE_KEY = "mediation-chat:" + config.botUrl;

  // ---- per-tab state in sessionStorage -----------------------------------------------------

  var memoryStore = {};
  var storage = {
    get: function (key) {
      try { return window.sessionStorage.getItem(key); } catch (e) { return memoryStore[key] || null; }
    },
    set: function (key, value) {
      try { window.sessionStorage.setItem(key, value); } catch (e) { memoryStore[key] = value; }
    }
  };

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function loadState() {
    var state = null;
    try { state = JSON.parse(storage.get(STORAGE_KEY) || "null"); } catch (e) { state = null; }
    if (!state || typeof state.id !== "string" || !Array.isArray(state.messages)) {
      state = { id: uuid(), open: false, started: false, messages: [] };
    }
    // A message that was on its way when the resident left the page never got its answer.
    state.messages.forEach(function (m) { if (m.status === "pending") m.status = "failed"; });
    return state;
  }

  var state = loadState();
  function save() { storage.set(STORAGE_KEY, JSON.stringify(state)); }

  // ---- DOM helpers ---------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function hiddenText(text) { return el("span", { className: "occw-sr", text: text }); }

  function safeHref(href) {
    try {
      var url = new URL(href, window.location.href);
      return SAFE_PROTOCOLS.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) { return null; }
  }

  function link(text, href) {
    var safe = safeHref(href);
    if (!safe) return document.createTextNode(text);
    var a = el("a", { href: safe, className: "occw-link" }, [text]);
    if (/^https?:/.test(safe)) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      a.appendChild(hiddenText(" " + t.newTab));
    }
    return a;
  }

  // Markdown link, bare URL, e-mail address, North American phone number, **bold**.
  var TOKEN = new RegExp(
    [
      "\\[([^\\]\\n]+)\\]\\(([^)\\s]+)\\)",
      "(https?:\\/\\/[^\\s<>\"]+)",
      "([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})",
      "((?:\\+?1[\\s.-]?)?\\(?\\b[2-9]\\d{2}\\)?[\\s.-]?\\d{3}[\\s.-]\\d{4}\\b)",
      "\\*\\*([^*\\n]+)\\*\\*"
    ].join("|"),
    "g"
  );

  function richText(text) {
    var frag = document.createDocumentFragment();
    var last = 0;
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      var start = m.index;
      var whole = m[0];
      var trailing = "";
      if (m[3]) { // bare URL: sentence punctuation after it is not part of it
        var cut = whole.match(/[.,;:!?)\]'"]+$/);
        if (cut) { trailing = cut[0]; whole = whole.slice(0, -trailing.length); }
      }
      if (start > last) frag.appendChild(document.createTextNode(text.slice(last, start)));
      if (m[1]) frag.appendChild(link(m[1], m[2]));
      else if (m[3]) frag.appendChild(link(whole, whole));
      else if (m[4]) frag.appendChild(link(whole, "mailto:" + whole));
      else if (m[5]) frag.appendChild(link(whole, "tel:+1" + whole.replace(/\D/g, "").replace(/^1(?=\d{10}$)/, "")));
      else if (m[6]) frag.appendChild(el("strong", { text: m[6] }));
      if (trailing) frag.appendChild(document.createTextNode(trailing));
      last = start + m[0].length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // ---- build the widget ----------------------------------------------------------------------

  if (!document.querySelector("link[data-occw-css]")) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: assetBase + "widget.css", "data-occw-css": true }));
  }

  var ids = { panel: "occw-panel", title: "occw-title", input: "occw-input", log: "occw-log" };
  var launcher = el("button", {
    type: "button", className: "occw-launcher", "aria-expanded": "false", "aria-controls": ids.panel
  }, [
    el("span", { className: "occw-launcher-icon", "aria-hidden": "true" }),
    el("span", { className: "occw-launcher-text", text: t.launcher })
  ]);
  var closeButton = el("button", { type: "button", className: "occw-close", "aria-label": t.close }, [
    el("span", { "aria-hidden": "true", text: "\u00d7" })
  ]);
  var log = el("div", {
    id: ids.log, className: "occw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": t.log, tabindex: "0"
  });
  var emptyHint = el("p", { className: "occw-empty", text: t.empty });
  var typing = el("div", { className: "occw-typing", role: "status", "aria-live": "polite" });
  var errorText = el("p", { className: "occw-error-text", text: t.error });
  var retryButton = el("button", { type: "button", className: "occw-retry", text: t.retry });
  var errorBox = el("div", { className: "occw-error", role: "alert", hidden: true }, [errorText, retryButton]);
  var input = el("input", {
    id: ids.input, className: "occw-input", type: "text", autocomplete: "off", maxlength: "1000",
    enterkeyhint: "send"
  });
  var sendButton = el("button", { type: "submit", className: "occw-send", text: t.send });
  var form = el("form", { className: "occw-form", novalidate: true }, [
    el("label", { className: "occw-label", "for": ids.input, text: t.inputLabel }),
    el("div", { className: "occw-form-row" }, [input, sendButton])
  ]);
  var panel = el("section", {
    id: ids.panel, className: "occw-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": ids.title,
    hidden: true
  }, [
    el("div", { className: "occw-header" }, [el("h2", { id: ids.title, className: "occw-title", text: config.title }), closeButton]),
    el("p", { className: "occw-notice", text: t.notice }),
    log,
    typing,
    errorBox,
    form
  ]);
  var root = el("aside", { className: "occw", lang: lang, "aria-label": config.title }, [panel, launcher]);

  // ---- rendering -----------------------------------------------------------------------------

  var nodes = new WeakMap(); // message → its DOM node (kept out of the stored transcript)

  function renderMessage(message) {
    if (message.hidden) return null;
    var mine = message.from === "user";
    var bubble = el("div", { className: "occw-msg " + (mine ? "occw-msg--user" : "occw-msg--bot") });
    bubble.appendChild(hiddenText((mine ? t.you : t.bot) + " "));
    var body = el("p", { className: "occw-text" });
    body.appendChild(mine ? document.createTextNode(message.text) : richText(message.text || ""));
    bubble.appendChild(body);
    if (mine) {
      bubble.appendChild(el("span", { className: "occw-failed", text: t.notSent, hidden: message.status !== "failed" }));
    }
    if (message.buttons && message.buttons.length) {
      var group = el("div", { className: "occw-buttons", role: "group", "aria-label": t.choices });
      message.buttons.forEach(function (b) {
        var button = el("button", { type: "button", className: "occw-choice", text: b.title, disabled: !!message.used });
        button.addEventListener("click", function () {
          if (message.used) return;
          message.used = true;
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (x) { x.disabled = true; });
          send(b.title, b.payload || b.title);
          input.focus();
        });
        group.appendChild(button);
      });
      bubble.appendChild(group);
    }
    nodes.set(message, bubble);
    return bubble;
  }

  function append(message) {
    state.messages.push(message);
    save();
    var node = renderMessage(message);
    if (node) {
      if (emptyHint.parentNode) emptyHint.parentNode.removeChild(emptyHint);
      log.appendChild(node);
      log.scrollTop = log.scrollHeight;
    }
    return message;
  }

  function setStatus(message, status) {
    message.status = status;
    save();
    if (nodes.has(message)) {
      var flag = nodes.get(message).querySelector(".occw-failed");
      if (flag) flag.hidden = status !== "failed";
    }
  }

  function renderAll() {
    log.textContent = "";
    var visible = state.messages.filter(function (m) { return !m.hidden; });
    if (!visible.length) log.appendChild(emptyHint);
    visible.forEach(function (m) { log.appendChild(renderMessage(m)); });
    showError(state.messages.some(function (m) { return m.status === "failed"; }));
  }

  // ---- talking to Rasa's REST channel --------------------------------------------------------

  var queue = Promise.resolve();
  var typingTimer = null;
  var inFlight = 0;

  function showTyping(on) {
    if (on) {
      inFlight += 1;
      if (!typingTimer && !typing.textContent) {
        typingTimer = window.setTimeout(function () {
          typingTimer = null;
          typing.textContent = "";
          typing.appendChild(el("span", { className: "occw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]));
          typing.appendChild(el("span", { className: "occw-typing-text", text: t.typing }));
        }, TYPING_DELAY_MS);
      }
    } else {
      inFlight = Math.max(0, inFlight - 1);
      if (inFlight === 0) {
        if (typingTimer) { window.clearTimeout(typingTimer); typingTimer = null; }
        typing.textContent = "";
      }
    }
  }

  function showError(on) {
    errorBox.hidden = !on;
  }

  function post(text) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return window.fetch(config.botUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ sender: state.id, message: text, metadata: { channel: "web" } }),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).finally(function () { if (timer) window.clearTimeout(timer); });
  }

  function deliver(message) {
    setStatus(message, "pending");
    showTyping(true);
    return post(message.payload).then(function (replies) {
      setStatus(message, "sent");
      (Array.isArray(replies) ? replies : []).forEach(function (r) {
        var text = typeof r.text === "string" ? r.text : "";
        var buttons = Array.isArray(r.buttons) ? r.buttons.filter(function (b) { return b && b.title; }).map(function (b) {
          return { title: String(b.title), payload: String(b.payload || b.title) };
        }) : [];
        if (!text && r.image) text = String(r.image);
        if (!text && !buttons.length) return;
        append({ from: "bot", text: text, buttons: buttons, used: false });
      });
      if (!state.messages.some(function (m) { return m.status === "failed"; })) showError(false);
    }, function () {
      setStatus(message, "failed");
      showError(true);
    }).finally(function () { showTyping(false); });
  }

  function enqueue(message) {
    queue = queue.then(function () { return deliver(message); });
    return queue;
  }

  function send(text, payload, hidden) {
    // Older choices no longer apply once the conversation moves on.
    state.messages.forEach(function (m) {
      if (m.buttons && m.buttons.length && !m.used) {
        m.used = true;
        if (nodes.has(m)) Array.prototype.forEach.call(nodes.get(m).querySelectorAll("button"), function (x) { x.disabled = true; });
      }
    });
    var message = append({ from: "user", text: text, payload: payload || text, status: "pending", hidden: !!hidden });
    return enqueue(message);
  }

  function retry() {
    showError(false);
    state.messages.filter(function (m) { return m.status === "failed"; }).forEach(function (m) {
      setStatus(m, "pending");
      enqueue(m);
    });
    input.focus();
  }

  // ---- open / close ----------------------------------------------------------------------------

  function open(focus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("occw--open");
    state.open = true;
    save();
    log.scrollTop = log.scrollHeight;
    if (focus) input.focus();
    if (!state.started) {
      state.started = true;
      save();
      if (config.startPayload) send(config.startPayload, config.startPayload, true);
    }
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("occw--open");
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(true); else close(); });
  closeButton.addEventListener("click", close);
  retryButton.addEventListener("click", retry);
  root.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.replace(/\s+/g, " ").trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    send(text, text);
  });

  function mount() {
    document.body.appendChild(root);
    renderAll();
    if (state.open) open(false); // resume where the resident was, without stealing focus
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
