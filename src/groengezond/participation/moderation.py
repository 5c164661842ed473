"""Moderation of residents' comments: the queue, decisions and abuse reports.

Every new or edited comment is ``pending`` and waits in the queue; the public sees only
``approved`` comments. A moderator approves, rejects (with a reason the author sees) or hides
a comment. Anyone may report an approved comment as abusive, once per reporter; when the
reports reach the threshold (``GG_PARTICIPATION_REPORT_THRESHOLD``, default 3) the comment is
hidden at once and goes back to the queue for review. Approving it again clears its reports.

Reporters are counted by a pseudonym: an HMAC-SHA-256 of their IP address with a server secret
(``GG_PARTICIPATION_REPORT_SECRET``); the address itself is never stored, and the pseudonym is
not linked to any resident token. A report sent with a resident token is also counted under a
pseudonym of the token: a report counts once per address *and* per token, so neither fresh
tokens from one address nor one token from many addresses lets one person hide a comment
alone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groengezond.errors import InputError
from groengezond.participation.db import Database
from groengezond.participation.errors import NotFoundError
from groengezond.participation.models import Comment, CommentReply, CommentReport, PublishedScenario
from groengezond.participation.schemas import ModerationItem, ReplyOut
from groengezond.participation.security import Staff, require_role
from groengezond.participation.service import comment_out, reply_out

Action = Literal["approve", "reject", "hide"]

def reporter_pseudonym(secret: str, client_ip: str) -> str:
    """The pseudonym of a reporter's address: HMAC-SHA-256 of the IP address (hex)."""
    return hmac.new(secret.encode(), client_ip.encode(), hashlib.sha256).hexdigest()


def reporter_pseudonyms(secret: str, client_ip: str, token: str | None) -> list[str]:
    """The pseudonyms a report is counted under: its address and, when sent with one, its
    resident token (HMAC-SHA-256, hex; the token itself is never stored with the report).

    A report counts only when none of them has reported the comment before, so neither a
    fresh token from the same address nor the same token from another address adds one.
    """
    out = [reporter_pseudonym(secret, client_ip)]
    if token:
        out.append(hmac.new(secret.encode(), b"token:" + token.encode(),
                            hashlib.sha256).hexdigest())
    return out


_STATUS: dict[str, str] = {"approve": "approved", "reject": "rejected", "hide": "hidden"}


def _item(c: Comment, plan: PublishedScenario | None = None) -> ModerationItem:
    return ModerationItem(**comment_out(c).model_dump(), report_count=c.report_count,
                          needs_review=c.needs_review,
                          scenario_name=plan.name if plan is not None else None,
                          scenario_withdrawn=plan is not None and plan.withdrawn_at is not None)


def _plans(s: Session, comments: Sequence[Comment]) -> dict[int, PublishedScenario]:
    """The published plans the comments are about, by id."""
    ids = {c.scenario_id for c in comments if c.scenario_id is not None}
    if not ids:
        return {}
    rows = s.scalars(select(PublishedScenario).where(PublishedScenario.id.in_(ids))).all()
    return {p.id: p for p in rows}


def queue(db: Database, staff: Staff, field_lab_id: int | None = None,
          include_reviewed: bool = False, limit: int = 100, offset: int = 0
          ) -> list[ModerationItem]:
    """Comments waiting for a decision, most reported first, then oldest first.

    Parameters
    ----------
    db : Database
        The participation database.
    staff : Staff
        A moderator or admin.
    field_lab_id : int, optional
        Only this field lab.
    include_reviewed : bool
        Also list decided comments (for an audit view).
    limit, offset : int
        Page of the list.
    """
    require_role(staff, "moderator")
    q = select(Comment)
    if not include_reviewed:
        q = q.where(Comment.needs_review.is_(True))
    if field_lab_id is not None:
        q = q.where(Comment.field_lab_id == field_lab_id)
    q = q.order_by(Comment.report_count.desc(), Comment.created_at, Comment.id)
    with db.read() as s:
        rows = s.scalars(q.limit(limit).offset(offset)).all()
        plans = _plans(s, rows)
        return [_item(c, plans.get(c.scenario_id or 0)) for c in rows]


