from __future__ import annotations

import pytest

from tests.browse.corpus import Corpus, build_corpus


@pytest.fixture
def corpus(db) -> Corpus:
    return build_corpus()
