"""
Keyboard only: a new hire signs in, reads a lesson, answers a go-live quiz (a radio, a
checkbox and a written reply) and hands it in; the lead scores the reply and signs them
off. No mouse: every step is Tab, Shift+Tab, Space, Enter or typing, and at every stop
the focused control must look focused (its pixels change when focus leaves it).
"""

import io
import re

from PIL import Image, ImageChops
from playwright.sync_api import expect

from lms.models import Attempt, GoLiveState, GoLiveStatus, QuestionKind
from tests.conftest import build_academy
from tests.factories.learning import (
    ChoiceFactory,
    QuizSectionFactory,
    SingleChoiceQuestionFactory,
    build_curriculum,
    build_quiz,
    onboard,
)
from tests.factories.people import PASSWORD

MAX_TABS = 80
# A focus ring of 2 px round a small control changes well over this many pixels.
MIN_CHANGED_PIXELS = 40


def changed_pixels(before: bytes, after: bytes) -> int:
    a, b = (Image.open(io.BytesIO(shot)).convert("RGB") for shot in (before, after))
    difference = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    return difference.histogram()[255]


class Keyboard:
    """Moves focus with the keyboard only, and checks each stop is visibly focused."""

    def __init__(self, browser_page):
        self.wrapped = browser_page
        self.page = browser_page.page
        self.stops = 0

    def focused(self, locator) -> bool:
        return locator.evaluate("element => element === document.activeElement")

    def tab_to(self, locator, *, backwards=False):
        """Press Tab until `locator` has focus, as a keyboard user would, then check it."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(MAX_TABS):
            if locator.count() and self.focused(locator):
                break
            self.page.keyboard.press(key)
        else:
            raise AssertionError(f"{MAX_TABS} presses of {key} never reached {locator}")
        self.assert_focus_visible(locator)
        return locator

    def assert_focus_visible(self, locator):
        box = locator.bounding_box()
        assert box, f"{locator} has no box on screen"
        pad = 6
        clip = {
            "x": max(box["x"] - pad, 0),
            "y": max(box["y"] - pad, 0),
            "width": box["width"] + 2 * pad,
            "height": box["height"] + 2 * pad,
        }
        focused = self.page.screenshot(clip=clip)
        locator.evaluate("element => element.blur()")
        unfocused = self.page.screenshot(clip=clip)
        locator.focus()  # back where the keyboard user left it (focus() is no click)
        changed = changed_pixels(focused, unfocused)
        assert changed >= MIN_CHANGED_PIXELS, (
            f"focus on {locator} is not visible: {changed} pixels change when it leaves"
        )
        self.stops += 1

    def follow(self, key="Enter"):
        """Press a key that submits or follows a link, and wait for the next page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.wait_for_load_state()

    def sign_in(self, username):
        self.wrapped.go("/accounts/login/")
        username_field = self.page.get_by_label("用户名")
        expect(username_field).to_be_focused()  # the form takes focus on arrival
        self.page.keyboard.type(username)
        self.tab_to(self.page.get_by_label("密码"))
        self.page.keyboard.type(PASSWORD)
        self.tab_to(self.page.get_by_role("button", name="登录", exact=True))
        self.follow()


def test_onboarding_quiz_review_and_sign_off_by_keyboard_alone(desktop):
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=1)
    quiz = build_quiz(singles=1, written=1, title="上线考核", shuffle_questions=False)
    multiple = SingleChoiceQuestionFactory(
        kind=QuestionKind.MULTIPLE, prompt="哪些属于安抚客户的话术？"
    )
    ChoiceFactory(question=multiple, text="理解您的心情", is_correct=True)
    ChoiceFactory(question=multiple, text="这不归我管", is_correct=False)
    QuizSectionFactory(quiz=quiz, question=multiple, sort_order=9)
    onboard(academy.newhire_a, curriculum, quiz, cohort_name="12月批次")
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())
    keys = Keyboard(desktop)

    # The new hire: sign in, open the lesson, mark it done.
    keys.sign_in(academy.newhire_a.username)
    expect(desktop.heading()).to_have_text("杨晨，您好")
    keys.tab_to(page.get_by_role("link", name="第1.1课"))
    keys.follow()
    expect(desktop.heading()).to_have_text("第1.1课")
    keys.tab_to(page.get_by_role("button", name="标记为已完成"))
    keys.follow()
    desktop.shot("keyboard-1-lesson-done")

    # The quiz: a radio by Space, a checkbox by Space, a written reply typed, hand in.
    desktop.go("/")
    keys.tab_to(page.get_by_role("link", name=quiz.title))
    keys.follow()
    keys.tab_to(page.get_by_role("button", name="开始测验"))
    keys.follow()
    expect(page.get_by_role("group")).to_have_count(3)
    # Tab enters a radio group at its first option (options are shuffled); arrows move on.
    keys.tab_to(page.get_by_role("radio").first)
    right = page.get_by_role("radio", name="30秒0")
    page.keyboard.press("Space" if keys.focused(right) else "ArrowDown")
    keys.assert_focus_visible(right)
    expect(page.get_by_role("radio", name="30秒0")).to_be_checked()
    keys.tab_to(page.get_by_role("checkbox", name="理解您的心情"))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="理解您的心情")).to_be_checked()
    reply = page.get_by_role("textbox", name="客户投诉物流延误")
    keys.tab_to(reply)
    page.keyboard.type("您好，非常抱歉给您带来不便，我马上为您催促物流并在今天回电。")
    desktop.shot("keyboard-2-quiz")
    keys.tab_to(page.get_by_role("button", name="交卷"))
    keys.follow()
    expect(page.get_by_role("link", name="返回测验")).to_be_visible()  # the result page
    attempt = Attempt.objects.get(user=academy.newhire_a)
    assert attempt.submitted_at is not None
    keys.tab_to(page.get_by_role("button", name="退出登录"), backwards=True)
    keys.follow()

    # The lead: score the written reply, then sign the new hire off.
    keys.sign_in(academy.lead_a.username)
    desktop.go("/reviews/")
    keys.tab_to(page.get_by_role("spinbutton", name=re.compile("^得分")))
    page.keyboard.type("9")
    keys.tab_to(page.get_by_role("textbox", name="给学员的评语（可选）"))
    page.keyboard.type("回复得体")
    keys.tab_to(page.get_by_role("button", name="保存评分"))
    keys.follow()
    expect(page.get_by_role("status")).to_be_visible()
    status = GoLiveStatus.objects.get(user=academy.newhire_a)
    assert status.state == GoLiveState.READY
    desktop.go("/team/")
    keys.tab_to(page.get_by_role("link", name="查看并签核"))
    keys.follow()
    confirm = page.get_by_role("checkbox", name=re.compile("我已确认"))
    keys.tab_to(confirm)
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    keys.tab_to(page.get_by_role("button", name="签核：可以上线接待客户"))
    desktop.shot("keyboard-3-sign-off")
    keys.follow()
    expect(page.get_by_role("status")).to_contain_text("杨晨 已上线")
    status.refresh_from_db()
    assert status.state == GoLiveState.LIVE
    assert keys.stops >= 14
