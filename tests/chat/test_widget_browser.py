"""The widget in a real browser (Debian's Chromium) on the sample host page, at a phone's
320 px: a visitor who uses only the keyboard opens it, stays inside it and leaves it; it
speaks the page's language; and it fits the screen without scrolling sideways."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def demo(asgi_server, chromium, settings):
    """Opens the demo page (?query) in a fresh 320 px browser tab; the tag points at the test
    server, as it would point at KLIENT_BASE_URL in production."""
    settings.KLIENT_BASE_URL = asgi_server.url

    def open_demo(query=""):
        page = chromium.new_page(viewport=PHONE)
        page.set_default_timeout(15_000)
        page.goto(f"{asgi_server.url}/chat/demo/{query}")
        page.locator(".kc-launcher").wait_for()  # the async loader has run
        return page

    return open_demo


def test_a_keyboard_user_opens_the_chat_stays_inside_it_and_closes_it(demo):
    from playwright.sync_api import expect

    page = demo()
    launcher = page.get_by_role("button", name="Chat with us")

    page.keyboard.press("Tab")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name="Chat with us")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_label("Your name (optional)")).to_be_focused()
    expect(page.get_by_role("log", name="Messages")).to_have_attribute("aria-live", "polite")

    # However far the visitor tabs, forwards or back, focus stays in the dialog.
    for key in ["Tab"] * 10 + ["Shift+Tab"] * 10:
        page.keyboard.press(key)
        assert page.evaluate(
            "document.querySelector('.kc-dialog').contains(document.activeElement)"
        )

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()  # back where the visitor was

    page.keyboard.press("Enter")  # the app is loaded once; opening again is instant
    expect(dialog).to_be_visible()
    assert page.locator("script[src*='/chat/app.js']").count() == 1


def test_the_widget_speaks_the_language_of_the_host_page(demo):
    from playwright.sync_api import expect

    page = demo("?lang=pl")

    page.get_by_role("button", name="Czat z nami").click()

    expect(page.get_by_role("dialog", name="Czat z nami")).to_be_visible()
    expect(page.get_by_label("Wiadomość")).to_be_visible()
    expect(page.get_by_role("button", name="Wyślij")).to_be_visible()
    expect(page.get_by_role("button", name="Zamknij czat")).to_be_visible()


def test_the_open_chat_fits_a_320_px_screen(demo):
    from playwright.sync_api import expect

    page = demo("?lang=uk")  # the longest words of the five
    page.get_by_role("button", name="Напишіть нам").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    page.get_by_role("textbox", name="Повідомлення").fill("Дуже-довге-слово-без-пробілів-" * 8)

    box = dialog.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for control in page.locator(".kc-dialog input, .kc-dialog textarea, .kc-dialog button").all():
        if control.is_visible():
            right = control.bounding_box()["x"] + control.bounding_box()["width"]
            assert right <= PHONE["width"], control.evaluate("node => node.outerHTML")


def test_a_message_the_chat_could_not_take_yet_is_kept_to_be_sent(demo):
    """A team the desk does not know: the session is refused, the visitor is told, and the
    message stays in the outbox (localStorage) rather than vanishing."""
    from playwright.sync_api import expect

    page = demo("?team=Nobody+here")
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_label("Message", exact=True).fill("Is my order on its way?")
    page.keyboard.press("Enter")

    expect(page.locator(".kc-error")).to_contain_text("The chat could not start:")
    expect(page.locator(".kc-pending")).to_contain_text("Is my order on its way?")
    outbox = page.evaluate("JSON.parse(localStorage.getItem('klient-chat:Nobody here:outbox'))")
    assert [item["text"] for item in outbox] == ["Is my order on its way?"]


def test_frames_from_the_server_are_drawn_in_order_as_text_and_offer_email(demo):
    """The frames a real /ws/chat/ would send, handed to the widget's client as its socket
    would hand them (the socket itself is tested with the server, after the merge)."""
    from playwright.sync_api import expect

    page = demo("?lang=de")
    page.get_by_role("button", name="Chatten Sie mit uns").click()
    expect(page.get_by_role("dialog")).to_be_visible()

    page.evaluate(
        """() => {
        const client = window.KlientChat.app.client;
        const message = (seq, text) => ({type: "message", seq, id: seq, client_id: null,
            sender: "agent", name: "Anna", text, attachments: [], at: "2026-12-07T22:00:00Z"});
        client.receive(message(2, "<img src=x onerror=alert(1)> Zweite"));
        client.receive(Object.assign(message(1, "Erste"), {attachments: [{id: 9,
            filename: "rechnung.pdf", content_type: "application/pdf", size: 1200}]}));
        client.receive(message(2, "<img src=x onerror=alert(1)> Zweite"));  // replayed
        client.receive({type: "notice", code: "continued_by_email",
            text: "Niemand ist frei; wir antworten per E-Mail."});
    }"""
    )

    log = page.get_by_role("log", name="Nachrichten")
    expect(log.locator(".kc-agent")).to_have_count(2)
    assert log.locator(".kc-agent").all_inner_texts() == [
        "Anna\nErste\n📎 rechnung.pdf",
        "Anna\n<img src=x onerror=alert(1)> Zweite",
    ]
    expect(log.locator(".kc-system")).to_have_text("Niemand ist frei; wir antworten per E-Mail.")
    expect(page.get_by_role("alert")).to_have_text(
        "Gerade kann niemand im Chat antworten. Bitte schreiben Sie uns per E-Mail."
    )
    assert page.locator(".kc-dialog img").count() == 0
