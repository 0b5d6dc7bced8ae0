"""The website chat widget in Debian's Chromium (Playwright), on the real /demo page.

Two groups:
* Widget behaviour (always runs): the real staff app (`bot.staff.create_app`) serves /demo and the
  widget; behind it is Rasa's real REST channel with CORS exactly as `rasa run --cors` configures
  it, answering from a small script instead of a trained model. This pins down what the widget
  itself must do: keyboard use, links, buttons, retry, resume, phone layout, axe-core.
* Whole stack (needs the shared `stack` fixture: real Rasa + action server + staff app): a FAQ
  answered by the model, a button, and a whole request filed and found in the export.

Artifacts (screenshots) go to test-artifacts/.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import threading
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from rasa.core.channels.channel import register
from rasa.core.channels.rest import RestInput
from rasa.server import configure_cors
from sanic import Sanic
from werkzeug.serving import make_server

from bot.conversation.answers import default_answers
from bot.settings import Settings
from bot.staff import create_app
from tests.support import ROOT
from tests.support import filing_script as script

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

GREETING = "Hi! I can answer questions about mediation. What would you like to do?"
# A scripted reply that exercises formatting and links; it is test data, not a statement about the program.
FREE_ANSWER = (
    "Scripted reply with **bold** text. Call (816) 889-6646, e-mail staff@example.org "
    "or read https://example.org/mediation."
)


# ---- servers -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScriptedAssistant:
    """Stands in for rasa's Agent behind the real REST channel: records messages, answers by script."""

    def __init__(self) -> None:
        self.received: list = []

    async def handle_message(self, message) -> None:
        self.received.append(message)
        out, to, text = message.output_channel, message.sender_id, message.text or ""
        if text == "/greet":
            await out.send_response(
                to,
                {
                    "text": GREETING,
                    "buttons": [
                        {"title": "Ask a question", "payload": "/help"},
                        {"title": "Request mediation", "payload": "/request_mediation"},
                    ],
                },
            )
        elif "free" in text.lower():
            await out.send_response(to, {"text": FREE_ANSWER})
        elif text == "/request_mediation":
            await out.send_response(to, {"text": "Okay. What is your full name?"})
        elif text == "html please":
            await out.send_response(
                to,
                {"text": '<img src=x onerror="window.__pwned=1"> [click me](javascript:window.__pwned=2) <b>bold</b>'},
            )
        elif text == "slow":
            await asyncio.sleep(1.5)
            await out.send_response(to, {"text": "Sorry for the wait."})
        else:
            await out.send_response(to, {"text": f"You said: {text}"})


