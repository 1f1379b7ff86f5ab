"""Text normalisation for FAQ matching: Slack markup, unicode, contractions, tokens, stems.

Pure functions, no state beyond memo caches. The matcher indexes and queries through the
same functions, so whatever is done here is done symmetrically to both sides.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Slack wraps mentions, channels and links in angle brackets. A mention or a broadcast
# (`<@U123>`, `<!here>`, `<!subteam^S1|@team>`) says who is addressed, never what is asked.
_SLACK_MENTION = re.compile(r"<[@!][^>]*>")
# Channel references name a place, not a question topic: drop them whole.
_SLACK_CHANNEL = re.compile(r"<#[^>]*>")
# Links keep their human label (`<http://x|our wiki>` -> "our wiki"); a bare URL is noise.
_SLACK_LINK = re.compile(r"<(?:https?|mailto|tel):[^>|]*(?:\|([^>]*))?>")
# `:smile:`, `:+1:`, `:skin-tone-2:`. The lookahead wants a letter or '+' so that clock times
# such as "10:30:00" survive.
_EMOJI = re.compile(r":(?=[a-z0-9_+\-']*[a-z+])[a-z0-9_+\-']+:", re.IGNORECASE)

# Contractions, with and without the apostrophe (chat text often drops it). Expanding them
# lets "don't" match "do not"; the stop-word list then decides what survives.
_CONTRACTIONS: dict[str, str] = {
    "can't": "can not",
    "cant": "can not",
    "cannot": "can not",
    "won't": "will not",
    "wont": "will not",
    "shan't": "shall not",
    "ain't": "is not",
    "let's": "let us",
    "i'm": "i am",
    "im": "i am",
    "ive": "i have",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "wouldnt": "would not",
    "whats": "what is",
    "wheres": "where is",
    "hows": "how is",
    "whos": "who is",
    "thats": "that is",
    "theres": "there is",
    "youre": "you are",
    "theyre": "they are",
}
_SUFFIX_CONTRACTIONS: tuple[tuple[str, str], ...] = (
    ("n't", " not"),
    ("'re", " are"),
    ("'m", " am"),
    ("'ll", " will"),
    ("'ve", " have"),
    ("'d", " would"),
    ("'s", ""),
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LONG_NUMBER = re.compile(r"^[0-9]{3,}$")

# Function words that carry no topic. Deliberately small: negations ("not", "no") and
# question words that separate intents ("when", "where", "why") are kept, because
# "points not updated" and "where is my order" must not collapse onto their positives.
_STOP_WORDS_TEXT = """
    a about above after again all am an and any are as at be because been before being
    below between both but by could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his i if in into is it its
    itself just me more most my myself nor of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what
    which while who whom will with would you your yours yourself yourselves us can may might
    shall must also please pls plz kindly ok okay u ur ya yeah yes dear sir madam mam
    tell know want need like get
    """
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

_STEMMER = snowballstemmer.stemmer("english")


def strip_slack_markup(text: str) -> str:
    """Remove Slack mentions, channel refs and emoji; replace links by their label."""
    text = _SLACK_MENTION.sub(" ", text)
    text = _SLACK_CHANNEL.sub(" ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    # Slack escapes these three in message text; decode after the markup is gone.
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _EMOJI.sub(" ", text)


def fold_unicode(text: str) -> str:
    """NFKC-fold, casefold, and drop accents so "Café" and "cafe" index alike."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _expand(token: str) -> list[str]:
    if token in _CONTRACTIONS:
        return _CONTRACTIONS[token].split()
    for suffix, replacement in _SUFFIX_CONTRACTIONS:
        if token.endswith(suffix):
            head = token[: -len(suffix)]
            if suffix == "n't":
                head = {"ca": "can", "wo": "will", "sha": "shall"}.get(head, head)
            return [head, *replacement.split()] if head else replacement.split()
    return [token.replace("'", "")]


def _shape(token: str) -> str:
    # Order numbers, pin codes and phone numbers never repeat between a phrasing and a
    # question; their length does ("my 6-digit pin code"), so index the shape instead.
    if _LONG_NUMBER.match(token):
        return f"num{len(token)}"
    return token


def tokens(text: str) -> list[str]:
    """All word tokens of a message after markup removal, folding and contraction expansion."""
    folded = fold_unicode(strip_slack_markup(text))
    out: list[str] = []
    for raw in _WORD.findall(folded):
        out.extend(_shape(t) for t in _expand(raw) if t)
    return out


def content_tokens(text: str) -> list[str]:
    """Tokens that carry topic: `tokens` without stop words (unstemmed)."""
    return [t for t in tokens(text) if t not in STOP_WORDS]


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Snowball English stem, memoised: the same few thousand words recur in every query."""
    return str(_STEMMER.stemWord(token))


def content_stems(text: str) -> list[str]:
    return [stem(t) for t in content_tokens(text)]
