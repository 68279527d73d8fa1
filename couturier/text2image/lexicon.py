"""Words the catalogue never uses, read through WordNet: "crimson" is a red, "frock" a dress,
"billfold" a wallet, "gentlemen" are men; and a British or American word WordNet lacks through its
definition (glossary.py): "trainers" are athletic shoes.

A sentence encoder places a rare word by the company it keeps, so "crimson frock for ladies"
lands nearer lipstick than red dresses (benchmarks/grounding.py). WordNet (Princeton, 117,000 synsets)
states the relation outright: a word's synsets, their hypernyms, and an adjective satellite's
head ("jet-black" is similar to "black"). A `Lexicon` says which look values a prompt's words
name that way, and how directly; `couturier.text2image.grounding` adds that to its reading.

The data are Debian's `wordnet-base` (/usr/share/wordnet, the WNDB files; `COUTURIER_WORDNET`
points elsewhere). Without them prompts are read without a lexicon, as before.

The WNDB reader is written here: nltk's reader only opens its own data folders (which it
downloads) and wants a `lexnames` file that Debian does not ship; `wn` reads only its own
database format. The format (wndb(5)) is one synset per line, parsed in a few lines.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from couturier.errors import TextEncoderError
from couturier.text2image.glossary import definitions, naming_parts, trade_terms
from couturier.text2image.wording import asides

DEFAULT_ROOT = Path("/usr/share/wordnet")  # Debian's wordnet-base
PARTS = {"noun": "n", "adj": "a"}  # colours are nouns and adjectives; garments and people nouns
HYPERNYMS = ("@", "@i")
SIMILAR = "&"  # an adjective satellite's head ("jet-black" -> "black")
# WordNet's detachment rules (morphy(7WN)): plural nouns and comparative adjectives to lemmas
SUFFIXES = {"n": (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
                  ("ies", "y"), ("s", "")),
            "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e"))}
ADJECTIVES = 0  # lexicographer file adj.all: every adjective, colours among them
DEPTH = 2  # hypernym steps from a prompt's word: "stiletto heel" -> heel (1), "crimson" (a noun) -> red (1)
DECAY = 0.5  # a value named through one more step counts this much less
VALUE_DEPTH = 1  # a value's own hypernym steps: Handbags -> bag
HEAD_SHARE = 0.5  # "oxford" -> shoe names each of Casual, Formal and Sports Shoes half as strongly
# What a catalogue's articles are: a sense whose hypernyms reach one of these is worn or carried.
# Articles are read in these senses only, so the dental "jacket crown" sense of "cap" does not make
# every jacket a cap, nor the electrical "jumper" a connector.
DOMAIN = frozenset({"clothing", "clothes", "garment", "apparel", "footwear", "footgear", "shoe", "bag", "jewelry",
                    "jewellery", "adornment", "headdress", "headgear", "timepiece", "glasses", "cosmetic",
                    "toiletry", "accessory", "undergarment", "underwear", "hosiery", "neckwear", "handwear"})
DOMAIN_DEPTH = 8  # hypernym steps searched for DOMAIN
# "a seven year old boy": the age's "old" goes with "year", never with the noun after it (WordNet's
# "old boy" is a grown man, an alumnus)
AGES = frozenset(f"{unit}_old" for unit in ("year", "years", "yr", "yrs", "month", "months", "week", "weeks"))
DOMAIN_COLUMNS = ("articleType",)
CLAUSES = frozenset({"for", "with", "without", "who", "that", "which", "to", "in", "from", "by", "and", "or"})
COLOUR_COLUMNS = ("baseColour",)  # a word that names one of these fully is read as no article


@dataclass(frozen=True)
class Synset:
    words: tuple[str, ...]
    lexfile: int  # the lexicographer file: noun.artifact, noun.attribute, noun.person, adj.all, ...
    satellite: bool
    links: tuple[tuple[str, tuple[str, str]], ...]  # hypernyms and similar: (symbol, (part of speech, offset))


class WordNet:
    """Nouns and adjectives of a WNDB folder: lemma -> synsets (commonest sense first)."""

    def __init__(self, root: Path):
        self.index: dict[str, list[tuple[str, str]]] = {}
        self.synsets: dict[tuple[str, str], Synset] = {}
        self.exceptions: dict[str, list[str]] = {}
        self._worn: dict[tuple[str, str], bool] = {}
        for name, part in PARTS.items():
            for fields in _entries(root / f"index.{name}"):
                count = int(fields[2])
                # one spelling for hyphens and spaces ("t-shirt" is filed with its hyphen), as lemmas() asks
                lemma = fields[0].replace("-", "_")
                self.index.setdefault(lemma, []).extend((part, offset) for offset in fields[-count:])
            for fields in _entries(root / f"data.{name}"):
                self.synsets[(part, fields[0])] = _synset(fields)
            for fields in _entries(root / f"{name}.exc"):
                forms = [field.replace("-", "_") for field in fields]
                self.exceptions.setdefault(forms[0], []).extend(forms[1:])

    def lemmas(self, word: str) -> list[str]:
        """The WordNet lemmas a word can be: itself, an irregular form's base, or a regular one's."""
        word = word.lower().replace(" ", "_").replace("-", "_")
        found = [word] if word in self.index else []
        found += [base for base in self.exceptions.get(word, []) if base in self.index]
        for rules in SUFFIXES.values():
            found += [word[: len(word) - len(ending)] + base for ending, base in rules
                      if word.endswith(ending) and word[: len(word) - len(ending)] + base in self.index]
        return list(dict.fromkeys(found))

    def senses(self, word: str) -> list[tuple[str, str]]:
        return list(dict.fromkeys(key for lemma in self.lemmas(word) for key in self.index[lemma]))

    def related(self, word: str, lexfiles: frozenset[int], depth: int = DEPTH, domain: bool = False) -> dict[str, int]:
        """Words for what `word` means, each with the steps it took: its synonyms (0), their
        hypernyms (1, 2, ...), an adjective satellite's head (1). Only senses in `lexfiles`; with
        `domain`, only those that are worn or carried (DOMAIN) where the word has any ("billfold", a
        case, keeps its one sense)."""
        senses = [key for key in self.senses(word) if self.synsets[key].lexfile in lexfiles]
        if domain and any(self.worn(key) for key in senses):
            senses = [key for key in senses if self.worn(key)]
        hops = {key: 0 for key in senses}
        frontier = list(hops)
        for hop in range(1, depth + 1):
            reached = []
            for key in frontier:
                synset = self.synsets[key]
                for symbol, target in synset.links:
                    similar = symbol == SIMILAR and synset.satellite and hop == 1
                    if (symbol in HYPERNYMS or similar) and target in self.synsets and target not in hops:
                        hops[target] = hop
                        reached.append(target)
            frontier = reached
        words: dict[str, int] = {}
        for key, hop in hops.items():
            for name in self.synsets[key].words:
                words[squash(name)] = min(words.get(squash(name), hop), hop)
        return words

    def worn(self, key: tuple[str, str]) -> bool:
        """Whether a sense's hypernyms reach DOMAIN (within DOMAIN_DEPTH steps)."""
        if key not in self._worn:
            seen, frontier = {key}, [key]
            for _ in range(DOMAIN_DEPTH):
                frontier = [t for k in frontier for symbol, t in self.synsets[k].links
                            if symbol in HYPERNYMS and t in self.synsets and t not in seen]
                seen.update(frontier)
            self._worn[key] = any(squash(w) in DOMAIN for k in seen for w in self.synsets[k].words)
        return self._worn[key]