class RasaRestStandIn:
    """Rasa's RestInput channel + rasa's CORS setup in a real Sanic server on a loopback port."""

    def __init__(self, cors_origin: str) -> None:
        self.assistant = ScriptedAssistant()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cors_origin = cors_origin
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:

        asyncio.set_event_loop(self.loop)
        Sanic.test_mode = True  # several Sanic apps may live in one test process
        app = Sanic(f"rest_standin_{uuid.uuid4().hex}")
        configure_cors(app, [self.cors_origin])  # what `rasa run --cors ORIGIN` does
        app.ctx.agent = self.assistant
        register([RestInput()], app, route="/webhooks/")
        self.server = self.loop.run_until_complete(
            app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False)
        )
        self.loop.run_until_complete(self.server.startup())
        self.loop.run_until_complete(self.server.before_start())  # sanic-cors installs itself here
        self.loop.run_until_complete(self.server.after_start())
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> "RasaRestStandIn":
        self._thread.start()
        assert self._ready.wait(30), "REST stand-in did not start"
        return self

    def stop(self) -> None:
        async def _close():
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(_close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def texts(self) -> list[str]:
        return [m.text for m in self.assistant.received]


class StaffAppServer:
    """The real staff app (which serves /demo and /widget/*) under werkzeug on a loopback port."""

    def __init__(self, tmp: Path, rasa_url: str, port: int) -> None:

        settings = Settings.from_env(
            {
                "MEDIATION_ENV": "test",
                "MEDIATION_VAR_DIR": str(tmp),
                "DATABASE_URL": f"sqlite:///{tmp / 'staff.db'}",
                "CORS_ORIGINS": f"http://127.0.0.1:{port}",
            }
        )
        app = create_app(settings, config={"RASA_PUBLIC_URL": rasa_url})
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "StaffAppServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(10)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(staff app URL, REST stand-in) with CORS allowing exactly the staff app's origin."""
    port = _free_port()
    rasa = RasaRestStandIn(cors_origin=f"http://127.0.0.1:{port}").start()
    staff = StaffAppServer(tmp_path_factory.mktemp("widget-site"), rasa.url, port).start()
    yield staff.url, rasa
    staff.stop()
    rasa.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


# ---- helpers (shared by both groups; they only use what a resident sees) ---------------------


def open_widget(page, url: str):
    page.goto(f"{url}/demo")
    page.get_by_role("button", name="Chat with us").click()
    panel = page.get_by_role("dialog", name="Mediation assistant")
    panel.wait_for()
    return panel


def bot_messages(page):
    return page.locator(".occw-msg--bot .occw-text")


def say(page, text: str) -> None:
    box = page.get_by_label("Type your message")
    box.fill(text)
    box.press("Enter")


def wait_for_bot_count(page, n: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('.occw-msg--bot').length >= n", arg=n, timeout=TIMEOUT_MS)


def wait_for_focus_on_input(page) -> None:
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'occw-input'")


def run_axe(page) -> list[dict]:
    """axe-core from node_modules (npm ci), injected through the devtools protocol (the page's CSP
    forbids inline scripts, as it should). Returns serious and critical violations."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (make install does)")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


# ---- widget behaviour (REST stand-in) ------------------------------------------------------


def test_opens_greets_and_is_labelled(site, page):
    url, rasa = site
    panel = open_widget(page, url)
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    assert page.get_by_role("button", name="Chat with us").get_attribute("aria-expanded") == "true"
    wait_for_bot_count(page, 1)
    assert bot_messages(page).first.inner_text() == GREETING
    assert panel.get_by_role("button", name="Request mediation").is_visible()
    assert page.get_by_label("Type your message").evaluate("e => e === document.activeElement")
    # the start payload is sent silently, with the widget's metadata
    assert rasa.texts()[-1] == "/greet"
    first = rasa.assistant.received[-1]
    assert first.metadata == {"channel": "web"}
    assert re.fullmatch(r"[0-9a-f-]{36}", first.sender_id)
    assert page.locator(".occw-msg--user").count() == 0


def test_faq_answer_with_safe_links(site, page):
    url, rasa = site
    open_widget(page, url)
    wait_for_bot_count(page, 1)
    say(page, "is it free")
    wait_for_bot_count(page, 2)
    answer = bot_messages(page).nth(1)
    assert "Scripted reply with bold text." in answer.inner_text()
    assert answer.locator("strong").inner_text() == "bold"
    hrefs = answer.locator("a").evaluate_all("as => as.map(a => [a.getAttribute('href'), a.target])")
    assert hrefs == [
        ["tel:+18168896646", ""],
        ["mailto:staff@example.org", ""],
        ["https://example.org/mediation", "_blank"],
    ]
    assert page.locator(".occw-msg--user .occw-text").last.inner_text() == "is it free"


def test_bot_html_is_shown_as_text_never_run(site, page):
    url, _ = site
    open_widget(page, url)
    wait_for_bot_count(page, 1)
    say(page, "html please")
    wait_for_bot_count(page, 2)
    answer = bot_messages(page).nth(1)
    assert "<img src=x" in answer.inner_text()
    assert answer.locator("img, b").count() == 0
    assert answer.locator("a").count() == 0  # javascript: URL is not made a link
    assert page.evaluate("window.__pwned") is None


def test_clicking_a_button_sends_its_payload_and_shows_its_title(site, page):
    url, rasa = site
    panel = open_widget(page, url)
    wait_for_bot_count(page, 1)
    panel.get_by_role("button", name="Request mediation").click()
    wait_for_bot_count(page, 2)
    assert bot_messages(page).nth(1).inner_text() == "Okay. What is your full name?"
    assert page.locator(".occw-msg--user .occw-text").last.inner_text() == "Request mediation"
    assert rasa.texts()[-1] == "/request_mediation"
    assert panel.get_by_role("button", name="Request mediation").is_disabled()  # used choices retire
    assert page.get_by_label("Type your message").evaluate("e => e === document.activeElement")


def test_same_conversation_across_pages_and_none_in_a_new_tab(site, context, page):
    url, rasa = site
    open_widget(page, url)
    wait_for_bot_count(page, 1)
    say(page, "remember me")
    wait_for_bot_count(page, 2)
    sender = rasa.assistant.received[-1].sender_id

    page.goto(f"{url}/demo#contact")  # navigating within the site, same tab
    page.reload()
    wait_for_bot_count(page, 2)
    assert page.get_by_role("dialog", name="Mediation assistant").is_visible()  # still open
    assert "You said: remember me" in page.get_by_role("log").inner_text()
    say(page, "still me")
    wait_for_bot_count(page, 3)
    assert rasa.assistant.received[-1].sender_id == sender
    stored = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert "remember me" in stored
    assert page.evaluate("localStorage.length") == 0  # nothing outlives the tab

    other = context.new_page()  # a new tab has its own sessionStorage: a new conversation
    other.goto(f"{url}/demo")
    other.get_by_role("button", name="Chat with us").click()
    wait_for_bot_count(other, 1)
    assert "remember me" not in other.get_by_role("log").inner_text()
    assert rasa.assistant.received[-1].sender_id != sender
    other.close()


def test_unreachable_server_keeps_the_message_and_retries(site, context, page):
    url, rasa = site
    open_widget(page, url)
    wait_for_bot_count(page, 1)
    context.set_offline(True)
    say(page, "are you there")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "could not reach the assistant" in alert.inner_text()
    assert page.locator(".occw-msg--user .occw-text").last.inner_text() == "are you there"
    assert page.locator(".occw-failed").last.is_visible()
    assert "are you there" not in rasa.texts()

    context.set_offline(False)
    alert.get_by_role("button", name="Retry").click()
    wait_for_bot_count(page, 2)
    assert bot_messages(page).last.inner_text() == "You said: are you there"
    assert rasa.texts().count("are you there") == 1
    assert not page.locator(".occw-failed").last.is_visible()
    assert page.get_by_role("alert").count() == 0


def test_typing_indicator_is_announced_politely_once(site, page):
    url, _ = site
    open_widget(page, url)
    wait_for_bot_count(page, 1)
    say(page, "slow")
    status = page.get_by_role("status")
    page.wait_for_function("() => document.querySelector('.occw-typing').textContent.includes('typing')")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text().count("typing") == 1
    wait_for_bot_count(page, 2)
    assert status.inner_text() == ""


def test_keyboard_only(site, page):
    url, rasa = site
    page.goto(f"{url}/demo")
    launcher = page.get_by_role("button", name="Chat with us")
    for _ in range(30):  # Tab through the page until the launcher has focus
        page.keyboard.press("Tab")
        if launcher.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    outline = launcher.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline  # visible focus

    page.keyboard.press("Enter")
    box = page.get_by_label("Type your message")
    wait_for_focus_on_input(page)
    wait_for_bot_count(page, 1)
    page.keyboard.type("is it free")
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    assert "Scripted reply with bold text" in bot_messages(page).last.inner_text()
    assert box.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"

    page.keyboard.press("Escape")
    assert page.get_by_role("dialog", name="Mediation assistant").is_hidden()
    assert launcher.evaluate("e => e === document.activeElement")
    assert launcher.get_attribute("aria-expanded") == "false"

    page.keyboard.press("Enter")  # reopen from the launcher
    wait_for_focus_on_input(page)
    visited = []
    for _ in range(10):  # backwards: links in the answer, the log (scrollable, so focusable), close
        page.keyboard.press("Shift+Tab")
        visited.append(
            page.evaluate(
                "() => document.activeElement.getAttribute('aria-label') || document.activeElement.getAttribute('href')"
            )
        )
        if visited[-1] == "Close chat":
            break
    assert visited == [
        "https://example.org/mediation",
        "mailto:staff@example.org",
        "tel:+18168896646",
        "Conversation",
        "Close chat",
    ]
    page.keyboard.press("Enter")
    assert page.get_by_role("dialog", name="Mediation assistant").is_hidden()
    assert launcher.evaluate("e => e === document.activeElement")


def test_choice_buttons_with_keyboard(site, page):
    url, rasa = site
    page.goto(f"{url}/demo")
    page.get_by_role("button", name="Chat with us").focus()
    page.keyboard.press("Enter")
    wait_for_focus_on_input(page)
    wait_for_bot_count(page, 1)
    page.keyboard.press("Shift+Tab")  # from the input back to the last choice
    choice = page.get_by_role("button", name="Request mediation")
    assert choice.evaluate("e => e === document.activeElement")
    assert choice.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    assert rasa.texts()[-1] == "/request_mediation"


def test_axe_no_serious_or_critical_violations(site, page):
    url, _ = site
    page.goto(f"{url}/demo")
    assert run_axe(page) == []  # closed: the page with the launcher
    panel = open_widget(page, url)
    wait_for_bot_count(page, 1)
    say(page, "is it free")
    wait_for_bot_count(page, 2)
    panel.get_by_role("button", name="Request mediation").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-desktop.png"))
    violations = run_axe(page)
    assert violations == [], json.dumps(violations, indent=2)


def test_axe_with_error_shown(site, context, page):
    url, _ = site
    open_widget(page, url)
    wait_for_bot_count(page, 1)
    context.set_offline(True)
    say(page, "hello?")
    page.get_by_role("alert").wait_for()
    violations = run_axe(page)
    context.set_offline(False)
    assert violations == [], json.dumps(violations, indent=2)


def test_phone_width_full_screen_and_screenshot(site, browser):
    url, _ = site
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    try:
        page.goto(f"{url}/demo")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-390-closed.png"))
        open_widget(page, url)
        wait_for_bot_count(page, 1)
        say(page, "is it free")
        wait_for_bot_count(page, 2)
        page.wait_for_function("() => document.getAnimations().length === 0")
        box = page.get_by_role("dialog", name="Mediation assistant").bounding_box()
        assert {k: round(v) for k, v in box.items()} == {"x": 0, "y": 0, "width": 390, "height": 844}
        assert page.get_by_role("button", name="Chat with us").is_hidden()  # covered: not tabbable
        page.screenshot(path=str(ARTIFACTS / "widget-390.png"))
        violations = run_axe(page)
        assert violations == [], json.dumps(violations, indent=2)
    finally:
        ctx.close()


def test_reduced_motion_is_respected(site, browser):
    url, _ = site
    ctx = browser.new_context(reduced_motion="reduce")
    page = ctx.new_page()
    try:
        open_widget(page, url)
        name = page.locator(".occw-panel").evaluate("e => getComputedStyle(e).animationName")
        assert name == "none"
    finally:
        ctx.close()
    ctx = browser.new_context(reduced_motion="no-preference")
    page = ctx.new_page()
    try:
        open_widget(page, url)
        assert page.locator(".occw-panel").evaluate("e => getComputedStyle(e).animationName") == "occw-in"
    finally:
        ctx.close()


def test_cors_only_for_the_configured_origin(site, page):
    """The REST channel answers the demo page's origin; a page on another origin is refused."""
    url, rasa = site
    before = len(rasa.texts())
    other_origin = url.replace("127.0.0.1", "localhost")  # same server, another origin
    page.goto(f"{other_origin}/demo")
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_role("alert").wait_for()  # the browser refused: preflight without our origin
    assert bot_messages(page).count() == 0
    assert len(rasa.texts()) == before  # the POST itself was never sent


# ---- whole stack (real Rasa + action server + staff app; the shared `stack` fixture) ---------


def latest_reply(page) -> str:
    """Text of the bot messages after the resident's last message (one turn may hold several)."""
    return page.evaluate("""() => {
        const all = [...document.querySelectorAll('.occw-msg')];
        let i = all.length - 1;
        while (i >= 0 && all[i].classList.contains('occw-msg--bot')) i--;
        return all.slice(i + 1).map(m => m.querySelector('.occw-text').innerText).join('\\n\\n');
    }""")


def answer_in_widget(page, answer: str) -> None:
    """Click the choice titled `answer` in the latest bot message if there is one, else type it."""
    before = page.locator(".occw-msg--bot").count()
    choice = page.locator(".occw-msg--bot").last.get_by_role("button", name=answer, exact=True)
    if choice.count() and choice.first.is_enabled():
        choice.first.click()
    else:
        say(page, answer)
    wait_for_bot_count(page, before + 1)
    page.wait_for_function("() => document.querySelector('.occw-typing').textContent === ''")


@pytest.mark.e2e
def test_stack_keyboard_faq_button_and_axe(stack, page):
    answers = default_answers()
    page.goto(f"{stack.staff_url}/demo")
    launcher = page.get_by_role("button", name="Chat with us")
    for _ in range(30):
        page.keyboard.press("Tab")
        if launcher.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    wait_for_focus_on_input(page)
    wait_for_bot_count(page, 1)  # the model's greeting (start payload /greet)
    assert "virtual assistant" in bot_messages(page).first.inner_text()

    page.keyboard.type("is it free")
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    assert answers.messages("faq_cost")[0][:50] in latest_reply(page)

    page.keyboard.press("Escape")
    assert launcher.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    wait_for_focus_on_input(page)

    say(page, "what can you do")
    wait_for_bot_count(page, 3)
    before = page.locator(".occw-msg--bot").count()
    page.locator(".occw-msg--bot").last.get_by_role("button", name="What is mediation?").click()
    wait_for_bot_count(page, before + 1)
    assert answers.messages("faq_what_is_mediation")[0][:50] in latest_reply(page)
    assert page.locator(".occw-msg--user .occw-text").last.inner_text() == "What is mediation?"

    violations = run_axe(page)
    assert violations == [], json.dumps(violations, indent=2)


@pytest.mark.e2e
def test_stack_file_a_whole_request_in_the_widget_and_find_it_in_the_export(stack, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    try:
        open_widget(page, stack.staff_url)
        wait_for_bot_count(page, 1)
        answer_in_widget(page, script.START)
        reply, transcript = latest_reply(page), []
        for _ in range(script.MAX_TURNS):
            transcript.append(reply)
            if script.REFERENCE.search(reply):
                break
            answer = script.answer_for(reply, "web")
            assert answer is not None, "no scripted answer for:\n" + reply
            answer_in_widget(page, answer)
            reply = latest_reply(page)
        else:
            pytest.fail("no reference after the scripted answers:\n" + "\n---\n".join(transcript))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-390-request-filed.png"))
        reference = script.REFERENCE.search(reply).group(0)
    finally:
        ctx.close()

    row = stack.find_request(reference)
    assert row is not None, f"{reference} not in the export"
    assert row["channel"] == "web"
    assert row["email"] == script.EMAIL
    assert row["preferred_contact"] == "email"
    assert row["name"] == "Jordan Widget"
