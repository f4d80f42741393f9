"""Reporting frames: the words that attribute a statement ("X said", "according to X", ...).

Used by ``attributions``; see its docstring for the sentence shapes recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.citations.lexicon import (
    FINDING_SUBJECTS,
    REPORTING_VERBS,
)
from archive.citations.quotes import Quote
from archive.citations.sentences import Span
from archive.citations.speaker_phrases import (
    DATELINE,
    OPENERS,
    ROLE_NOUNS,
    WHO,
    speaker_after,
    speaker_before,
    valid_speaker,
)
from archive.citations.tokens import word_set

__all__ = [
    "NOT_CLAUSE_START",
    "Frame",
    "complementizer",
    "find_frames",
]

# what a named person believes, hopes or expects is reported when a that-clause says it
_NEEDS_THAT = word_set(
    "believes believed thinks hopes hoped expects speculates speculated fears feared "
    "suspects suspected"
)
# a characterisation frames a quotation ("Sasse called his death “a crisis of public trust”")
# but reports no clause ("called for an inquiry")
_QUOTE_ONLY = word_set("called calls described describes dubbed termed labeled labelled branded")
_VERBS = "|".join(sorted(REPORTING_VERBS | _NEEDS_THAT | _QUOTE_ONLY, key=len, reverse=True))
_AUX = (
    r"(?:(?:has|have|had|also|later|previously|earlier|further|then|again|would|long|not|never|"
    r"once|since|already|just|now|still|[a-z]+ly)\s+)*"
)
_FRAME = re.compile(
    rf"(?<![\w-])(?:(?P<aux>{_AUX})(?P<verb>{_VERBS})"
    r"|(?P<according>[Aa]ccording to)|(?P<saying>saying|adding|noting|warning|arguing|claiming|"
    r"insisting|stressing|stating|declaring|explaining|suggesting|acknowledging|admitting|"
    r"predicting|conceding|boasting|complaining)"
    r"|(?P<cited>quoted|cited)(?=[^.]{1,80}?\bas saying\b))(?![\w-])"
)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+$")
_BY_AFTER = re.compile(r"\s+by\b")
_ADJECTIVE_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|this|no|any|some|un)|\w['’]s)\s+$", re.IGNORECASE
)
_AS_SAYING = re.compile(r"\bas saying\b")
_THAT = re.compile(r"(?<!\w)that(?!\w)")
# said of documents: "the study found", "the data show"
_FINDING = frozenset({"found", "finds", "find", "showed", "shows", "show", "shown"})
_TAKES_OBJECT = frozenset({"told", "tells", "warned", "urged"})
# verbs that report speech without "that": "Sasse said the charges are overdue"
_BARE_CLAUSE_VERBS = word_set(
    "said says told tells added adds warned wrote writes reported reports noted notes stated "
    "claimed claims insisted argued predicted estimated confirmed acknowledged admitted alleged "
    "recounted asserts argues explains insists warns stresses admits concedes conceded contends "
    "disclosed divulged projected projects say tell revealed reveals hinted hints "
    "stressed explained asserted contended emphasized emphasised maintained testified recalled "
    "complained boasted argue insist warn explain contend maintain"
)
NOT_CLAUSE_START = word_set(
    "before after in on at for with to from by about during into over against of"
)
_SHORT_LEAD_WORDS = 6  # "Many of the prisons, she said, are ..." : the statement is the sentence
_CLAUSE_START = re.compile(
    r"\s+(?=(?:the|a|an|he|she|it|they|there|no|his|her|its|their|we|i|this|these|those|some|"
    r"all|many|most|russia|ukraine|[A-ZА-ЯЁ0-9])\b)"
)
_MODIFIERS = re.compile(
    r"^(?:,?\s+(?:on|in|at|during|via|to|late|early|last|this|earlier|later|yesterday|today|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?:\s+(?:a|an|the|his|her|its|"
    r"their|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|morning|afternoon|"
    r"evening|night|week|month|year|statement|interview|televised|news|press|briefing|"
    r"conference|address|post|speech|with\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*)"
    r"\b)*)*"
)
_MIN_CLAUSE_WORDS = 4
# a sentence's main verb, to find its subject: a past form or a common finite verb
_MAIN_VERB = re.compile(
    r"\s(?:[a-z]{3,}ed|is|was|were|are|has|have|had|went|took|made|gave|came|told|said|says|"
    r"wrote|spoke|met|sent|began|became|kept|left|led|won|lost|held|brought|thought|found|"
    r"spent|got|put|set|ran|saw|felt|heard|knew|meant|paid|built|sold|stood|struck|hit|"
    r"chose|drew|fell|grew|rose|sat|shook|threw|wore|broke|caught|fought|taught|sought)\b"
)
_TRAILING_ADVERBS = re.compile(r"(?:\s+(?:even|also|then|later|once|again|never|[a-z]+ly))+$")
_RELATIVE_END = re.compile(r"(?:^|\s)([\w’'\-]+)\s+(?:that|who)\s*$")
_JOINED_LEAD = re.compile(r"(?:^|[,;—–]\s*)(?:but|and|yet|so|while|although|though)\s*,?\s*$")
_APPROXIMATE = re.compile(
    r"\s*(?:about|around|over|nearly|almost|roughly|some|at least|at most|more than|fewer than|"
    r"less than|up to|as many as)\s+[$£€]?\d"
)
_MAX_BEFORE_THAT = 10
_MAX_SUBJECT_WORDS = 6
_MAX_ROLE_SUBJECT_WORDS = 10  # "A spokesperson of the North's committee handling ..."
_CAPITALISED_RUN = re.compile(r"(?:(?!(?:The|A|An)\b)[A-Z][\w’'.\-]*\s+)+")
_NAMED_SUBJECT = re.compile(
    r"((?:(?:The|A|An)\s+)?[A-Z][\w’'.\-]*(?:\s+(?:(?:of|in|for|at)\s+(?:the\s+)?)?"
    r"[A-Z][\w’'.\-]*)*)\s+[a-z]"
)
_SUBJECTS = frozenset(["he", "she", "they", "it", "we", "i", "you", "there"])
_SOURCE_END = re.compile(r"[,;.](?=\s|$)")


def complementizer(after: str) -> re.Match[str] | None:
    """The "that" opening the reported clause after a verb ("told the RIA agency that")."""
    that = _THAT.search(after, 0, min(len(after), 120))
    if that is None:
        return None
    between = after[: that.start()]
    if any(mark in between for mark in ',;:“"«') or len(between.split()) > _MAX_BEFORE_THAT:
        return None
    if any(word.casefold() in _SUBJECTS for word in between.split()):
        return None  # "he said he pressed his team to triple that figure"
    return that


def _role_phrase(phrase: str) -> bool:
    """Whether PHRASE is a short role before a name: "the finance minister", "Ondoria's energy
    minister" (then "..., the finance minister, Irena Kovalt, said": both are the speaker)."""
    words = phrase.split()
    return (
        1 < len(words) <= 6
        and (words[0].casefold() in ("the", "a", "an") or words[0].endswith(("'s", "’s")))
        and words[-1].casefold() in ROLE_NOUNS
    )


