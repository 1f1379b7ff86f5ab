"""bot.offload: work done in a child process, its result or its failure brought back."""

from __future__ import annotations

import os

import pytest

from bot import offload
from bot.faq.match import FaqDocument, FaqMatcher


def pid_and_sum(a: int, b: int) -> tuple[int, int]:
    return os.getpid(), a + b


def fails() -> None:
    raise ValueError("a cell the child could not read")


def dies() -> None:
    os._exit(3)


def test_the_work_runs_in_another_process_and_its_result_comes_back() -> None:
    pid, total = offload.run(pid_and_sum, 2, 3)
    assert total == 5 and pid != os.getpid()


def test_a_failure_in_the_child_is_raised_here_with_its_traceback() -> None:
    with pytest.raises(offload.OffloadError, match="a cell the child could not read") as info:
        offload.run(fails)
    assert info.value.started and "ValueError" in str(info.value)


def test_a_child_that_dies_without_a_result_is_an_error_not_a_hang() -> None:
    with pytest.raises(offload.OffloadError, match="exit code 3"):
        offload.run(dies)


def test_a_packed_index_decides_as_the_one_that_was_built() -> None:
    docs = [
        FaqDocument(1, "How do I start a blog?", ("starting a blog", "first blog post")),
        FaqDocument(2, "What are the social media guidelines?", ("posting rules",),
                    ("guidelines",)),
        FaqDocument(3, "Where do we meet?", ("meetup location",)),
    ]
    built = FaqMatcher(docs, threshold=0.3)
    loaded = FaqMatcher.unpacked(built.packed(), None)
    for question in ("how to start blgo", "rules for posting", "where is the meetup",
                     "what is the weather"):
        assert loaded.decide(question) == built.decide(question)
    assert loaded.fingerprint == built.fingerprint
