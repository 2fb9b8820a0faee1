/*!
 * Leercoach chat widget: plain JavaScript, no build step, no dependencies.
 *
 * Embed with one script tag (the stylesheet next to the script is loaded by the script):
 *
 *   <script src="https://intranet.example/widget/leercoach-widget.js" defer
 *           data-server="https://leercoach.example"          (required: the Rasa server)
 *           data-title="Leercoach"
 *           data-color="#1f4e8c" data-color-text="#ffffff"
 *           data-privacy-text="Korte privacymelding…" data-privacy-url="/privacy"
 *           data-lang-launcher="Vraag de Leercoach"></script>
 *
 * It talks to Rasa's REST input channel (POST {server}/webhooks/rest/webhook): every request
 * carries the pseudonymous sender id, so any Rasa server behind a load balancer can answer.
 * The visible history lives in the browser, because the REST channel has no history endpoint.
 *
 * Safety: message text is never parsed as HTML. Bot messages go through a small Markdown
 * renderer that builds DOM nodes (bold, italics, lists, http(s)/mailto links); everything
 * else, including anything that looks like HTML, ends up as text nodes.
 */
(function () {
  "use strict";

  var STORAGE_VERSION = "v1";
  var MAX_STORED_MESSAGES = 200;
  var REQUEST_TIMEOUT_MS = 30000;
  var SAFE_PROTOCOLS = ["http:", "https:", "mailto:", "tel:"];
  var MIN_CONTRAST = 4.5; // WCAG 2.1 AA for normal text
  var DEFAULT_COLOR = "#1f4e8c";
  var DEFAULT_COLOR_TEXT = "#ffffff";

  // Filled in by the widget server (leercoach.widget.server) as it serves this file: the protocol
  // (leercoach/widget/protocol.py: payload key and kinds, the hulpvraag form's keys and limits)
  // and the default texts that live in the content files (welcome, privacy notice, plan tools).
  var SERVED = {};
  var PROTOCOL = SERVED.protocol || {};
  var KINDS = PROTOCOL.kinds || {};
  var HANDOFF = PROTOCOL.handoff || {};

  // Every string a person sees (these and SERVED.strings); each can be replaced with a
  // data-lang-<kebab-name> attribute, e.g. data-lang-new-conversation="Opnieuw beginnen".
  var DEFAULT_STRINGS = {
    launcher: "Vraag de Leercoach",
    subtitle: "Jouw hulp bij leren op het werk",
    close: "Sluit de chat",
    newConversation: "Nieuw gesprek",
    newConversationStarted: "Er is een nieuw gesprek gestart.",
    logLabel: "Gesprek met de Leercoach",
    you: "Jij",
    inputLabel: "Je bericht aan de Leercoach",
    inputPlaceholder: "Typ je vraag…",
    send: "Verstuur",
    typing: "De Leercoach typt…",
    quickReplies: "Kies een antwoord",
    privacyTitle: "Over je privacy",
    privacyMore: "Meer over privacy",
    privacyOk: "Begrepen",
    newTab: "(opent in een nieuw tabblad)",
    unreachable:
      "De Leercoach is nu niet bereikbaar. Je bericht is niet verstuurd. Probeer het zo opnieuw.",
    unreachableKept: "Wat je typte staat nog in het invoerveld.",
    retry: "Opnieuw proberen",
    busy: "Even geduld: de Leercoach is nog bezig met je vorige bericht.",
    download: "Download je gesprek",
    // Before a new conversation (confirmNewConversation).
    newConversationQuestion: "Wil je een nieuw gesprek beginnen? Dit gesprek verdwijnt uit dit venster.",
    newConversationPlan:
      "Je plan gaat niet mee naar het nieuwe gesprek. Bewaar het eerst met de knoppen onder je plan: agenda, print of kopieer.",
    newConversationYes: "Ja, begin opnieuw",
    newConversationNo: "Nee, ga terug",
    // Under an answer (the server marks which ones): "Had je hier iets aan?" 👍 / 👎, once.
    feedbackQuestion: "Had je hier iets aan?",
    feedbackUp: "Ja",
    feedbackDown: "Nee",
    feedbackUpLabel: "Ja, ik had hier iets aan",
    feedbackDownLabel: "Nee, ik had hier niets aan",
    feedbackThanks: "Dank je voor je reactie."
  };

  // ---------------------------------------------------------------- helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "text") node.textContent = value;
        else if (name === "className") node.className = value;
        else node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function srOnly(text) {
    return el("span", { className: "lc-sr", text: text });
  }

  function kebabToCamel(name) {
    return name.replace(/-([a-z])/g, function (_, c) {
      return c.toUpperCase();
    });
  }

  // A v4 UUID. crypto.randomUUID exists only in secure contexts (https, localhost), and many
  // intranets still run on plain http, so fall back to getRandomValues (available everywhere).
  function newSenderId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function" && window.isSecureContext) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // ------------------------------------------------------- safe Markdown

  function safeHref(raw) {
    try {
      var url = new URL(raw, window.location.href);
      return SAFE_PROTOCOLS.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function linkNode(label, href, strings, allowNested) {
    var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" });
    if (allowNested) appendInline(a, label, strings, false);
    else a.appendChild(document.createTextNode(label));
    a.appendChild(srOnly(" " + strings.newTab));
    return a;
  }

  // Alternatives, tried left to right at each position:
  //   [label](url) | **bold** | __bold__ | *italic* | _italic_ | bare http(s) URL
  var INLINE_PATTERN =
    /\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*(?=\S)([^*\n]+?)\*\*|__(?=\S)([^_\n]+?)__|\*(?=\S)([^*\n]+?)\*|(^|[^\w])_(?=\S)([^_\n]+?)_(?!\w)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'])/g;

  function appendInline(parent, text, strings, linksAllowed) {
    var pattern = new RegExp(INLINE_PATTERN.source, "g"); // own lastIndex: this function recurses
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      // The underscore form also matched the character before it; that one stays text.
      var start = match.index + (match[7] !== undefined ? match[6].length : 0);
      var node;
      if (match[1] !== undefined) {
        var href = linksAllowed ? safeHref(match[2]) : null;
        // An unsafe or nested link keeps only its label, as plain text.
        node = href ? linkNode(match[1], href, strings, true) : document.createTextNode(match[1]);
      } else if (match[3] !== undefined || match[4] !== undefined) {
        node = el("strong");
        appendInline(node, match[3] !== undefined ? match[3] : match[4], strings, linksAllowed);
      } else if (match[5] !== undefined || match[7] !== undefined) {
        node = el("em");
        appendInline(node, match[5] !== undefined ? match[5] : match[7], strings, linksAllowed);
      } else {
        var bare = linksAllowed ? safeHref(match[8]) : null;
        node = bare ? linkNode(match[8], bare, strings, false) : document.createTextNode(match[8]);
      }
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      parent.appendChild(node);
      last = pattern.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /**
   * Render a bot message written in a small Markdown subset into a DocumentFragment.
   * Blank lines separate paragraphs, single newlines are line breaks, lines starting with
   * "- ", "* " or "1. " form lists. Never uses innerHTML.
   */
  function renderMarkdown(text, strings) {
    strings = strings || DEFAULT_STRINGS;
    var fragment = document.createDocumentFragment();
    var lines = String(text === null || text === undefined ? "" : text)
      .replace(/\r\n?/g, "\n")
      .split("\n");
    var paragraph = null;
    var list = null;

    lines.forEach(function (line) {
      var bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
      var numbered = /^\s*(\d{1,3})[.)]\s+(.*)$/.exec(line);
      if (bullet || numbered) {
        paragraph = null;
        var tag = bullet ? "ul" : "ol";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = el(tag);
          if (numbered && numbered[1] !== "1") list.setAttribute("start", numbered[1]);
          fragment.appendChild(list);
        }
        var item = el("li");
        appendInline(item, bullet ? bullet[1] : numbered[2], strings, true);
        list.appendChild(item);
      } else if (/^\s*$/.test(line)) {
        paragraph = null;
        list = null;
      } else {
        list = null;
        if (paragraph) paragraph.appendChild(el("br"));
        else {
          paragraph = el("p");
          fragment.appendChild(paragraph);
        }
        appendInline(paragraph, line, strings, true);
      }
    });
    return fragment;
  }

  // ------------------------------------------------------------ storage

  function makeStorage(kind) {
    var backing = null;
    try {
      backing = kind === "session" ? window.sessionStorage : window.localStorage;
      var probe = "leercoach-probe";
      backing.setItem(probe, "1");
      backing.removeItem(probe);
    } catch (e) {
      backing = null; // storage disabled: keep the conversation for this page view only
    }
    var memory = {};
    return {
      get: function (key) {
        try {
          var raw = backing ? backing.getItem(key) : memory[key];
          return raw ? JSON.parse(raw) : null;
        } catch (e) {
          return null;
        }
      },
      set: function (key, value) {
        var raw = JSON.stringify(value);
        try {
          if (backing) backing.setItem(key, raw);
          else memory[key] = raw;
        } catch (e) {
          memory[key] = raw; // quota exceeded: degrade silently
        }
      }
    };
  }

  // ------------------------------------------------------------- colours

  function parseRgb(value) {
    var m = /rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(value || "");
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrastRatio(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function resolveColor(value) {
    if (!value || !window.CSS || !CSS.supports("color", value)) return null;
    var probe = document.createElement("span");
    probe.style.color = value;
    probe.style.display = "none";
    document.body.appendChild(probe);
    var rgb = parseRgb(getComputedStyle(probe).color);
    probe.remove();
    return rgb;
  }

  // The configured colours are used only when text stays readable (≥ 4.5:1): the text colour on
  // the primary colour, and the primary colour as text on white (quick replies, links to it);
  // otherwise the defaults apply and the console says why.
  function chooseColors(color, colorText) {
    if (!color && !colorText) return { color: DEFAULT_COLOR, colorText: DEFAULT_COLOR_TEXT };
    var c = color || DEFAULT_COLOR;
    var t = colorText || DEFAULT_COLOR_TEXT;
    var rgbC = resolveColor(c);
    var rgbT = resolveColor(t);
    var white = [255, 255, 255];
    if (rgbC && rgbT && contrastRatio(rgbC, rgbT) >= MIN_CONTRAST && contrastRatio(rgbC, white) >= MIN_CONTRAST) {
      return { color: c, colorText: t };
    }
    if (window.console) {
      console.warn(
        "Leercoach widget: data-color/data-color-text are invalid or their contrast is below " +
          MIN_CONTRAST + ":1; the default colours are used."
      );
    }
    return { color: DEFAULT_COLOR, colorText: DEFAULT_COLOR_TEXT };
  }

  // ------------------------------------------------------------- widget

  // data-starters: a JSON list of {title, payload}, the buttons on the first screen.
  function readStarters(raw) {
    try {
      var list = JSON.parse(raw || "[]");
      return Array.isArray(list)
        ? list.filter(function (b) {
            return b && typeof b.title === "string" && typeof b.payload === "string";
          })
        : [];
    } catch (e) {
      return [];
    }
  }

  function readConfig(script) {
    var data = script.dataset;
    var strings = {};
    [DEFAULT_STRINGS, SERVED.strings || {}].forEach(function (defaults) {
      Object.keys(defaults).forEach(function (key) {
        strings[key] = defaults[key];
      });
    });
    Object.keys(data).forEach(function (key) {
      // dataset turns data-lang-new-conversation into langNewConversation
      if (key.indexOf("lang") === 0 && key.length > 4) {
        var name = key.charAt(4).toLowerCase() + key.slice(5);
        if (Object.prototype.hasOwnProperty.call(strings, name)) strings[name] = data[key];
      }
    });
    if (data.privacyText) strings.privacyText = data.privacyText;
    if (data.subtitle !== undefined) strings.subtitle = data.subtitle;
    var server = "";
    if (data.server) {
      var serverUrl = safeHref(data.server); // "/" means: the Rasa server behind this page's own origin
      server = serverUrl && /^https?:/.test(serverUrl) ? serverUrl.replace(/\/+$/, "") : "";
    }
    var scriptUrl = script.src || window.location.href;
    return {
      server: server,
      title: data.title || "Leercoach",
      strings: strings,
      privacyUrl: data.privacyUrl ? safeHref(data.privacyUrl) : null,
      initPayload: data.initPayload || "",
      starters: readStarters(data.starters),
      storage: data.storage === "session" ? "session" : "local",
      css: data.css || scriptUrl.replace(/\.js(\?.*)?$/, ".css"),
      colors: chooseColors(data.color, data.colorText)
    };
  }

  function LeercoachWidget(config) {
    this.config = config;
    this.strings = config.strings;
    this.store = makeStorage(config.storage);
    this.viewStore = makeStorage("session"); // panel open/closed and the unsent draft: per tab
    this.storageKey = "leercoach-widget:" + STORAGE_VERSION + ":" + config.server;
    this.state = this.store.get(this.storageKey) || {};
    if (!this.state.sender) this.state.sender = newSenderId();
    if (!Array.isArray(this.state.messages)) this.state.messages = [];
    this.busy = false;
    this.failed = null; // the message that could not be sent, for "Opnieuw proberen"
  }

  LeercoachWidget.prototype.save = function () {
    this.state.messages = this.state.messages.slice(-MAX_STORED_MESSAGES);
    this.store.set(this.storageKey, this.state);
  };

  LeercoachWidget.prototype.mount = function () {
    var self = this;
    var s = this.strings;
    var host = el("div", { id: "leercoach-widget", "data-leercoach-widget": "" });
    host.style.setProperty("--lc-primary", this.config.colors.color);
    host.style.setProperty("--lc-on-primary", this.config.colors.colorText);
    // Hidden until the stylesheet is there, so the page never shows an unstyled widget.
    host.style.setProperty("visibility", "hidden");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    this.host = host;
    this.root = root;

    var stylesheet = el("link", { rel: "stylesheet", href: this.config.css });
    var reveal = function () {
      host.style.removeProperty("visibility");
      // Only now has the log its real height: show the last message (after a reload too).
      if (self.panel && self.isOpen()) self.scrollToEnd();
    };
    stylesheet.addEventListener("load", reveal);
    stylesheet.addEventListener("error", reveal);
    root.appendChild(stylesheet);

    var ids = {
      panel: "lc-panel",
      title: "lc-title",
      input: "lc-input",
      privacy: "lc-privacy-text"
    };

    this.launcher = el("button", {
      type: "button",
      className: "lc-launcher",
      "aria-expanded": "false",
      "aria-controls": ids.panel
    });
    this.launcher.appendChild(this.icon());
    this.launcher.appendChild(el("span", { text: s.launcher }));

    this.newButton = el("button", { type: "button", className: "lc-header-button", text: s.newConversation });
    this.closeButton = el("button", { type: "button", className: "lc-header-button lc-close", "aria-label": s.close });
    this.closeButton.appendChild(el("span", { "aria-hidden": "true", text: "×" }));

    var header = el("div", { className: "lc-header" }, [
      el("div", { className: "lc-heading" }, [
        el("h2", { id: ids.title, className: "lc-title", text: this.config.title }),
        s.subtitle ? el("p", { className: "lc-subtitle", text: s.subtitle }) : document.createTextNode("")
      ]),
      el("div", { className: "lc-header-actions" }, [this.newButton, this.closeButton])
    ]);

    this.privacyOk = el("button", {
      type: "button",
      className: "lc-button",
      "aria-describedby": ids.privacy,
      text: s.privacyOk
    });
    var privacyParts = [el("p", { id: ids.privacy, text: s.privacyText })];
    var privacyActions = el("div", { className: "lc-notice-actions" });
    if (this.config.privacyUrl) {
      privacyActions.appendChild(linkNode(s.privacyMore, this.config.privacyUrl, s, false));
    }
    privacyActions.appendChild(this.privacyOk);
    privacyParts.push(privacyActions);
    this.privacy = el("div", { className: "lc-notice", role: "region", "aria-label": s.privacyTitle }, privacyParts);

    // The live region exists from the start, so screen readers pick up the first message too.
    this.log = el("div", {
      className: "lc-log",
      role: "log",
      "aria-live": "polite",
      "aria-label": s.logLabel,
      tabindex: "0"
    });

    this.typing = el("div", { className: "lc-typing", role: "status" });
    this.alert = el("div", { className: "lc-alert", role: "alert" });

    this.input = el("input", {
      id: ids.input,
      className: "lc-input",
      type: "text",
      autocomplete: "off",
      maxlength: "1000",
      placeholder: s.inputPlaceholder
    });
    this.sendButton = el("button", { type: "submit", className: "lc-button lc-send", text: s.send });
    this.form = el("form", { className: "lc-form" }, [
      el("label", { for: ids.input, className: "lc-sr", text: s.inputLabel }),
      this.input,
      this.sendButton
    ]);

    this.panel = el(
      "div",
      {
        id: ids.panel,
        className: "lc-panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": ids.title,
        hidden: true
      },
      [header, this.privacy, this.confirmNode(), this.log, this.typing, this.alert, this.form]
    );

    this.container = el("div", { className: "lc-root" }, [this.launcher, this.panel]);
    root.appendChild(this.container);
    document.body.appendChild(host);

    this.launcher.addEventListener("click", function () {
      if (self.isOpen()) self.close();
      else self.open(true);
    });
    this.closeButton.addEventListener("click", function () {
      self.close();
    });
    this.newButton.addEventListener("click", function () {
      self.confirmNewConversation();
    });
    this.privacyOk.addEventListener("click", function () {
      self.state.privacyAcknowledged = true;
      self.save();
      self.updatePrivacy();
      self.input.focus();
    });
    this.container.addEventListener("keydown", function (event) {
      if ((event.key === "Escape" || event.key === "Esc") && self.isOpen()) {
        event.preventDefault();
        self.close();
      }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitInput();
    });
    this.input.addEventListener("input", function () {
      self.viewStore.set(self.storageKey + ":draft", self.input.value);
    });

    this.input.value = this.viewStore.get(this.storageKey + ":draft") || "";
    this.renderHistory();
    this.updatePrivacy();
    // Keep the panel open across page loads in this tab, without moving focus on load.
    if (this.viewStore.get(this.storageKey + ":open")) this.open(false);
  };

  LeercoachWidget.prototype.icon = function () {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "lc-icon");
    var path = document.createElementNS(ns, "path");
    path.setAttribute(
      "d",
      "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 5v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"
    );
    svg.appendChild(path);
    return svg;
  };

  LeercoachWidget.prototype.isOpen = function () {
    return !this.panel.hidden;
  };

  LeercoachWidget.prototype.open = function (moveFocus) {
    this.panel.hidden = false;
    this.container.setAttribute("data-open", "");
    this.launcher.setAttribute("aria-expanded", "true");
    this.viewStore.set(this.storageKey + ":open", true);
    this.scrollToEnd();
    if (this.state.messages.length === 0 && this.config.initPayload && !this.busy) {
      this.send({ payload: this.config.initPayload, text: null, typed: false });
    }
    if (moveFocus) {
      if (!this.state.privacyAcknowledged) this.privacyOk.focus();
      else this.input.focus();
    }
  };

  LeercoachWidget.prototype.close = function () {
    this.panel.hidden = true;
    this.container.removeAttribute("data-open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.viewStore.set(this.storageKey + ":open", false);
    this.launcher.focus();
  };

  LeercoachWidget.prototype.updatePrivacy = function () {
    this.privacy.hidden = !!this.state.privacyAcknowledged;
  };

  LeercoachWidget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  // After an answer: the question at the top of the view, then the answer and its buttons;
  // scrolling to the very end would hide the start of a long answer behind its quick replies.
  LeercoachWidget.prototype.scrollToShow = function (node) {
    if (!node || !node.parentNode) return this.scrollToEnd();
    this.log.scrollTop = Math.max(0, node.offsetTop - 8); // the browser clamps it at the end
  };

  // ------------------------------------------------------- rendering

  LeercoachWidget.prototype.renderHistory = function () {
    var self = this;
    this.log.textContent = "";
    // One welcome opens every conversation (with the starter buttons), unless the bot greets
    // by itself.
    if (!this.config.initPayload) {
      this.log.appendChild(this.messageNode({ from: "bot", text: this.strings.welcome }));
    }
    this.state.messages.forEach(function (message) {
      // a message of only buttons shows as the quick replies, as it did when it arrived
      if (message.from !== "bot" || message.text) self.log.appendChild(self.messageNode(message));
    });
    this.renderQuickReplies();
  };

  LeercoachWidget.prototype.messageNode = function (message) {
    var fromBot = message.from === "bot";
    var bubble = el("div", { className: "lc-bubble" });
    if (fromBot) bubble.appendChild(renderMarkdown(message.text || "", this.strings));
    else bubble.textContent = message.text; // what the employee typed is always plain text
    var node = el("div", { className: "lc-message " + (fromBot ? "lc-message--bot" : "lc-message--user") }, [
      srOnly((fromBot ? this.config.title : this.strings.you) + ": "),
      bubble
    ]);
    if (fromBot && message.plan) {
      node.classList.add("lc-message--plan");
      bubble.appendChild(this.planTools(message.plan, node));
    }
    if (fromBot && message.feedback) bubble.appendChild(this.feedbackNode(message));
    return node;
  };

  // Buttons of the last bot message become quick replies; older ones are history.
  LeercoachWidget.prototype.renderQuickReplies = function () {
    var self = this;
    this.removeQuickReplies();
    var last = this.state.messages[this.state.messages.length - 1];
    // The first screen: the starter buttons under the welcome.
    var buttons = last ? last.buttons : this.config.initPayload ? null : this.config.starters;
    if (last && last.from !== "bot") return;
    if (last && last.handoff) {
      this.quickReplies = this.handoffForm(last.handoff);
      this.log.appendChild(this.quickReplies);
      return;
    }
    if (!buttons || buttons.length === 0) return;
    var group = el("div", { className: "lc-quick-replies", role: "group", "aria-label": this.strings.quickReplies });
    // A long list stacks as full-width rows on a small screen (see the stylesheet).
    if (buttons.length > 4) group.classList.add("lc-quick-replies--long");
    buttons.forEach(function (button) {
      var node = el("button", { type: "button", className: "lc-quick-reply", text: button.title });
      node.addEventListener("click", function () {
        // Focus would be lost when the buttons disappear: move it to the input first.
        self.input.focus();
        self.send({ payload: button.payload, text: button.title, typed: false });
      });
      group.appendChild(node);
    });
    this.quickReplies = group;
    this.log.appendChild(group);
  };

  LeercoachWidget.prototype.removeQuickReplies = function () {
    if (this.quickReplies && this.quickReplies.parentNode) this.quickReplies.parentNode.removeChild(this.quickReplies);
    this.quickReplies = null;
  };

  LeercoachWidget.prototype.setTyping = function (on) {
    this.typing.textContent = "";
    this.typing.classList.toggle("lc-typing--on", on);
    if (on) {
      this.typing.appendChild(srOnly(this.strings.typing));
      var dots = el("span", { className: "lc-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]);
      this.typing.appendChild(dots);
    }
  };

  LeercoachWidget.prototype.showAlert = function (text, withRetry) {
    var self = this;
    this.alert.textContent = "";
    if (!text) return;
    this.alert.appendChild(el("p", { text: text }));
    if (withRetry) {
      var retry = el("button", { type: "button", className: "lc-button", text: this.strings.retry });
      retry.addEventListener("click", function () {
        self.input.focus(); // the button is about to disappear
        self.retry();
      });
      this.alert.appendChild(retry);
    }
  };

  // ----------------------------------------------------------- talking

  LeercoachWidget.prototype.submitInput = function () {
    var text = this.input.value.trim();
    if (!text) return;
    if (this.busy) {
      this.showAlert(this.strings.busy, false);
      return;
    }
    this.input.value = "";
    this.viewStore.set(this.storageKey + ":draft", "");
    this.send({ payload: text, text: text, typed: true });
  };

  LeercoachWidget.prototype.retry = function () {
    var failed = this.failed;
    if (!failed) return;
    if (failed.typed) this.submitInput(); // the text is back in the input, perhaps edited
    else this.send(failed);
  };

  LeercoachWidget.prototype.send = function (message) {
    var self = this;
    if (this.busy) return Promise.resolve(false);
    this.busy = true;
    this.failed = null;
    this.showAlert("");
    var rating = message.feedback || null; // a click on 👍 / 👎: the quick replies stay
    if (!rating) {
      this.removeQuickReplies();
      this.withdrawFeedbackOffers(); // the conversation moves on: only the latest answer asks
    }
    var userMessage = message.text ? { from: "user", text: message.text } : null;
    var pendingNode = userMessage ? this.messageNode(userMessage) : null;
    if (pendingNode) this.log.appendChild(pendingNode);
    this.setTyping(true);
    if (!rating) this.scrollToEnd();

    return this.post(message.payload, message.metadata)
      .then(function (replies) {
        if (userMessage) self.state.messages.push(userMessage);
        var firstNew = pendingNode;
        var erased = false;
        var thisTurn = [];
        var thisTurnNodes = [];
        var feedbackReply = null;
        replies.forEach(function (reply) {
          var custom = reply && reply.custom && typeof reply.custom === "object" ? reply.custom : null;
          if (custom) {
            var own = custom[PROTOCOL.payloadKey];
            var mark = own && typeof own === "object" ? own : {};
            if (mark.type === KINDS.plan) {
              self.attachPlan(thisTurn, own);
              return;
            }
            if (mark.type === KINDS.handoffForm) {
              var form = readHandoff(own);
              var asking = thisTurn[thisTurn.length - 1];
              if (form && asking) asking.handoff = form;
              return;
            }
            if (mark.type === KINDS.feedbackOffer) {
              self.offerFeedback(thisTurn, thisTurnNodes);
              return;
            }
            if (mark.type === KINDS.feedbackReceived && rating) {
              // The reply to the click is shown in place of the buttons, not as a message.
              var thanks = thisTurn[thisTurn.length - 1];
              if (thanks && thanks.text && !feedbackReply) {
                feedbackReply = thanks.text;
                thisTurn.pop();
                self.state.messages.splice(self.state.messages.lastIndexOf(thanks), 1);
                var thanksNode = thisTurnNodes.pop();
                if (thanksNode && thanksNode.parentNode) thanksNode.parentNode.removeChild(thanksNode);
                if (firstNew === thanksNode) firstNew = null;
              }
              return;
            }
            // The server's privacy actions: the conversation is gone, or here is its export.
            if (own === KINDS.conversationErased) erased = true;
            else if (own === KINDS.conversationExport && typeof custom.content === "string") {
              var download = self.downloadNode(custom);
              self.log.appendChild(download);
              firstNew = firstNew || download;
            }
            return;
          }
          if (!reply || (typeof reply.text !== "string" && !Array.isArray(reply.buttons))) return;
          var botMessage = { from: "bot", text: reply.text || "" };
          if (Array.isArray(reply.buttons)) {
            botMessage.buttons = reply.buttons
              .filter(function (b) {
                return b && typeof b.title === "string" && typeof b.payload === "string";
              })
              .map(function (b) {
                return { title: b.title, payload: b.payload };
              });
          }
          // "hallo" as the first message: the welcome on screen already said it; one greeting.
          if (self.isWelcome(botMessage.text)) botMessage.text = "";
          self.state.messages.push(botMessage);
          thisTurn.push(botMessage);
          var node = null;
          if (botMessage.text) {
            node = self.messageNode(botMessage);
            self.log.appendChild(node);
            firstNew = firstNew || node;
          }
          thisTurnNodes.push(node);
        });
        if (rating) self.feedbackGiven(rating, feedbackReply || self.strings.feedbackThanks);
        if (erased) self.forgetConversation(thisTurn);
        self.save();
        self.showAlert(""); // e.g. the "even geduld" note from a send while this one ran
        self.renderQuickReplies();
        if (!rating) self.scrollToShow(firstNew || self.quickReplies);
        else if (firstNew) self.scrollToShow(firstNew);
        return true;
      })
      .catch(function () {
        if (rating) self.feedbackFailed(rating);
        // Nothing reached the conversation: take the message back out of the log and give the
        // employee their text back, so a retry (or an edit) costs no retyping.
        if (pendingNode && pendingNode.parentNode) pendingNode.parentNode.removeChild(pendingNode);
        self.renderQuickReplies();
        self.failed = message;
        var text = self.strings.unreachable;
        if (message.typed) {
          if (!self.input.value) self.input.value = message.text;
          self.viewStore.set(self.storageKey + ":draft", self.input.value);
          text += " " + self.strings.unreachableKept;
        }
        self.showAlert(text, true);
        return false;
      })
      .then(function (ok) {
        self.busy = false;
        self.setTyping(false);
        if (!ok) self.scrollToEnd();
        return ok;
      });
  };

  LeercoachWidget.prototype.post = function (payload, metadata) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, REQUEST_TIMEOUT_MS)
      : null;
    return fetch(this.config.server + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      // metadata: only the hulpvraag form's contact (never stored in this browser, see handoffForm)
      body: JSON.stringify(
        metadata ? { sender: this.state.sender, message: payload, metadata: metadata } : { sender: this.state.sender, message: payload }
      ),
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) {
        if (!Array.isArray(body)) throw new Error("unexpected answer");
        return body;
      })
      .finally(function () {
        if (timer) clearTimeout(timer);
      });
  };

  // After an erasure: a new id, and of the old conversation this browser keeps only the
  // confirmation that it was erased.
  LeercoachWidget.prototype.forgetConversation = function (confirmation) {
    this.state.sender = newSenderId();
    this.state.messages = confirmation.map(function (message) {
      return { from: message.from, text: message.text };
    });
  };

  // The employee's own stored conversation as a file; made in the browser, never stored.
  LeercoachWidget.prototype.downloadNode = function (custom) {
    var name = typeof custom.filename === "string" && /^[\w.-]{1,80}$/.test(custom.filename)
      ? custom.filename
      : "leercoach-gesprek.txt";
    var url = URL.createObjectURL(new Blob([custom.content], { type: "text/plain;charset=utf-8" }));
    var link = el("a", { href: url, download: name, className: "lc-download", text: this.strings.download + " (" + name + ")" });
    return el("div", { className: "lc-message lc-message--bot" }, [el("div", { className: "lc-bubble" }, [link])]);
  };

  // ------------------------------------------------- the welcome, once

  LeercoachWidget.prototype.isWelcome = function (text) {
    var norm = function (t) {
      return String(t || "").replace(/\s+/g, " ").trim();
    };
    var onlyWelcomeSoFar = !this.config.initPayload && this.state.messages.every(function (m) {
      return m.from === "user";
    });
    return onlyWelcomeSoFar && !!text && norm(text) === norm(this.strings.welcome);
  };

  // ------------------------------------------ "Had je hier iets aan?" 👍 / 👎

  // The server marks an answer (a custom message right after its text) that may be rated.
  LeercoachWidget.prototype.offerFeedback = function (thisTurn, thisTurnNodes) {
    var answer = thisTurn[thisTurn.length - 1];
    var node = thisTurnNodes[thisTurnNodes.length - 1];
    if (!answer || !answer.text || answer.feedback) return;
    answer.feedback = { offered: true };
    if (node) node.querySelector(".lc-bubble").appendChild(this.feedbackNode(answer));
  };

  // Once the conversation moves on, an answer that was not rated no longer asks (the rating
  // counts for the topic of the latest answer).
  LeercoachWidget.prototype.withdrawFeedbackOffers = function () {
    this.state.messages.forEach(function (message) {
      if (message.feedback && !message.feedback.given) delete message.feedback;
    });
    var open = this.log.querySelectorAll(".lc-feedback--open");
    Array.prototype.forEach.call(open, function (node) {
      node.parentNode.removeChild(node);
    });
  };

  LeercoachWidget.prototype.feedbackNode = function (message) {
    var self = this;
    var s = this.strings;
    var status = el("p", { className: "lc-feedback-status", role: "status" });
    var box = el("div", { className: "lc-feedback" }, [status]);
    if (message.feedback.given) {
      status.textContent = message.feedback.reply || s.feedbackThanks;
      return box;
    }
    box.classList.add("lc-feedback--open");
    var questionId = "lc-feedback-q-" + Math.random().toString(36).slice(2, 10);
    var buttons = [
      ["up", "👍", s.feedbackUp, s.feedbackUpLabel],
      ["down", "👎", s.feedbackDown, s.feedbackDownLabel]
    ].map(function (spec) {
      var button = el("button", { type: "button", className: "lc-feedback-button", "aria-label": spec[3] }, [
        el("span", { "aria-hidden": "true", text: spec[1] }),
        " " + spec[2]
      ]);
      button.addEventListener("click", function () {
        self.rate(message, box, spec[0]);
      });
      return button;
    });
    var group = el("div", { className: "lc-feedback-choices", role: "group", "aria-labelledby": questionId }, [
      el("span", { id: questionId, className: "lc-feedback-question", text: s.feedbackQuestion })
    ].concat(buttons));
    box.insertBefore(group, status);
    return box;
  };

  LeercoachWidget.prototype.rate = function (message, box, value) {
    if (this.busy) {
      this.showAlert(this.strings.busy, false);
      return;
    }
    var choices = box.querySelector(".lc-feedback-choices");
    if (choices) choices.hidden = true; // once: no second click while it is on its way
    this.input.focus(); // the buttons disappear: keep the focus in the widget
    this.send({
      payload: "/answer_feedback" + JSON.stringify({ feedback: value }),
      text: null,
      typed: false,
      feedback: { message: message, box: box, value: value }
    });
  };

  // The rating arrived: the buttons give way to the reply (or a short thanks), for good.
  LeercoachWidget.prototype.feedbackGiven = function (rating, reply) {
    rating.message.feedback = { given: rating.value, reply: reply };
    var box = rating.box;
    var choices = box.querySelector(".lc-feedback-choices");
    if (choices) choices.parentNode.removeChild(choices);
    box.classList.remove("lc-feedback--open");
    box.querySelector(".lc-feedback-status").textContent = reply;
  };

  // It did not arrive: the buttons come back (the alert offers "Opnieuw proberen" as well).
  LeercoachWidget.prototype.feedbackFailed = function (rating) {
    var choices = rating.box.querySelector(".lc-feedback-choices");
    if (choices) choices.hidden = false;
  };

  // ------------------------------------------------- the plan to take along

  // The plan's payload (a Rasa custom message beside the plan's text) belongs to the plan card:
  // the bot message of this turn that came just before it.
  LeercoachWidget.prototype.attachPlan = function (thisTurn, payload) {
    var plan = readPlan(payload);
    var card = thisTurn[thisTurn.length - 1];
    if (!plan || !card || !card.text) return;
    card.plan = plan;
    var nodes = this.log.querySelectorAll(".lc-message--bot");
    var node = nodes[nodes.length - 1];
    if (node && !node.querySelector(".lc-plan-tools")) {
      node.classList.add("lc-message--plan");
      node.querySelector(".lc-bubble").appendChild(this.planTools(plan, node));
    }
  };

  function readPlan(payload) {
    var calendar = payload.calendar || {};
    var mail = payload.mail || {};
    if (typeof payload.text !== "string" || typeof calendar.content !== "string") return null;
    return {
      text: payload.text,
      calendar: {
        content: calendar.content,
        filename: /^[\w.-]{1,80}\.ics$/.test(calendar.filename || "") ? calendar.filename : "ontwikkelplan.ics"
      },
      mail: { subject: String(mail.subject || ""), body: String(mail.body || payload.text) }
    };
  }

  // Under the plan: agenda (.ics), print, copy, and an e-mail draft for the manager.
  LeercoachWidget.prototype.planTools = function (plan, messageNode) {
    var self = this;
    var s = this.strings;
    var status = el("p", { className: "lc-plan-status", role: "status" });
    var calendarUrl = URL.createObjectURL(new Blob([plan.calendar.content], { type: "text/calendar;charset=utf-8" }));
    var calendar = el("a", { className: "lc-plan-tool", href: calendarUrl, download: plan.calendar.filename, text: s.planCalendar });
    var print = el("button", { type: "button", className: "lc-plan-tool", text: s.planPrint });
    print.addEventListener("click", function () {
      self.printPlan(messageNode);
    });
    var copy = el("button", { type: "button", className: "lc-plan-tool", text: s.planCopy });
    copy.addEventListener("click", function () {
      copyText(plan.text).then(
        function () {
          status.textContent = s.planCopied;
        },
        function () {
          status.textContent = s.planCopyFailed;
        }
      );
    });
    var mailto = "mailto:?subject=" + encodeURIComponent(plan.mail.subject) + "&body=" + encodeURIComponent(plan.mail.body);
    var share = el("a", { className: "lc-plan-tool", href: mailto, text: s.planShare });
    return el("div", { className: "lc-plan-tools", role: "group", "aria-label": s.planTools }, [
      calendar,
      print,
      copy,
      share,
      status
    ]);
  };

  var printSheetAdded = false;

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { readonly: true, "aria-hidden": "true" });
      area.value = text;
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      area.remove();
      if (ok) resolve();
      else reject(new Error("copy failed"));
    });
  }

  // Print only the plan: the print stylesheet (in the widget's CSS) hides everything else while
  // the host carries data-printing; a page-level rule hides the intranet page around it.
  LeercoachWidget.prototype.printPlan = function (messageNode) {
    var host = this.host;
    if (!printSheetAdded) {
      // A constructed stylesheet, not a <style> element: pages with a strict
      // Content-Security-Policy (style-src 'self') allow it.
      var rule = "@media print { body > :not([data-leercoach-widget]) { display: none !important; } }";
      if (typeof CSSStyleSheet === "function" && "adoptedStyleSheets" in document) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(rule);
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
      }
      printSheetAdded = true;
    }
    messageNode.classList.add("lc-printing");
    host.setAttribute("data-printing", "");
    this.container.setAttribute("data-printing", "");
    var container = this.container;
    var done = function () {
      messageNode.classList.remove("lc-printing");
      host.removeAttribute("data-printing");
      container.removeAttribute("data-printing");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  };

  // ------------------------------------------------- the hulpvraag to HR

  // The bot's custom payload for the contact form: the (redacted) question, the payloads and
  // every label (from the server's content file leercoach/content/handoff.yml).
  function readHandoff(payload) {
    var texts = payload.texts || {};
    var needed = ["title", "contact_label", "contact_help", "summary_title", "question_label", "contact_summary_label",
      "contact_empty", "consent", "submit", "cancel", "invalid", "consent_missing", "sent"];
    if (typeof payload.payload !== "string" || typeof payload.cancel_payload !== "string") return null;
    var ok = needed.every(function (key) {
      return typeof texts[key] === "string";
    });
    if (!ok) return null;
    var copy = {};
    needed.forEach(function (key) {
      copy[key] = texts[key];
    });
    return {
      question: String(payload.question || ""),
      payload: payload.payload,
      cancelPayload: payload.cancel_payload,
      maxChars: Math.min(Number(payload.max_chars) || HANDOFF.contactMaxChars, HANDOFF.metadataMaxChars),
      texts: copy
    };
  }

  // A plausible e-mail address or phone number; the server checks again (leercoach/handoff).
  function plausibleContact(value, maxChars) {
    if (value.length < HANDOFF.contactMinChars || value.length > maxChars || /[<>]/.test(value)) return false;
    var email = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/.test(value);
    var digits = (value.match(/\d/g) || []).length;
    return email || digits >= 8;
  }

  // The contact and the consent, under the two keys the REST channel lets through.
  function handoffMetadata(contact) {
    var metadata = {};
    metadata[HANDOFF.contactKey] = contact;
    metadata[HANDOFF.consentKey] = true;
    return metadata;
  }

  var handoffCount = 0;

  // The contact goes to HR only from here: shown back to the employee with the question, sent
  // once as metadata with explicit consent, and never kept in the browser's stored history.
  LeercoachWidget.prototype.handoffForm = function (handoff) {
    var self = this;
    var t = handoff.texts;
    var id = "lc-handoff-" + ++handoffCount;
    var input = el("input", {
      id: id + "-contact",
      type: "text",
      className: "lc-handoff-input",
      autocomplete: "email",
      maxlength: handoff.maxChars,
      "aria-describedby": id + "-help " + id + "-error"
    });
    var shownContact = el("dd", { text: t.contact_empty });
    var consent = el("input", { id: id + "-consent", type: "checkbox", className: "lc-handoff-consent" });
    var error = el("p", { id: id + "-error", className: "lc-handoff-error", role: "alert" });
    var submit = el("button", { type: "submit", className: "lc-button", text: t.submit });
    var cancel = el("button", { type: "button", className: "lc-button lc-button--secondary", text: t.cancel });
    input.addEventListener("input", function () {
      shownContact.textContent = input.value.trim() || t.contact_empty;
    });
    consent.addEventListener("change", function () {
      if (consent.checked && error.textContent === t.consent_missing) error.textContent = "";
    });
    var form = el("form", { className: "lc-handoff", "aria-labelledby": id + "-title", novalidate: true }, [
      el("p", { id: id + "-title", className: "lc-handoff-title", text: t.title }),
      el("label", { for: id + "-contact", className: "lc-handoff-label", text: t.contact_label }),
      input,
      el("p", { id: id + "-help", className: "lc-handoff-help", text: t.contact_help }),
      el("div", { className: "lc-handoff-summary" }, [
        el("p", { className: "lc-handoff-summary-title", text: t.summary_title }),
        el("dl", {}, [el("dt", { text: t.question_label }), el("dd", { text: handoff.question }), el("dt", { text: t.contact_summary_label }), shownContact])
      ]),
      el("div", { className: "lc-handoff-check" }, [consent, el("label", { for: id + "-consent", text: t.consent })]),
      error,
      el("div", { className: "lc-notice-actions" }, [cancel, submit])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = input.value.replace(/\s+/g, " ").trim();
      if (!plausibleContact(value, handoff.maxChars)) {
        error.textContent = t.invalid;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      input.removeAttribute("aria-invalid");
      if (!consent.checked) {
        error.textContent = t.consent_missing;
        consent.focus();
        return;
      }
      error.textContent = "";
      self.input.focus(); // the form is about to disappear
      self.send({
        payload: handoff.payload,
        text: t.sent,
        typed: false,
        metadata: handoffMetadata(value)
      });
    });
    cancel.addEventListener("click", function () {
      self.input.focus();
      self.send({ payload: handoff.cancelPayload, text: t.cancel, typed: false });
    });
    return form;
  };

  // ----------------------------------------- "Nieuw gesprek": ask first

  LeercoachWidget.prototype.confirmNode = function () {
    var self = this;
    var s = this.strings;
    this.confirmText = el("p", { id: "lc-confirm-text" });
    this.confirmYes = el("button", { type: "button", className: "lc-button", text: s.newConversationYes });
    this.confirmNo = el("button", { type: "button", className: "lc-button lc-button--secondary", text: s.newConversationNo });
    this.confirmYes.addEventListener("click", function () {
      self.confirm.hidden = true;
      self.newConversation();
    });
    this.confirmNo.addEventListener("click", function () {
      self.confirm.hidden = true;
      self.newButton.focus();
    });
    this.confirm = el(
      "div",
      { className: "lc-notice lc-confirm", role: "alertdialog", "aria-labelledby": "lc-confirm-text", hidden: true },
      [this.confirmText, el("div", { className: "lc-notice-actions" }, [this.confirmNo, this.confirmYes])]
    );
    return this.confirm;
  };

  // Says what happens to the plan before anything is thrown away; nothing to lose: no question.
  LeercoachWidget.prototype.confirmNewConversation = function () {
    var hasPlan = this.state.messages.some(function (m) {
      return !!m.plan;
    });
    if (this.state.messages.length === 0) return this.newConversation();
    this.confirmText.textContent =
      this.strings.newConversationQuestion + (hasPlan ? " " + this.strings.newConversationPlan : "");
    this.confirm.hidden = false;
    this.confirmNo.focus();
  };

  // A fresh pseudonymous id: the server sees a new conversation, the old one keeps no link to it.
  LeercoachWidget.prototype.newConversation = function () {
    this.state.sender = newSenderId();
    this.state.messages = [];
    this.failed = null;
    this.save();
    this.showAlert("");
    this.renderHistory();
    this.typing.textContent = "";
    this.typing.appendChild(srOnly(this.strings.newConversationStarted));
    this.input.focus();
    if (this.config.initPayload && !this.busy) {
      this.send({ payload: this.config.initPayload, text: null, typed: false });
    }
  };

  // --------------------------------------------------------------- start

  var script = document.currentScript;
  var api = { renderMarkdown: renderMarkdown, instance: null };
  window.LeercoachWidget = api;
  if (!script) return;

  function start() {
    var config = readConfig(script);
    if (!config.server) {
      if (window.console) console.error("Leercoach widget: data-server (the Rasa server URL) is required.");
      return;
    }
    if (document.querySelector("[data-leercoach-widget]")) return; // embedded twice
    var widget = new LeercoachWidget(config);
    widget.mount();
    api.instance = widget;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