def _subject_size(phrase: str) -> bool:
    """Whether PHRASE is short enough for a sentence's subject: six words, or ten when it is
    headed by a role ("A spokesperson of the North's committee handling inter-Korean affairs")."""
    words = phrase.split()
    head = words[1:2] if words[:1] and words[0].casefold() in ("a", "an", "the") else words[:1]
    if head and head[0].casefold() in ROLE_NOUNS:
        return len(words) <= _MAX_ROLE_SUBJECT_WORDS
    return len(words) <= _MAX_SUBJECT_WORDS


def _interjected(text: str, group: Span, lead_end: int, frame_end: int) -> bool:
    """Whether the frame interrupts the statement: "Many of the prisons, she said, are ..."."""
    lead_words = len(text[group[0] : lead_end].split())
    rest = text[frame_end : group[1]]
    comma = rest.find(",")
    tail = rest[comma + 1 :] if comma >= 0 else ""
    return lead_words < _SHORT_LEAD_WORDS and len(tail.split()) >= _MIN_CLAUSE_WORDS


@dataclass(frozen=True, slots=True)
class Frame:
    """A reporting frame: ``text[start:end]`` is its words (auxiliaries included)."""

    start: int
    end: int
    kind: str  # "verb" | "according" | "saying" | "cited"
    verb: str

    def quote_speaker(self, text: str, group: Span, after_quote: int | None) -> str | None:
        """The speaker of quotations around this frame."""
        if self.kind == "according":
            return speaker_after(text, self, group[1])
        if self.kind == "cited":
            return self._cited_speaker(text, group)
        if self.kind == "saying":
            return self._subject(text, group)
        if after_quote is not None:
            gap = text[after_quote : self.start].strip(" \t\n,;:—–-")
            if not gap:
                return speaker_after(text, self, group[1])
            return speaker_before(text, after_quote, self)
        return speaker_before(text, group[0], self)

    def _subject(self, text: str, group: Span) -> str | None:
        """The subject of the sentence: the words before its first verb ("North Korea's
        official newspaper blasted ..."), its first comma chunk, or its leading capitalised
        run."""
        dateline = DATELINE.match(text, group[0], self.start)
        start = dateline.end() if dateline else group[0]
        head = OPENERS.sub("", text[start : self.start].strip())
        verb = _MAIN_VERB.search(head)
        if verb is not None:
            before = _TRAILING_ADVERBS.sub("", head[: verb.start()]).strip()
            if _subject_size(before) and valid_speaker(before):
                return before
            last = before.rsplit(",", 1)[-1].strip()  # "Today, in a new paper, he brings"
            if last != before and _subject_size(last) and valid_speaker(last):
                return last
        comma = head.find(",")
        first = head[: comma if comma > 0 else len(head)].strip()
        if _subject_size(first) and valid_speaker(first):
            return first
        named = _NAMED_SUBJECT.match(head)  # "The US Embassy in New Delhi maintains ..."
        if named is not None and valid_speaker(named.group(1)):
            return named.group(1)
        run = _CAPITALISED_RUN.match(head)
        return valid_speaker(run.group(0).strip()) if run else None

    def _cited_speaker(self, text: str, group: Span) -> str | None:
        as_saying = _AS_SAYING.search(text, self.end, group[1])
        if as_saying is None:
            return None
        return valid_speaker(text[self.end : as_saying.start()].strip())

    def reported(self, text: str, group: Span) -> tuple[Span, str, str] | None:
        """(statement span, speaker, kind) of reported speech around this frame, if any."""
        if self.kind == "according":
            return self._according(text, group)
        if self.kind == "cited":
            return self._cited(text, group)
        if self.kind == "saying":
            subject = self._subject(text, group)
            clause = self.participle_clause(text, group)
            if subject is None or clause is None:
                return None
            return clause, subject, "reported"
        return self._said(text, group)

    def participle_clause(self, text: str, group: Span) -> Span | None:
        """The clause a participle frame reports ("adding that ...", "saying ..."), None for
        another frame or a participle that reports none ("warning of consequences")."""
        if self.kind != "saying":
            return None
        if self.verb != "saying" and complementizer(text[self.end : group[1]]) is None:
            return None
        return self._clause_after(text, self.end, group)

    def _according(self, text: str, group: Span) -> tuple[Span, str, str] | None:
        lead = OPENERS.sub("", text[group[0] : self.start].strip())
        tail_end = _SOURCE_END.search(text, self.end, group[1])
        source_end = tail_end.start() if tail_end else group[1]
        speaker = text[self.end : source_end].strip()
        if not speaker or len(speaker.split()) > 14:
            return None
        tail = text[source_end : group[1]].strip(" ,.")
        if not lead or (
            _JOINED_LEAD.search(lead) and len(tail.split()) >= _MIN_CLAUSE_WORDS
        ):  # "..., but, according to Hansen, the tradeoff has been accelerated warming"
            return (source_end, group[1]), speaker, "according_to"
        if _interjected(text, group, self.start, source_end):
            return group, speaker, "according_to"
        return (group[0], self.start), speaker, "according_to"

    def _cited(self, text: str, group: Span) -> tuple[Span, str, str] | None:
        speaker = self._cited_speaker(text, group)
        as_saying = _AS_SAYING.search(text, self.end, group[1])
        if speaker is None or as_saying is None:
            return None
        statement = self._clause_after(text, as_saying.end(), group)
        if len(text[statement[0] : statement[1]].split()) >= _MIN_CLAUSE_WORDS:
            return statement, speaker, "reported"
        comma = text.rfind(",", group[0], self.start)
        return ((group[0], comma), speaker, "reported") if comma > group[0] else None

    def _clause_after(self, text: str, position: int, group: Span) -> Span:
        after = text[position : group[1]]
        modifiers = _MODIFIERS.match(after)
        skip = modifiers.end() if modifiers else 0
        that = complementizer(after)
        if that is not None:
            return position + that.end(), group[1]
        return position + skip, group[1]

    def _said(self, text: str, group: Span) -> tuple[Span, str, str] | None:
        if self.verb in _QUOTE_ONLY:
            return None
        inverted = self._said_inverted(text, group)
        if inverted is not None:
            return inverted
        after = text[self.end : group[1]]
        approximate = _APPROXIMATE.match(after)  # "says about 9,000 vehicles a day crossed"
        modifiers = None if approximate else _MODIFIERS.match(after)
        rest = after[modifiers.end() if modifiers else 0 :]
        that = complementizer(after)
        first_after = after.split()[0].casefold() if after.split() and not approximate else ""
        clause_follows = that is not None or (
            len(rest.split()) >= _MIN_CLAUSE_WORDS
            and not rest.lstrip().startswith(",")
            and not after.lstrip().startswith(",")  # "X has said, in a move that ..."
            and first_after not in NOT_CLAUSE_START  # "reported in a long feature on ..."
        )
        if not clause_follows:  # "STATEMENT, SPEAKER said (on Tuesday)(, ...)"
            return self._said_after_statement(text, group)
        speaker = speaker_before(text, group[0], self) or self._joined_subject(text, group)
        if speaker is None:
            return None
        if self.verb in _NEEDS_THAT and that is None:
            return None  # "Li hopes to ...": no statement; "Li hopes that ...": one
        if self.verb in _FINDING and (
            that is None or speaker.split()[-1].casefold() not in FINDING_SUBJECTS
        ):
            return None  # "Police found the car": no claim; "The study found that ...": one
        if that is not None:
            return (self.end + that.end(), group[1]), speaker, "reported"
        if self.verb not in _BARE_CLAUSE_VERBS:
            return None
        start = self.end + (modifiers.end() if modifiers else 0)
        if self.verb in _TAKES_OBJECT:
            clause = _CLAUSE_START.search(text, start + 1, group[1])
            if clause is None:
                return None
            start = clause.end()
        first_word = text[start : start + 20].split()[:1]
        if not first_word or (
            first_word[0].casefold() in NOT_CLAUSE_START and not _APPROXIMATE.match(text, start)
        ):
            return None
        return (start, group[1]), speaker, "reported"

    def _joined_subject(self, text: str, group: Span) -> str | None:
        """The speaker of a frame that needs one from elsewhere in its sentence: "Van Der
        Beek touched upon the idea and noted there should be ..." (the sentence's subject),
        "retailers that said they raised prices" (the noun before "that")."""
        before = text[group[0] : self.start]
        if re.search(r"\band\s+(?:also\s+)?$", before):
            return self._subject(text, group)
        relative = _RELATIVE_END.search(before)
        if relative and relative.group(1).casefold() in ROLE_NOUNS:
            return relative.group(1)
        return None

    def _said_inverted(self, text: str, group: Span) -> tuple[Span, str, str] | None:
        """``STATEMENT, said X`` (or, with a short lead, ``This system, says X, ... helps``)."""
        lead = text[group[0] : self.start].rstrip()
        if not lead.endswith(",") or WHO.match(OPENERS.sub("", lead.strip())):
            return None  # "Montell Figgins, who represents Thomas, said his client ..."
        speaker = speaker_after(text, self, group[1])
        if speaker is None:
            return None
        before = speaker_before(text, group[0], self)
        if (
            before is not None
            and not speaker[:1].isupper()
            and OPENERS.sub("", lead.strip(" ,")).endswith(before)
            and not _MAIN_VERB.search(f" {before}")
        ):
            return None  # "The opposition leader, Mara Lind, said the interview ...": the
            # lead is the speaker, and what follows the verb is the statement
        comma = group[0] + len(lead) - 1
        if len(text[group[0] : comma].split()) < _SHORT_LEAD_WORDS:
            return group, speaker, "reported"
        return (group[0], comma), speaker, "reported"

    def _said_after_statement(self, text: str, group: Span) -> tuple[Span, str, str] | None:
        position = self.start
        while True:
            comma = text.rfind(",", group[0], position)
            if comma <= group[0]:
                return None
            speaker = speaker_before(text, comma + 1, self)
            if speaker is not None:
                earlier = text.rfind(",", group[0], comma)
                if earlier > group[0] and _role_phrase(text[earlier + 1 : comma]):
                    wider = speaker_before(text, earlier + 1, self)
                    if wider is not None and wider.endswith(speaker):
                        comma, speaker = earlier, wider  # "..., the minister, Irena Kovalt,"
                statement_end = comma
                who = text.rfind(",", group[0], comma)
                if re.match(r",\s+(?:who|which|whose)\b", text[comma : comma + 10]) and who > 0:
                    statement_end = who
                if _interjected(text, group, statement_end, self.end):
                    return group, speaker, "reported"
                return (group[0], statement_end), speaker, "reported"
            position = comma


def find_frames(text: str, group: Span, quotes: list[Quote]) -> list[Frame]:
    """Reporting frames of a sentence group, outside its quotations, in order."""
    frames: list[Frame] = []
    for match in _FRAME.finditer(text, group[0], group[1]):
        if any(q.mark_start <= match.start() < q.mark_end for q in quotes):
            continue
        if match.group("verb"):
            before = text[max(group[0], match.start() - 20) : match.start()]
            if (
                _PASSIVE_BEFORE.search(before)
                or _ADJECTIVE_BEFORE.search(before)
                or _BY_AFTER.match(text, match.end())
            ):
                continue  # "was reported", "revealed by", "Epstein's alleged": no speaker
            frames.append(Frame(match.start(), match.end(), "verb", match.group("verb")))
        elif match.group("according"):
            frames.append(Frame(match.start(), match.end(), "according", "according to"))
        elif match.group("saying"):
            frames.append(Frame(match.start(), match.end(), "saying", "saying"))
        else:
            frames.append(Frame(match.start(), match.end(), "cited", match.group("cited")))
    return frames
