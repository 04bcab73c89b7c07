from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.telegram_app import freeze_startup_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # other tests in this process should see an ordinary collector


def test_freezing_takes_what_start_up_loaded_out_of_collections(unfrozen: None) -> None:
    loaded_at_start = [[i] for i in range(1000)]  # stands for the manual: lives as long as the process
    freeze_startup_heap()
    assert gc.get_freeze_count() >= 1000
    made_by_an_update: list[object] = []
    made_by_an_update.append(made_by_an_update)  # a cycle: still the collector's to free
    collectable = {id(o) for o in gc.get_objects()}  # every generation but the frozen one
    assert not any(id(o) in collectable for o in loaded_at_start)
    assert id(made_by_an_update) in collectable
