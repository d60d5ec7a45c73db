"""Call-centre logs and the hotline calls read from them.

A ``HotlineCall`` is one visit of one call to one agent queue: a call that
leaves a queue and enters again (or enters another queue) is a second row. It is
also the contact (TMF683 ``partyInteraction``) an agent opens a complaint or a
ticket from. Rows are written in bulk by ``care.services.calls``; the unique key
(call reference, queue, entry time) makes a re-import add nothing, whatever the
file's name: the same call read from a copy, a renamed or rotated file or an
overlapping log is the same row.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# Who ended an answered call, as recorded by the call-log readers.
_ENDED_BY = {"caller": _("the caller"), "agent": _("the agent"),
             "transfer": _("a transfer")}

__all__ = ["CallImportReject", "CallImportRun", "CallLogFormat", "CallLogSource",
           "CallOutcome", "HotlineCall"]


class CallLogFormat(models.TextChoices):
    ASTERISK_QUEUE_LOG = "asterisk-queue-log", _("Asterisk queue_log")
    FREESWITCH_CC = "freeswitch-cc", _("FreeSWITCH mod_callcenter CDRs")


class CallLogSource(models.Model):
    """One log file we read from, with how far we got (for ``--follow`` and restarts)."""

    path = models.CharField(_("file"), max_length=500)
    fmt = models.CharField(_("format"), max_length=20, choices=CallLogFormat.choices)
    # Byte offset from which the next read starts: the start of the oldest call still
    # open (its exit line not yet read), so a restart re-reads it and completes it.
    offset = models.BigIntegerField(_("resume offset"), default=0)
    # Lines before ``offset`` (so reject line numbers stay true across restarts).
    line_number = models.BigIntegerField(_("lines before the offset"), default=0)
    # Identity of the file the offset belongs to: a rotated or replaced file starts over.
    inode = models.BigIntegerField(_("inode"), null=True, blank=True)
    head_fingerprint = models.CharField(_("fingerprint of the first bytes"), max_length=64,
                                        blank=True)
    created_at = models.DateTimeField(_("first imported"))
    updated_at = models.DateTimeField(_("last read"))

    class Meta:
        ordering = ["path"]
        verbose_name = _("call-log source")
        verbose_name_plural = _("call-log sources")
        constraints = [models.UniqueConstraint(fields=["path", "fmt"],
                                               name="call_log_source_once")]

    def __str__(self) -> str:
        return f"{self.path} ({self.fmt})"


class CallImportRun(models.Model):
    """One run of ``calls import`` over a source: what it read, added and rejected."""

    source = models.ForeignKey(CallLogSource, on_delete=models.CASCADE, related_name="runs",
                               verbose_name=_("source"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    from_offset = models.BigIntegerField(_("from byte"), default=0)
    to_offset = models.BigIntegerField(_("to byte"), default=0)
    lines_read = models.BigIntegerField(_("lines read"), default=0)
    calls_added = models.BigIntegerField(_("calls added"), default=0)
    calls_already_known = models.BigIntegerField(_("calls already imported"), default=0)
    rejected_lines = models.BigIntegerField(_("lines rejected"), default=0)
    unknown_queues = models.JSONField(_("queues not mapped to a skill group"), default=list,
                                      blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call-log import")
        verbose_name_plural = _("call-log imports")

    def __str__(self) -> str:
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M}"


class CallImportReject(models.Model):
    """A line that could not be read: kept with its number and the reason."""

    run = models.ForeignKey(CallImportRun, on_delete=models.CASCADE, related_name="rejects",
                            verbose_name=_("import"))
    line_number = models.BigIntegerField(_("line"))
    text = models.CharField(_("text"), max_length=500)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["run", "line_number"]
        verbose_name = _("rejected line")
        verbose_name_plural = _("rejected lines")

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered by an agent")
    ABANDONED = "abandoned", _("Abandoned by the caller")
    TIMEOUT = "timeout", _("Left the queue at its timeout")
    EMPTY = "empty", _("No agent available (queue empty)")
    KEY = "key", _("Caller left with a key")
    UNKNOWN = "unknown", _("No exit recorded")


class HotlineCall(models.Model):
    """One visit of a call to an agent queue (the contact an agent works from)."""

    # No single-column indexes on the three foreign keys: ``hotline_call_queue_day_idx``
    # starts with ``queue``, ``hotline_call_customer_idx`` is ``customer``'s, and
    # ``source`` (the file a call was first read from) is never searched by; each
    # index more costs every imported row (millions of them).
    source = models.ForeignKey(CallLogSource, on_delete=models.PROTECT, related_name="calls",
                               verbose_name=_("source"), db_index=False)
    call_ref = models.CharField(_("call id"), max_length=80)
    queue = models.ForeignKey("care.HotlineQueue", on_delete=models.PROTECT,
                              related_name="calls", verbose_name=_("queue"), db_index=False)
    caller = models.CharField(_("caller number"), max_length=32, blank=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("customer"),
                                 db_index=False)
    entered_at = models.DateTimeField(_("entered the queue"))
    # Local date and hour of the entry (operator's time zone), for the figures.
    entered_date = models.DateField(_("day"))
    entered_hour = models.PositiveSmallIntegerField(_("hour"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("left the queue or ended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CallOutcome.choices)
    # Answered: entry -> agent answer. Otherwise: entry -> leaving the queue.
    wait_seconds = models.PositiveIntegerField(_("wait (s)"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), null=True, blank=True)
    agent = models.CharField(_("agent"), max_length=80, blank=True)
    entry_position = models.PositiveSmallIntegerField(_("position on entry"), null=True,
                                                      blank=True)
    # Who ended an answered call (caller, agent, transfer) and where a transfer went.
    ended_by = models.CharField(_("ended by"), max_length=10, blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=80, blank=True)
    # The call as a whole, for the figures (STANDARDS.md: a call that leaves one queue
    # and is answered in another counts once). ``counted`` marks the visit the call is
    # counted on: its first entry into an agent queue; the later visits of the same
    # call (after a timeout, a full queue, a key or a transfer) are not counted.
    # On the counted visit, ``call_outcome`` is the call's outcome (answered if any of
    # its visits was answered, else how its last visit ended) and
    # ``call_wait_seconds`` its wait from the first entry (to the first answer, else
    # to leaving the last queue). A call of one visit: the visit's own.
    counted = models.BooleanField(_("counted in the figures"), default=True)
    call_outcome = models.CharField(_("outcome of the call"), max_length=10,
                                    choices=CallOutcome.choices, blank=True)
    call_wait_seconds = models.PositiveIntegerField(_("wait of the call (s)"), null=True,
                                                    blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        # A call is identified by itself, not by the file it was read from.
        constraints = [models.UniqueConstraint(
            fields=["call_ref", "queue", "entered_at"], name="hotline_call_once_per_call")]
        indexes = [
            models.Index(fields=["entered_at"], name="hotline_call_entered_idx"),
            models.Index(fields=["queue", "entered_date"], name="hotline_call_queue_day_idx"),
            models.Index(fields=["caller"], name="hotline_call_caller_idx"),
            models.Index(fields=["customer"], name="hotline_call_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.call_ref} @ {self.queue_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A row saved one by one without the call's figures is a call of one visit:
        # the call's outcome and wait are the visit's (the import writes all three).
        if not self.call_outcome:
            self.call_outcome = self.outcome
            self.call_wait_seconds = self.wait_seconds
        super().save(*args, **kwargs)

    @property
    def ended_by_label(self) -> str:
        """Who ended the call, in the reader's language (``calllogs.records.BY_*``)."""
        return str(_ENDED_BY.get(self.ended_by, self.ended_by))
