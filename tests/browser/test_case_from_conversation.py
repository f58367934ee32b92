"""
QA's conversation-to-case form in Chromium, in Chinese: filled and sent, then the browser's
back button and the same form sent again, as a person who was not sure it went through would.
One draft case comes of it, and the second sending opens that case saying so.
"""

from django.urls import reverse
from playwright.sync_api import expect

from cases.models import CasePage
from cases.services import case_review_workflow_ensure
from tests.conftest import build_academy
from tests.factories.cases import ProductFactory, ScenarioTypeFactory, case_library
from tests.factories.people import PASSWORD

CONVERSATION = "客户：我要投诉，快递丢了，我电话13812345678\n客服：这个不归我们管"


def test_sending_the_conversation_form_again_after_going_back_makes_one_case(desktop):
    academy = build_academy()
    case_review_workflow_ensure(case_library())
    ScenarioTypeFactory(name="物流丢件")
    ProductFactory(name="电商平台")
    page = desktop.page
    page.set_default_timeout(45_000)
    desktop.sign_in(academy.qa.username, PASSWORD)
    desktop.go(reverse("cases_from_conversation"))
    token = page.locator("input[name=submission_token]")
    first_token = token.input_value()
    page.get_by_role("textbox", name="案例标题").fill("丢件投诉被推诿")
    page.get_by_role("combobox", name="场景").select_option(label="物流丢件")
    page.get_by_role("textbox", name="粘贴对话").fill(CONVERSATION)
    desktop.shot("form-filled")
    page.get_by_role("button", name="生成案例草稿并提交审核").click()
    page.wait_for_load_state()
    case = CasePage.objects.get()
    expect(page).to_have_url(
        f"{desktop.base_url}{reverse('wagtailadmin_pages:edit', args=[case.pk])}"
    )
    page.go_back()
    page.wait_for_load_state()
    desktop.shot("form-after-back")
    expect(page.get_by_role("textbox", name="案例标题")).to_have_value("丢件投诉被推诿")
    expect(token).to_have_value(first_token)  # the browser put back the sent form's token
    page.get_by_role("button", name="生成案例草稿并提交审核").click()
    page.wait_for_load_state()
    expect(page.get_by_text("这个表单已经提交过，下面是已创建的案例。")).to_be_visible()
    desktop.shot("sent-again")
    assert CasePage.objects.count() == 1
    expect(page).to_have_url(
        f"{desktop.base_url}{reverse('wagtailadmin_pages:edit', args=[case.pk])}"
    )
    # Opened afresh (not by going back), the form is a new one with a new token.
    desktop.go(reverse("cases_from_conversation"))
    expect(token).not_to_have_value(first_token)
    expect(page.get_by_role("textbox", name="案例标题")).to_have_value("")
