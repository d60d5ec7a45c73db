"""Logging filter that keeps subscribers' numbers out of logs."""

from __future__ import annotations

import logging

from telcodesk.core.phone import mask_in_text


class MaskPhoneNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
