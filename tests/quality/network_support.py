"""Counter files for the network and billing tests, built line by line."""

from __future__ import annotations

HEADER = ("cell,date,busy_hour,call_attempts,answered,called_busy,no_answer,unreachable,"
          "tch_requests,tch_failures_no_channel,connected_calls,dropped_calls")
# A plausible busy hour: 5026 of 5120 attempts reached the called party (98.16 %),
# 3 of 4980 channel requests failed for lack of a channel, 21 of 4870 calls dropped.
GOOD = (5120, 4290, 410, 240, 86, 4980, 3, 4870, 21)


def line(cell: str, day: str, hour: str = "20", counts: tuple[int | str, ...] = GOOD) -> str:
    return ",".join([cell, day, hour, *(str(c) for c in counts)])


def counter_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")
