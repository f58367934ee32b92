"""Signing in, switching language, the dashboard and the lead's team page, in Chromium."""

from playwright.sync_api import expect

from tests.conftest import build_academy
from tests.factories.people import PASSWORD


def test_a_new_hire_signs_in_sees_the_dashboard_and_signs_out(desktop):
    academy = build_academy()
    page = desktop.go("/")
    expect(page).to_have_url(desktop.base_url + "/accounts/login/?next=/")
    expect(desktop.heading()).to_have_text("登录客服学院")
    desktop.shot("login")

    desktop.sign_in(academy.newhire_a.username, "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
    desktop.shot("login-error")

    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    expect(desktop.heading()).to_have_text("杨晨，您好")
    profile = desktop.region("我的档案")
    expect(profile).to_contain_text(academy.newhire_a.employee_no)
    expect(profile).to_contain_text("电商一组")
    # A new hire has no team page and no content admin in their menu.
    menu = page.get_by_role("navigation", name="主导航").get_by_role("link")
    expect(menu).to_have_text(["我的学习", "情景模拟", "能力认证", "职业发展"])
    desktop.shot("dashboard")

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(desktop.base_url + "/accounts/login/")
    assert desktop.go("/").url.startswith(desktop.base_url + "/accounts/login/")


def test_the_language_switch_turns_the_interface_english_and_back(desktop):
    academy = build_academy()
    desktop.sign_in(academy.agent_a.username, PASSWORD)
    page = desktop.page
    page.get_by_role("button", name="English").click()
    expect(desktop.heading()).to_have_text("Hello, 王芳")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("My learning")
    desktop.shot("dashboard-en")

    desktop.go("/")  # the choice sticks across pages
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="简体中文").click()
    expect(desktop.heading()).to_have_text("王芳，您好")


def test_a_lead_opens_their_team_page_and_sees_only_their_team(desktop):
    academy = build_academy()
    desktop.sign_in(academy.lead_a.username, PASSWORD)
    page = desktop.page
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的班组").click()
    expect(desktop.heading()).to_have_text("我的班组")
    table = page.get_by_role("table")
    expect(table).to_contain_text("王芳")
    expect(table).to_contain_text("杨晨")
    expect(table).not_to_contain_text("林俊杰")  # team B
    expect(table).not_to_contain_text("曹雪")  # team C
    desktop.shot("team")

    page.get_by_label("搜索").fill("王芳")
    page.get_by_role("button", name="筛选").click()
    expect(desktop.table_rows()).to_have_count(1)
    expect(desktop.table_rows()).to_contain_text("王芳")


def test_the_layout_works_on_a_phone(phone):
    academy = build_academy()
    phone.sign_in(academy.lead_a.username, PASSWORD)
    page = phone.page
    expect(phone.heading()).to_have_text("张伟，您好")
    # Nothing sticks out sideways: the page is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("dashboard")
    phone.go("/team/")
    expect(page.get_by_role("table")).to_contain_text("王芳")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("team")