def decide(db: Database, staff: Staff, comment_id: int, action: Action, reason: str | None,
           now: datetime) -> ModerationItem:
    """Approve, reject or hide a comment.

    Raises
    ------
    InputError
        When a rejection has no reason (the author is told why).
    NotFoundError
        When the comment does not exist.
    """
    require_role(staff, "moderator")
    if action == "reject" and not reason:
        raise InputError.single("request body", f"comment {comment_id}", "reason",
                                "a rejection needs a reason", "say why (the author sees it)")
    with db.write() as s:
        c = s.get(Comment, comment_id)
        if c is None:
            raise NotFoundError(f"there is no comment {comment_id}")
        c.status = _STATUS[action]
        c.needs_review = False
        c.moderation_reason = reason
        c.moderated_by = staff.user_id
        c.moderated_at = now
        if action == "approve":
            s.execute(delete(CommentReport).where(CommentReport.comment_id == c.id))
            c.report_count = 0
        s.flush()
        return _item(c, _plans(s, [c]).get(c.scenario_id or 0))


def reply(db: Database, staff: Staff, comment_id: int, text: str, now: datetime) -> ReplyOut:
    """Set (or replace) the municipality's official reply to a comment.

    Any staff role may reply (planners answer for the plan, moderators for the process). The
    reply shows under the comment wherever the comment shows: publicly once it is approved,
    to its author at once. The author's account is stored, never shown.

    Raises
    ------
    NotFoundError
        When the comment does not exist.
    """
    require_role(staff, "planner", "moderator")
    with db.write() as s:
        c = s.get(Comment, comment_id)
        if c is None:
            raise NotFoundError(f"there is no comment {comment_id}; see the moderation queue")
        if c.reply is None:
            c.reply = CommentReply(comment_id=c.id, text=text, author_id=staff.user_id,
                                   created_at=now, updated_at=now)
        else:
            c.reply.text, c.reply.author_id, c.reply.updated_at = text, staff.user_id, now
        s.flush()
        return reply_out(c.reply)


def remove_reply(db: Database, staff: Staff, comment_id: int) -> None:
    """Withdraw the official reply to a comment.

    Raises
    ------
    NotFoundError
        When the comment does not exist or has no reply.
    """
    require_role(staff, "planner", "moderator")
    with db.write() as s:
        c = s.get(Comment, comment_id)
        if c is None or c.reply is None:
            raise NotFoundError(f"comment {comment_id} has no reply to withdraw")
        c.reply = None


def report(db: Database, comment_id: int, reporter: str | Sequence[str], reason: str,
           threshold: int, now: datetime) -> dict[str, str]:
    """Record that ``reporter`` finds an approved comment abusive; hide it at the threshold.

    A second report by the same reporter changes nothing (and is not an error), so the
    answer does not reveal whether someone reported before.

    Parameters
    ----------
    db : Database
        The participation database.
    comment_id : int
        The comment reported (it must be public, i.e. approved).
    reporter : str or sequence of str
        Pseudonym(s) of the reporter (64 hex characters each; see
        :func:`reporter_pseudonyms`); the report counts once, and only if none of them
        reported this comment before.
    reason : str
        One of :data:`~groengezond.participation.models.REPORT_REASONS`.
    threshold : int
        Reports at which the comment is hidden pending review.
    now : datetime
        Time of the report.
    """
    received = {"status": "received", "message": "thank you; a moderator will look at it"}
    try:
        with db.write() as s:
            status = s.scalar(select(Comment.status).where(Comment.id == comment_id))
            if status != "approved":
                raise NotFoundError(f"there is no public comment {comment_id}")
            names = [reporter] if isinstance(reporter, str) else list(dict.fromkeys(reporter))
            seen = s.scalar(select(CommentReport.id).where(
                CommentReport.comment_id == comment_id,
                CommentReport.reporter_hash.in_(names)).limit(1))
            if seen is not None:
                return received
            for name in names:
                s.add(CommentReport(comment_id=comment_id, reporter_hash=name, reason=reason,
                                    created_at=now))
            s.flush()
            s.execute(update(Comment).where(Comment.id == comment_id)
                      .values(report_count=Comment.report_count + 1))
            s.execute(update(Comment).where(Comment.id == comment_id,
                                            Comment.status == "approved",
                                            Comment.report_count >= threshold)
                      .values(status="hidden", needs_review=True,
                              moderation_reason=f"hidden automatically after {threshold} "
                                                "reports; pending review"))
    except IntegrityError:
        pass  # the same reporter, at the same moment: one report counts
    return received
