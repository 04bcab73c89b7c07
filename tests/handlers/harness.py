"""Drive the real Application against the in-process Bot API, the way a Telegram client would."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from app.local_api import LocalBotAPI, LocalRequest, Shown, Updates
from app.services import Services
from app.telegram_app import build_application
from knowledge.model import QuestionType
from storage import repo
from storage.models import Consultation


class Chat:
    """One user's chat with the bot: send text, press buttons, read what the chat shows."""

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        api: LocalBotAPI,
        services: Services,
        chat_id: int,
        language: str = "ko",
    ) -> None:
        self.app, self.api, self.services = app, api, services
        self.chat_id = chat_id
        self.language = language
        self.updates = Updates(app.bot, api)

    async def send(self, text: str) -> list[Shown]:
        before = len(self.api.messages(self.chat_id))
        await self.app.process_update(self.updates.message(self.chat_id, text, language=self.language))
        return self.api.messages(self.chat_id)[before:]

    async def press_data(self, data: str, message_id: int | None = None) -> list[Shown]:
        before = len(self.api.messages(self.chat_id))
        mid = message_id if message_id is not None else self.last().message_id
        await self.app.process_update(self.updates.callback(self.chat_id, mid, data, language=self.language))
        return self.api.messages(self.chat_id)[before:]

    async def press(self, label: str) -> list[Shown]:
        """Press the button of the newest message whose label contains `label`."""
        for message in reversed(self.api.messages(self.chat_id)):
            for text, data in message.flat_buttons():
                if label in text:
                    return await self.press_data(data, message.message_id)
        raise AssertionError(
            f"no button '{label}' in {[m.flat_buttons() for m in self.api.messages(self.chat_id)]}"
        )

    def last(self) -> Shown:
        return self.api.last(self.chat_id)

    def texts(self) -> str:
        return "\n".join(m.text for m in self.api.messages(self.chat_id))

    def consultation(self) -> Consultation | None:
        with self.services.db.session() as s:
            c = repo.latest_consultation(s, self.chat_id)
            if c is not None:
                s.expunge(c)
            return c

    async def answer(self, value: Any) -> list[Shown]:
        """Answer the pending question the way a person would: buttons where there are buttons."""
        c = self.consultation()
        assert c is not None and c.current_question is not None
        question = self.services.manual.questions[c.current_question]
        if value is None:
            return await self.press_data(f"n:{c.id}:skip")
        if question.type == QuestionType.BOOL:
            return await self.press_data(f"a:{c.id}:{question.id}:{'true' if value else 'false'}")
        if question.type == QuestionType.CHOICE:
            return await self.press_data(f"a:{c.id}:{question.id}:{value}")
        if question.type in (QuestionType.MEMBERS, QuestionType.WHO) and not value:
            return await self.press_data(f"a:{c.id}:{question.id}:none")
        if question.type in (QuestionType.MULTI_CHOICE, QuestionType.MEMBERS, QuestionType.WHO):
            for choice in value:
                await self.press_data(f"t:{c.id}:{question.id}:{choice}")
            return await self.press_data(f"d:{c.id}:{question.id}")
        if question.type == QuestionType.INT_LIST:
            return await self.send(", ".join(str(v) for v in value) if value else "없음")
        return await self.send(str(value))

    async def answer_until(self, wanted: str | set[str], profile: dict[str, Any], limit: int = 30) -> str:
        """Answer from `profile` until one of the `wanted` questions is on screen; returns its id."""
        targets = {wanted} if isinstance(wanted, str) else wanted
        for _ in range(limit):
            c = self.consultation()
            assert c is not None and c.current_question is not None
            if c.current_question in targets:
                return c.current_question
            await self.answer(profile.get(c.current_question))
        raise AssertionError(f"none of {sorted(targets)} was asked")

    async def consult(self, profile: dict[str, Any], limit: int = 40) -> list[str]:
        """Answer every question from `profile` until the results; returns the question ids asked."""
        asked: list[str] = []
        for _ in range(limit):
            c = self.consultation()
            if c is None or c.state != "asking":
                return asked
            assert c.current_question is not None
            asked.append(c.current_question)
            await self.answer(profile.get(c.current_question))
        raise AssertionError(f"consultation did not finish in {limit} questions: {asked}")


def typed(manual: Any, qid: str, value: Any) -> str:
    """How a person would type `value` for question `qid` (labels for choices, units for money)."""
    question = manual.questions[qid]
    if question.type == QuestionType.BOOL:
        return "예" if value else "아니요"
    if question.type == QuestionType.CHOICE:
        return str(question.choice(value).label.ko)
    if question.type in (QuestionType.MULTI_CHOICE, QuestionType.MEMBERS):
        return ", ".join(question.choice(v).label.ko for v in value) if value else "없음"
    if question.type == QuestionType.INT_LIST:
        return ", ".join(str(v) for v in value) if value else "없음"
    if question.type == QuestionType.MONEY:
        return f"{value:,}원"
    return str(value)


def make_app(
    services: Services, api: LocalBotAPI | None = None
) -> tuple[Application[Any, Any, Any, Any, Any, Any], LocalBotAPI]:
    api = api or LocalBotAPI()
    return build_application(services, request=LocalRequest(api), with_updater=False), api
