from __future__ import annotations

from app.services import Services
from tests.handlers.harness import make_app


async def test_post_init_sets_the_commands_menu_in_korean_and_english(services: Services) -> None:
    app, api = make_app(services)
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
    assert [c["command"] for c in api.commands[""]][:4] == ["start", "help", "lang", "cancel"]
    assert {"need", "mydata", "forget"} <= {c["command"] for c in api.commands["en"]}
    assert api.commands["en"][0]["description"] == "Home"
    assert api.commands[""][0]["description"] == "처음 화면"
