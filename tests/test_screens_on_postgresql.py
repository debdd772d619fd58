"""Some walks through the screens again, on PostgreSQL. The screens' own test files run on
SQLite (the services under them are tested on both engines); these make sure that what a
resident and staff do on screen also works where search, sign-in and publishing take
PostgreSQL's paths."""

from __future__ import annotations

import pytest
from test_notice_screens import (  # noqa: F401 (fixtures and tests collected again here)
    board,
    test_searching_by_a_common_word_marks_the_matches,
    test_searching_by_typing,
    test_the_history_shows_what_changed_when_and_by_whom,
)
from test_notice_staff_screens import (  # noqa: F401
    test_writing_previewing_and_publishing_a_notice,
)
from test_signin_screens import (  # noqa: F401
    hall,
    test_card_on_the_home_screen_signs_in_then_goes_back,
    test_no_event_shows_the_members_own_record,
)

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