def _entries(path: Path):
    """The fields of each line of a WNDB file; licence lines start with a space."""
    with path.open(encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith(" "):
                yield line.split(" | ", 1)[0].split()


def _synset(fields: list[str]) -> Synset:
    count = int(fields[3], 16)
    words = tuple(re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).lower() for i in range(count))
    at = 4 + 2 * count
    links = []
    for k in range(int(fields[at])):
        symbol, offset, part = fields[at + 1 + 4 * k: at + 4 + 4 * k]
        if symbol in HYPERNYMS or symbol == SIMILAR:  # the only links a reading follows
            links.append((symbol, ("a" if part == "s" else part, offset)))
    return Synset(words, int(fields[1]), fields[2] == "s", tuple(links))


def squash(words: str) -> str:
    """One spelling per name: "T-shirt", "tee_shirt" -> "tshirt", "teeshirt"; "Navy Blue" -> "navyblue"."""
    return re.sub(r"[^a-z]", "", words.lower())


@lru_cache(maxsize=2)
def _load(root: str) -> WordNet:
    try:
        return WordNet(Path(root))
    except (OSError, ValueError, IndexError) as exc:
        raise TextEncoderError(f"WordNet in {root} is damaged ({type(exc).__name__}: {exc}); reinstall "
                               "wordnet-base, or point COUTURIER_WORDNET at a whole WNDB folder",
                               field="COUTURIER_WORDNET") from exc


