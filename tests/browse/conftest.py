from __future__ import annotations

import pytest

from tests.browse.corpus import Corpus, build_corpus


@pytest.fixture
def corpus(db, django_capture_on_commit_callbacks) -> Corpus:
    # Tests run inside a transaction that never commits: run the index-on-commit hooks now.
    with django_capture_on_commit_callbacks(execute=True):
        return build_corpus()
