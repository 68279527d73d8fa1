"""Words of one country's English that WordNet lacks, read through their definitions: British
"trainers" are "training shoes, athletic shoes", American "cleats" are "athletic shoes with
studded soles", British "wellies" are "Wellington boots".

WordNet 3.0 is American and from 2006: its "trainer" is a coach and a flight simulator, and it has
no "wellies", "bum bag" or "kecks", so a shopper's "trainers as dark as coal" names no article and
the sentence encoder guesses (a belt). breame (Apache-2.0, pure Python) ships the tables Wikipedia keeps of terms used
in one English only, each with its definition.
The fashion trade's own words (fashion_terms.tsv: "kicks", "trackies", "henley", "bum bag") are
in neither: written here by hand, each with its meaning in shop words, because no packaged
thesaurus holds a trade's slang. A `Lexicon` reads a definition's words as it reads a prompt's, one
step weaker, for a term with no worn sense of its own (a trade term always: its trade sense is the
one a shopper means), and `PromptGrounder` says the term to the sentence encoder with its
definition beside it.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from couturier.errors import TextEncoderError

TRADE_TERMS = Path(__file__).with_name("fashion_terms.tsv")

# Definitions are prose: "(UK: vest, q.v.)" and "US:" name the other country's word, which a
# reading should follow; "e.g." inside a clause lists kinds ("footwear, e.g. sandals") and is kept,
# but a sentence that starts with it shows the word in use ("e.g. Terry is a top bloke": no top).
LABELS = re.compile(r"\b(?:uk|us|usu|esp|q\.v|e\.g|i\.e|cf|n|v|pl|also|similar)\b\.?:?", re.IGNORECASE)
EXAMPLE_OF_USE = re.compile(r"(?:^|(?<=[.;]))\s*e\.g\.[^.;]*", re.IGNORECASE)


def trade_terms() -> dict[str, str]:
    """The fashion trade's terms (lower case, words spaced) -> their meaning in shop words: the
    built-in table, then a brand's own (COUTURIER_TRADE_TERMS: TSV files, os.pathsep between them)."""
    return _trade_terms(os.environ.get("COUTURIER_TRADE_TERMS", ""))


@lru_cache(maxsize=4)
def _trade_terms(own: str) -> dict[str, str]:
    found = {}
    for path in [TRADE_TERMS, *(Path(p) for p in own.split(os.pathsep) if p)]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise TextEncoderError(f"COUTURIER_TRADE_TERMS names {path}, which cannot be read ({type(exc).__name__}); "
                                   "point it at a UTF-8 TSV of term<TAB>meaning lines", field="COUTURIER_TRADE_TERMS")
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.startswith("#"):
                term, tab, meaning = line.partition("\t")
                if not (tab and term.strip() and meaning.strip()):
                    raise TextEncoderError(f"{path} line {number} is not term<TAB>meaning: {line[:60]!r}; write the "
                                           "term, a tab, then what it is in shop words", field="COUTURIER_TRADE_TERMS")
                found[" ".join(term.lower().split())] = meaning.strip()  # hyphens kept, as a prompt's words keep them
    return found


def definitions() -> dict[str, tuple[str, ...]]:
    """Term (lower case, words spaced) -> its definitions: the trade's terms (their meaning wins),
    and breame's where the `text` extra is installed."""
    return {**_one_english(), **{term: (meaning,) for term, meaning in trade_terms().items()}}


@lru_cache(maxsize=1)
def _one_english() -> dict[str, tuple[str, ...]]:
    """breame's terms; empty without it. Only the terms of one English: breame's table of words whose
    meaning differs holds everyday words ("shade", "boot") whose every sense it lists, and WordNet
    already has their worn ones."""
    try:
        from breame.data.american_terms_constants import AMERICAN_ENGLISH_ONLY_TERMS
        from breame.data.british_terms_constants import BRITISH_ENGLISH_ONLY_TERMS
    except ImportError:
        return {}
    found: dict[str, list[str]] = {}
    for table in (BRITISH_ENGLISH_ONLY_TERMS, AMERICAN_ENGLISH_ONLY_TERMS):
        for term, text in table.items():
            if isinstance(text, str):
                found.setdefault(_term(term), []).append(text)
    return {term: tuple(texts) for term, texts in found.items() if term}


def _term(term: str) -> str:
    return " ".join(re.findall(r"[a-z]+", term.lower()))


def _clean(text: str) -> str:
    return " ".join(LABELS.sub(" ", EXAMPLE_OF_USE.sub(" ", text)).split())


# Where a definition stops naming the thing and starts describing it: "a bag | worn on a strap",
# "athletic shoes | with studded soles", "underpants (also briefs) | of poor quality".
DESCRIBING = frozenset({"worn", "used", "named", "that", "which", "who", "with", "for", "of", "from", "to", "in",
                        "on", "at", "by", "made", "if", "when", "where", "as", "usually", "typically", "often"})
KIND = re.compile(r"\b(?:a |an )?(?:type|kind|form|sort|piece|pair|style)s? of\b", re.IGNORECASE)


def naming_parts(definition: str) -> list[str]:
    """The parts of a definition that name what it defines: each clause up to where it starts
    describing, and each parenthesis (the other country's word) the same way; "a type of" dropped."""
    definition = KIND.sub(" ", _clean(definition))
    asides = re.findall(r"\(([^)]*)\)", definition)
    clauses = re.split(r"[;.]", re.sub(r"\([^)]*\)", " ", definition)) + asides
    parts = []
    for clause in clauses:
        kept = []
        for word in re.findall(r"[A-Za-z'-]+|,", clause):
            if word.lower() in DESCRIBING:
                break
            kept.append(word)
        part = " ".join(kept).replace(" ,", ",").strip(" ,")
        if part:
            parts.append(part)
    return parts