def load_wordnet() -> WordNet | None:
    """WordNet from $COUTURIER_WORDNET or Debian's folder, read once per process; None when
    Debian's is not installed. A COUTURIER_WORDNET without WordNet in it is an error."""
    chosen = os.environ.get("COUTURIER_WORDNET")
    root = Path(chosen or DEFAULT_ROOT)
    if not (root / "data.noun").is_file():
        if chosen:
            raise TextEncoderError(f"COUTURIER_WORDNET is {chosen}, which holds no WordNet (data.noun); point it "
                                   "at a WNDB folder or unset it", field="COUTURIER_WORDNET")
        return None
    return _load(str(root))


class Lexicon:
    """Which of a catalogue's look values a prompt's words name, through WordNet.

    A word names a value when the two meet in WordNet: the word's synonyms and hypernyms (DEPTH
    steps) against the value's own and its hypernyms (VALUE_DEPTH), so "tote" (a bag) names
    Handbags (a bag) as well as "purse" (a handbag) does, less strongly. The strength falls by
    DECAY per step; a meeting on the value's head noun alone ("shoe" for Sports Shoes) counts
    HEAD_SHARE of that. On the development synonyms (tests/text2image/synonyms.py) grounding with it read
    0.63 of looks right against 0.44 without it; the constants were chosen there.
    """

    def __init__(self, wordnet: WordNet, values: dict[str, list[str]]):
        self.wordnet = wordnet
        # A column's senses are those of its values' commonest senses (colours: noun.attribute;
        # articles: noun.artifact; genders: noun.person; adjectives always), so "navy" is a colour
        # to the colour column and its fleet names nothing.
        self.lexfiles = {column: self._lexfiles(names) for column, names in values.items()}
        self.heads = {column: {value: self._head(value) for value in names} for column, names in values.items()}
        self.value_words = {column: {value: self._value_words(column, value) for value in names}
                            for column, names in values.items()}
        self.glossary = definitions()  # glossary.py: the words of one English that WordNet lacks
        self.trade = trade_terms()  # and the fashion trade's, whose meaning wins over WordNet's

    def _head(self, value: str) -> str:
        """The value's head noun, singular: "Sports Shoes" -> "shoe"; "Tshirts" -> "tshirt"."""
        last = value.lower().split()[-1]
        return squash(next(iter(self.wordnet.lemmas(last)), last.rstrip("s")))

    def _value_words(self, column: str, value: str) -> dict[str, float]:
        """Words that name the value, each with its weight: itself 1, its synonyms and hypernyms
        DECAY per step; HEAD_SHARE of that when they come from the head noun of a longer name."""
        words = value.lower().split()
        name = "_".join(words)
        whole = name if self.wordnet.lemmas(name) or len(words) == 1 else None
        share = 1.0 if whole else HEAD_SHARE
        related = self.wordnet.related(whole or words[-1], self.lexfiles[column], VALUE_DEPTH,
                                       domain=column in DOMAIN_COLUMNS)
        found = {word: share * DECAY ** hop for word, hop in related.items()}
        found.setdefault(self.heads[column][value], share)
        found[squash(" ".join(words[:-1]) + self.heads[column][value])] = 1.0
        return found

    def _lexfiles(self, values: list[str]) -> frozenset[int]:
        """Adjectives, and the lexicographer file most of the values' commonest noun senses are in."""
        firsts = Counter()
        for value in values:
            nouns = [key for key in self.wordnet.senses(value) or self.wordnet.senses(value.split()[-1])
                     if key[0] == "n"]
            if nouns:
                firsts[self.wordnet.synsets[nouns[0]].lexfile] += 1
        return frozenset({ADJECTIVES, *(lexfile for lexfile, _ in firsts.most_common(1))})

    def phrases(self, prompt: str) -> list[str]:
        """The prompt's words, with a pair WordNet knows as one name taken as one ("tee shirt",
        "dress shoes", "navy blue"): a compound names one thing, not each of its words."""
        tokens = re.findall(r"[a-z]+(?:-[a-z]+)*", prompt.lower())
        phrases, i = [], 0
        while i < len(tokens):
            pair = f"{tokens[i]}_{tokens[i + 1]}" if i + 1 < len(tokens) else ""
            known = pair and (self.wordnet.lemmas(pair) or pair.replace("_", " ") in self.glossary)
            taken = 2 if known or pair in AGES else 1
            phrases.append(pair if taken == 2 else tokens[i])
            i += taken
        return phrases

    def is_worn(self, phrase: str, column: str) -> bool:
        """Whether a phrase has a sense in the column's lexicographer files that is worn or carried."""
        return any(self.wordnet.synsets[key].lexfile in self.lexfiles[column] and self.wordnet.worn(key)
                   for key in self.wordnet.senses(phrase))

    def glossed(self, prompt: str) -> str:
        """The prompt with what its glossary words mean beside them, for the sentence encoder:
        "trainers" -> "trainers (sports shoes, sneakers)"; only definitions that name worn things,
        only for words with no worn sense of their own, unless the trade names the thing so."""
        column = DOMAIN_COLUMNS[0]
        if column not in self.value_words:
            return prompt
        phrases = self.phrases(prompt)
        for i, phrase in enumerate(phrases):
            trade = self.trade_term(phrases, i)
            if self._term(phrase) in self.trade and not trade:
                continue  # it describes the garment named next ("a puffer jacket")
            parts = [part for part in self._definitions(phrase) if trade or any(self.is_worn(word, column)
                                                                                for word in self.phrases(part))]
            if parts and (trade or not self.is_worn(phrase, column)):
                said = re.search(r"\b" + r"[\s-]+".join(re.split(r"[_-]", phrase)) + r"\b", prompt, re.IGNORECASE)
                if said:
                    prompt = f"{prompt[:said.end()]} ({', '.join(parts)}){prompt[said.end():]}"
        return prompt

    def trade_term(self, phrases: list[str], i: int) -> bool:
        """Whether phrase i is the trade's name for the thing: a trade term, unless a garment word after
        it, in the same name, names the thing and the term describes it ("a puffer jacket", "U.S. Polo
        Assn. blue shirt", "bikini briefs"), or the term says what a garment is for ("shorts for
        runners"); a garment word in a clause after the name ("with shirt buttons", "for a school
        uniform") names nothing, nor does one before the term ("denim cut-offs": a material)."""
        if self._term(phrases[i]) not in self.trade:
            return False
        column = DOMAIN_COLUMNS[0]
        aside = asides(phrases)
        # the garment's own name ends where a clause about it starts ("for a boy's school uniform")
        end = next((j for j in range(i + 1, len(phrases)) if phrases[j] in CLAUSES), len(phrases))
        garments = {j for j in range(i + 1, end) if self.is_worn(phrases[j], column)
                    and self._term(phrases[j]) not in self.trade}
        named = {j for j, phrase in enumerate(phrases) if j != i and j not in aside
                 and (self.is_worn(phrase, column) or self._term(phrase) in self.trade)}
        return not garments and not (i in aside and named)

    def _term(self, phrase: str) -> str | None:
        """The glossary's entry for a phrase (plurals to their singular), or None."""
        term = phrase.replace("_", " ")
        return next((t for t in (term, term.removesuffix("s"), term.removesuffix("es")) if t in self.glossary), None)

    def _definitions(self, phrase: str) -> list[str]:
        term = self._term(phrase)
        return [part for text in (self.glossary[term] if term else ()) for part in naming_parts(text)]

    def defined(self, phrase: str, column: str) -> dict[str, int]:
        """What a phrase with no worn sense names through its definitions (glossary.py), one step
        further than its definitions' worn words do; empty when the glossary lacks it."""
        steps: dict[str, int] = {}
        for part in self._definitions(phrase):
            for name in part.split(",") if self._term(phrase) in self.trade else ():
                # the trade's meaning is said in shop words: a value's own name ("track pants") is that value
                words = name.split()
                head = next(iter(self.wordnet.lemmas(words[-1])), words[-1].removesuffix("s")) if words else ""
                steps[squash(" ".join(words[:-1]) + squash(head))] = 0
            for word in self.phrases(part):
                if self.is_worn(word, column):
                    for found, hop in self.wordnet.related(word, self.lexfiles[column], domain=True).items():
                        steps[found] = min(steps.get(found, hop + 1), hop + 1)
        return steps

    def named(self, prompt: str) -> dict[str, dict[str, float]]:
        """Per column, the values the prompt's words name, each with its strength (at most 1). A
        colour word is no article: "white trainers" are not whites (flannel trousers); nor is what
        the garment is for or lacks, where another word names the garment ("a belt for trousers")."""
        phrases = self.phrases(prompt)
        trade = {phrase for i, phrase in enumerate(phrases) if self.trade_term(phrases, i)}
        meant = {(phrase, column): self._steps(phrase, column, phrase in trade)
                 for phrase in phrases for column in self.value_words}
        colours = {p for p in phrases for c in COLOUR_COLUMNS if c in self.value_words
                   and max(self._strengths(meant[p, c], c).values(), default=0.0) >= 1.0}
        aside = asides(phrases)
        named = {}
        for column in self.value_words:
            skipped: set[int] = set()
            if column in DOMAIN_COLUMNS:
                skipped = {i for i, phrase in enumerate(phrases) if phrase in colours}
                naming = {i for i, phrase in enumerate(phrases) if meant[phrase, column]} - skipped
                skipped |= aside if naming - aside else set()
            steps: dict[str, int] = {}
            for i, phrase in enumerate(phrases):
                if i in skipped:
                    continue
                for word, hop in meant[phrase, column].items():
                    steps[word] = min(steps.get(word, hop), hop)
            named[column] = self._strengths(steps, column)
        return named

    def _steps(self, phrase: str, column: str, trade: bool = False) -> dict[str, int]:
        """The words a phrase means in a column's senses, with their steps (`WordNet.related`); a
        phrase with no worn sense, or a `trade` term, is read through its glossary definitions."""
        domain = column in DOMAIN_COLUMNS
        describing = self._term(phrase) in self.trade and not trade  # a trade term describing another garment
        defined = self.defined(phrase, column) if domain and not describing and (
            trade or not self.is_worn(phrase, column)) else {}
        return defined or self.wordnet.related(phrase, self.lexfiles[column], domain=domain)

    def _strengths(self, steps: dict[str, int], column: str) -> dict[str, float]:
        strengths = {}
        for value, words in self.value_words[column].items():
            meetings = [weight * DECAY ** steps[word] for word, weight in words.items() if word in steps]
            if meetings:
                strengths[value] = max(meetings)
        return strengths
