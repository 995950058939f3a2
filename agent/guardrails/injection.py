"""Prompt-injection detection for untrusted Odoo text (OWASP LLM01).

Scoring, not a single regex: each rule belongs to a category with a weight, the
weights of distinct rules add up per category, and some categories are capped
BELOW the threshold. Requests a customer may legitimately write ("please change
the priority", "assign it to Anna", hidden e-mail preheaders, a pasted link) are
capped at 0.6, so they only become a hit together with an "accomplice" signal:
addressing an AI, overriding rules, role spoofing, hidden or encoded text. Phrases
with no business use ("ignore previous instructions", "<|im_start|>", "reveal your
system prompt") score the threshold on their own.

Text is normalised first (NFKC, zero-width and bidi characters removed, common
Cyrillic/Greek homoglyphs mapped to Latin, accents stripped, case folded), HTML is
walked to surface comments and CSS-hidden text, and base64 / hex / URL-encoded /
Unicode-tag payloads are decoded and scanned again.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Final
from urllib.parse import unquote

THRESHOLD: Final = 1.0
_MAX_DEPTH: Final = 2


@dataclass(frozen=True)
class RuleMatch:
    rule_id: str
    category: str
    weight: float
    explanation: str
    excerpt: str = ""


@dataclass(frozen=True)
class InjectionScan:
    hit: bool
    score: float
    matches: list[RuleMatch] = field(default_factory=list)
    decoded_payload: str | None = None

    @property
    def rule_ids(self) -> list[str]:
        return [m.rule_id for m in self.matches]

    def explain(self) -> str:
        """One line per matched rule, for logs and audits."""
        return "; ".join(f"{m.rule_id}: {m.explanation}" for m in self.matches)

    def summary(self, limit: int = 3) -> str:
        """The strongest reasons in plain words, for a note a project manager reads."""
        seen: list[str] = []
        for m in sorted(self.matches, key=lambda m: -m.weight):
            text = m.explanation.split(":")[0].strip()
            if text and text not in seen:
                seen.append(text)
        return "; ".join(seen[:limit])


@dataclass(frozen=True)
class _Rule:
    id: str
    category: str
    weight: float
    explanation: str
    pattern: re.Pattern[str]


#: Sum of a category's weights is capped here; categories not listed are uncapped.
CATEGORY_CAPS: Final[dict[str, float]] = {
    "steer": 0.6,
    "coercion": 0.6,  # business requests alone are never an attack
    "address_ai": 0.6,
    "persona": 0.6,
    "concealment": 0.6,
    "hidden_html": 0.5,
    "invisible_chars": 0.5,
    "homoglyph": 0.5,
    "link": 0.2,
    "remote_image": 1.0,
}

_AI = (
    r"(?:ai|a\.i\.|ia|ki|assistant|assistante|assistent|asistente|assistente|ai assistant|"
    r"bot|chatbot|llm|language model|ai agent|agent|model|chatgpt|gpt|copilot|claude|gemini)"
)
_QUAL = (
    r"(?:all |any |the |your |my |these |those |of the |toutes? |alle |safety |security |"
    r"content |moderation )*"
)
_PREV = r"(?:previous|prior|above|earlier|preceding|original|system|existing|former|initial)"
_RULES_NOUN = (
    r"(?:instructions?|rules|guidelines|directions|prompts?|directives|constraints|policies"
    r"|guardrails|programming)"
)


def _r(
    id_: str, category: str, weight: float, explanation: str, pattern: str, flags: int = 0
) -> _Rule:
    return _Rule(id_, category, weight, explanation, re.compile(pattern, flags))


_M = re.MULTILINE
RULES: Final[tuple[_Rule, ...]] = (
    # --- overriding the model's instructions -----------------------------------------
    _r("override.ignore", "override", 1.0, "tells the reader to ignore its instructions",
       rf"\b(?:ignore|disregard|forget|override|bypass|skip)\s+{_QUAL}(?:{_PREV}\s+)?{_RULES_NOUN}\b"),
    _r("override.forget_all", "override", 1.0, "tells the reader to forget what it was told",
       r"\b(?:forget|disregard|ignore) (?:everything|all of that|all that|anything)\b.{0,30}"
       r"\b(?:told|said|above|before|previous|instructed|prompt)|\b(?:olvida\w*|oublie\w*|"
       r"vergiss|dimentica\w*|esquec\w*|vergeet) (?:de )?(?:todo|tout|alles|tutto|tudo|alles)\b"),
    _r("steer.verdict", "steer", 0.4, "dictates the conclusion of the analysis",
       r"\b(?:report|rate|classify|mark|summari[sz]e|describe|label|flag|score)\b (?:this|the|"
       r"my|our) (?:project|ticket|task|issue|case|risk)? ?as (?:green|resolved|solved|low|"
       r"approved|on track|no risk|done|urgent|critical)\b|\balways (?:rate|set|give|mark|"
       r"classify|answer|reply)\b"),
    _r("steer.skip_review", "steer", 0.6, "asks to skip the human review",
       r"\b(?:skip|bypass|no need for|without)(?: the| any)? (?:human )?(?:review|approval|"
       r"reviewer|activity|sign-off)\b|\breviewer has already approved\b"),
    _r("exfil.link", "exfil", 0.6, "asks to add a link or image to the answer",
       r"\b(?:append|add|include|insert|render|embed)\b.{0,30}\b(?:link|url|image|pixel)\b.{0,40}"
       r"https?://|\bfollowed by the (?:ticket|task|conversation|summary|text|content)"),
    _r("persona.must_now", "persona", 0.6, "imposes a new behaviour on the reader",
       r"\b(?:you must now|you will now|you should now|tu dois maintenant|vous devez "
       r"maintenant|du musst jetzt|ahora debes|ora devi|agora voce deve|je moet nu)\b"),
    _r("address.model_message", "address_ai", 0.6, "a message addressed to the model",
       rf"\b(?:message|note|instructions?|reminder) (?:for|to) (?:the |any )?(?:\w+ )?{_AI}\b"),
    _r("override.new_instructions", "override", 0.5, "announces new instructions",
       r"\b(?:new|updated|real|actual|revised) (?:system )?instructions?\s*(?::|are\b|follow)"),
    _r("override.from_now_on", "persona", 0.6, "redefines the reader's behaviour from now on",
       r"\bfrom now on,? you (?:are|will|must|should|shall)\b"),
    _r("persona.you_are_now", "persona", 0.6, "assigns the reader a new role",
       r"\byou are now (?:a|an|the|my|in|dan|jailbroken|unrestricted|free)\b"),
    _r("persona.jailbreak", "persona", 0.6, "jailbreak vocabulary",
       r"\b(?:developer mode|jailbreak|do anything now|dan mode|god mode)\b"),
    _r("concealment.do_not_tell", "concealment", 0.6, "asks to hide something from people",
       r"\b(?:do not|don't|dont|never) (?:tell|mention|inform|reveal (?:this )?to|alert|notify)"
       r" (?:the |your )?(?:user|human|operator|reviewer|team|manager|anyone|anybody|admin"
       r"|customer|pm|project manager)s?\b|\bwithout (?:telling|informing|notifying) (?:the |a )?"
       r"(?:user|human|reviewer|manager|anyone)"),
    _r("leak.system_prompt", "leak", 1.0, "asks for the system prompt or hidden instructions",
       r"\b(?:reveal|show|print|output|repeat|display|leak|dump|share|tell me|give me|"
       r"what (?:is|are)|list)\b.{0,60}\b(?:(?:your|the) system prompt|system message|your (?:"
       r"initial |original |hidden |secret |full )?(?:instructions|prompt|rules|guidelines))"),
    _r("leak.repeat_above", "leak", 0.8, "asks to repeat the text above (prompt leak)",
       r"\brepeat (?:everything|all|the (?:text|words|content)) (?:above|before|so far)\b"),
    _r("exfil.send_data", "exfil", 0.6, "asks to send or include secrets or other records",
       r"\b(?:include|append|send|forward|leak|post|add)\b.{0,40}\b(?:api keys?|passwords?|"
       r"credentials|tokens?|secrets?|other (?:customers?|tickets|clients)'? ?(?:data|details)?"
       r"|all (?:customer|client) (?:data|emails))\b"),
    # --- role spoofing ------------------------------------------------------------------
    _r("role.chat_tokens", "role", 1.0, "contains chat-template control tokens",
       r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\|>"
       r"|\[/?inst\]|<</?sys>>"),
    _r("role.markdown_header", "role", 1.0, "a markdown header imitating a prompt section",
       r"^\s*#{2,}\s*(?:instructions?|system(?: prompt)?|response|assistant)\s*:?\s*$", _M),
    _r("role.prefix_directive", "role", 1.0, "a spoofed system/assistant turn giving orders",
       r"^\s*[\[(<]?(?:system|assistant|developer|admin)[\])>]?\s*:\s*(?:you\b|ignore|"
       r"disregard|new\b|from now|override|important|the (?:user|assistant)|set\b|change\b|"
       r"(?:re)?assign\b|close\b|post\b|call\b|move\b|mark\b|delete\b|update\b)", _M),
    _r("role.prefix", "address_ai", 0.4, "a line starting like a system/assistant turn",
       r"^\s*[\[(<]?(?:system|assistant|developer)[\])>]?\s*:", _M),
    _r("role.tags", "role", 0.8, "XML-like role tags",
       r"</?(?:system|assistant|user|instructions?)>"),
    _r("role.override_notice", "role_weak", 0.5, "a fake override or admin notice",
       r"\b(?:system|admin|administrator|security|developer) (?:override|update|notice|"
       r"instruction|command)s?\s*:|^\s*\[?(?:override|admin|root|sudo)\]?\s*:?\s*\]?", _M),
    # --- addressing an AI -------------------------------------------------------------
    _r("address.ai", "address_ai", 0.6, "addresses an AI / assistant / automated system",
       rf"\b(?:dear|hey|hi|hello|attention|note (?:to|for)|message (?:to|for)|instructions? "
       rf"(?:to|for)|cher|chere|liebe[rs]?|hallo|querido|querida|caro|cara|beste|hoi|ola)"
       rf"\s*,?\s*(?:the |an |a |l'|la |le |der |die |el |il |o |de )?{_AI}\b"),
    _r("address.if_ai", "address_ai", 0.6, "speaks to the reader as an AI",
       rf"\b(?:if you are|as an?|you are an?) {_AI}\b|\b(?:to )?(?:the|any) {_AI} "
       rf"(?:reading|processing|summari[sz]ing|triaging|analy[sz]ing)\b"),
    _r("address.ai_imperative", "address_ai", 0.6, "an order given to an AI by name",
       r"(?:^|[.!?] ?)\s*(?:ai|assistant|ai assistant|bot|llm|ai agent|ki|ia|asistente|"
       r"assistente)\s*[:,]", _M),
    # --- coercing tools / writes (legitimate on their own: capped) ------------------------
    _r("coercion.priority", "coercion", 0.4, "asks to change a priority",
       r"\b(?:set|change|raise|lower|update|bump|escalate|increase|make)\b.{0,25}\bpriority\b"
       r"|\bpriority (?:to|=)\s*(?:urgent|high|3|critical|max)"),
    _r("coercion.stage", "coercion", 0.4, "asks to change a stage or status",
       r"\b(?:change|move|set|update)\b.{0,25}\b(?:stage|status|state)\b|\b(?:mark|move) (?:it|"
       r"this|that|the)(?: ticket| task)? (?:as|to) (?:done|solved|resolved|closed|cancel+ed)\b"),
    _r("coercion.assign", "coercion", 0.4, "asks to (re)assign a record",
       r"\b(?:re)?assign (?:(?:it|this|that|the|my) )?(?:(?:ticket|task|issue|case) )?to\b"
       r"|\breassign\b"),
    _r("coercion.close", "coercion", 0.4, "asks to close a record",
       r"\bclose (?:this|the|my|that) (?:ticket|task|issue|case|project)\b"),
    _r("coercion.post", "coercion", 0.4, "asks to post a message on a record",
       r"\bpost (?:a |an |the )?(?:note|message|comment|this|following|reply)\b.{0,40}"
       r"\b(?:on|to|in)\b"),
    _r("coercion.tool", "coercion", 0.6, "asks to call a tool or function",
       r"\b(?:call|invoke|use|run|execute|trigger)\b (?:the |a )?(?:\w+ )?(?:tool|function|"
       r"api|method)\b|\bfunction[ _]call\b|\b(?:message_post|write|unlink|create)\s*\("),
    _r("coercion.write", "coercion", 0.4, "asks to modify or delete records",
       r"\b(?:delete|unlink|wipe|erase|remove|overwrite|update|write to)\b (?:all|every|the|"
       r"these|those)? ?(?:records?|tickets|tasks|projects|timesheets|fields?|database|entries)"
       r"\b"),
    # --- other languages: the core phrases --------------------------------------------
    _r("lang.fr", "override", 1.0, "French instruction override / prompt leak",
       r"\b(?:ignorez|ignorer|oubliez|oublier|oublie|ignore (?:toutes|tous|les|tes|vos)|ne "
       r"tiens? pas compte)\b.{0,30}\b(?:instructions|consignes|regles)\b|\brevele[rz]?\b.{0,25}"
       r"\b(?:prompt|invite|instructions)\b"),
    _r("lang.de", "override", 1.0, "German instruction override / prompt leak",
       r"\b(?:ignorier\w*|vergiss\w*|missachte\w*)\b.{0,30}\b(?:anweisungen|instruktionen|"
       r"regeln|vorgaben)\b|\b(?:zeig\w*|verrat\w*|gib)\b.{0,25}\bsystem-?prompt\b"),
    _r("lang.es", "override", 1.0, "Spanish instruction override / prompt leak",
       r"\b(?:ignora\w*|olvida\w*|omite)\b.{0,30}\b(?:instrucciones|reglas|indicaciones)\b"
       r"|\brevela\w*\b.{0,25}\b(?:prompt|instrucciones)\b"),
    _r("lang.it", "override", 1.0, "Italian instruction override / prompt leak",
       r"\b(?:ignora\w*|dimentica\w*)\b.{0,30}\b(?:istruzioni|regole)\b|\brivela\w*\b.{0,25}"
       r"\b(?:prompt|istruzioni)\b"),
    _r("lang.pt", "override", 1.0, "Portuguese instruction override / prompt leak",
       r"\b(?:ignore (?:todas|as|suas|tuas)|ignora\w*|esquec\w*|desconsider\w*)\b.{0,30}"
       r"\b(?:instrucoes|regras)\b"
       r"|\brevel[ea]\w*\b.{0,25}\b(?:prompt|instrucoes)\b"),
    _r("lang.nl", "override", 1.0, "Dutch instruction override / prompt leak",
       r"\b(?:negeer\w*|vergeet)\b.{0,30}\b(?:instructies|regels|aanwijzingen)\b"
       r"|\bonthul\w*\b.{0,25}\b(?:systeemprompt|prompt|instructies)\b"),
    _r("lang.persona", "persona", 0.6, "assigns a new role (fr/de/es/it/pt/nl)",
       r"\b(?:tu es|vous etes) (?:maintenant|desormais)\b|\bdu bist (?:jetzt|nun|ab sofort)\b"
       r"|\b(?:ahora eres|ora sei|adesso sei|agora voce e|agora es|je bent nu|jij bent nu)\b"),
    _r("lang.new_instructions", "override", 0.5, "announces new instructions (fr/de/es/it/pt/nl)",
       r"\b(?:nouvelles instructions|neue anweisungen|nuevas instrucciones|nuove istruzioni|"
       r"novas instrucoes|nieuwe instructies)\b"),
    _r("lang.coercion", "coercion", 0.4, "asks to change priority, stage or owner (non-English)",
       r"\b(?:change[rz]?|mets|mettez|setze\w*|ander\w*|cambia\w*|modifica\w*|alter[ea]\w*|"
       r"wijzig\w*|zet)\b.{0,30}\b(?:priorite|prioritat|prioridad|priorita|prioridade|prioriteit"
       r"|etape|stufe|etapa|fase|status)\b|\b(?:ferme[rz]?|schliess\w*|cierra\w*|chiudi\w*|"
       r"fecha\w*|sluit\w*|clotur\w*)\b.{0,20}\b(?:ticket|tache|aufgabe|tarea|compito|tarefa|taak)\b"
       r"|\b(?:assigne[rz]?|weise\w*|asigna\w*|assegna\w*|atribu\w*|wijs)\b.{0,30}\b(?:a|an|zu|"
       r"aan)\b"),
)  # fmt: skip

# Cyrillic and Greek letters that render like Latin ones (subset of Unicode confusables).
_HOMOGLYPHS: Final = str.maketrans(
    "асеорхуіјѕԁһӏвкмнтАВСЕНІЈКМОРЅТХУαβεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧɡ",
    "aceopxyijsdhlbkmhtABCEHIJKMOPSTXYabeikvoptuxABEHIKMNOPTYXg",
)
_LATIN = re.compile(r"[a-zA-Z]")
_CONFUSABLE = re.compile("[асеорхуіјѕԁһӏвкмнтАВСЕНІЈКМОРЅТХУαεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧɡ]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_TAG_CHARS = re.compile("[\U000e0000-\U000e007f]+")
_WS = re.compile(r"\s+")

_IMG_TAG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^\s\"'>]+", re.I)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?:https?:)?//[^)\s]+[^)]*\)", re.I)
_MD_LINK = re.compile(r"(?<!!)\[[^\]]+\]\(\s*https?://[^)\s]+\)", re.I)
_EXFIL_QUERY = re.compile(r"[?&][\w-]+=(?:\{|\[|%7b|\$|<|\w*(?:data|secret|key|token|prompt|"
                          r"summary|conversation|content|history|info))", re.I)  # fmt: skip

_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(r"(?:(?:\\x|0x)?[0-9a-fA-F]{2}[ :]?){12,}")
_URLENC = re.compile(r"(?:%[0-9a-fA-F]{2}[^%\s]*){3,}")


def normalise(text: str) -> str:
    """The skeleton rules match on: NFKC, invisibles out, homoglyphs mapped, no accents."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", _BIDI.sub("", text))
    text = text.translate(_HOMOGLYPHS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.casefold().replace("’", "'").replace("ß", "ss")
    lines = (_WS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*(?:[0-2](?:\.\d+)?px|0\.[0-3]?\d*em|"
    r"0(?:\.0+)?(?:pt|em|rem|%)?)"
    r"\s*(?:;|$|!)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)|(?<![-\w])color\s*:\s*(?:#f[a-f0-9]?f[a-f0-9]?f[a-f0-9]?\b"
    r"|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)|(?:max-)?height\s*:\s*0(?:px)?\s*;.*overflow"
    r"\s*:\s*hidden|clip\s*:\s*rect\(\s*0",
    re.I,
)
_BLOCK = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "pre"})
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "col"})


class _HtmlWalker(HTMLParser):
    """Collects all text, and separately text that a browser would not show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hidden: list[str] = []
        self.comments: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def _hidden_now(self) -> bool:
        return any(h for _, h in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.text.append("\n")
        if tag in _VOID:
            return
        style = " ".join(v or "" for k, v in attrs if k == "style")
        hidden = bool(_HIDDEN_STYLE.search(style)) or any(
            k == "hidden" or (k == "aria-hidden" and v == "true") for k, v in attrs
        )
        self._stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.text.append("\n")
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._hidden_now() and data.strip():
            self.hidden.append(data.strip())

    def handle_comment(self, data: str) -> None:
        body = data.strip()
        if body and not body.lower().startswith(("[if", "[endif", "<![endif")):
            self.comments.append(body)
            self.text.append("\n" + body + "\n")


def _excerpt(text: str, start: int, end: int) -> str:
    snippet = text[max(0, start - 20) : min(len(text), end + 20)].replace("\n", " ")
    return snippet if len(snippet) <= 100 else snippet[:97] + "..."


def _match_rules(skeleton: str) -> list[RuleMatch]:
    found = []
    for rule in RULES:
        m = rule.pattern.search(skeleton)
        if m:
            found.append(
                RuleMatch(
                    rule.id,
                    rule.category,
                    rule.weight,
                    rule.explanation,
                    _excerpt(skeleton, m.start(), m.end()),
                )
            )
    return found


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < 8:
        return None
    good = sum(c.isprintable() or c.isspace() for c in text)
    letters = sum(c.isalpha() for c in text)
    return text if good / len(text) >= 0.95 and letters / len(text) >= 0.5 and " " in text else None


def _decoded_candidates(text: str) -> Iterable[tuple[str, str]]:
    """(encoding, decoded text) for every chunk that decodes to readable text."""
    for m in _B64.finditer(text):
        chunk = m.group(0)
        core = chunk.rstrip("=")
        padded = core + "=" * (-len(core) % 4)
        for decoder in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = _printable(
                    decoder(padded.rstrip("=") + "=" * (-len(padded.rstrip("=")) % 4))
                )
            except (binascii.Error, ValueError):
                continue
            if decoded:
                yield "base64", decoded
                break
    for m in _HEX.finditer(text):
        digits = re.sub(r"\\x|0x|[ :]", "", m.group(0))
        if len(digits) % 2 == 0:
            decoded = _printable(bytes.fromhex(digits))
            if decoded:
                yield "hex", decoded
    if _URLENC.search(text):
        decoded_url = unquote(text)
        if decoded_url != text:
            yield "url", decoded_url
    for m in _TAG_CHARS.finditer(text):
        smuggled = "".join(chr(ord(c) - 0xE0000) for c in m.group(0))
        if smuggled.strip():
            yield "unicode_tags", smuggled


def _score(matches: list[RuleMatch]) -> float:
    per_category: dict[str, float] = {}
    for m in matches:
        per_category[m.category] = per_category.get(m.category, 0.0) + m.weight
    total = sum(min(v, CATEGORY_CAPS.get(k, float("inf"))) for k, v in per_category.items())
    return round(total, 3)


def _html_signals(text: str) -> tuple[str, list[RuleMatch]]:
    """Visible+hidden text of an HTML fragment, and the hidden-content / image signals."""
    walker = _HtmlWalker()
    walker.feed(text)
    walker.close()
    found = []
    if walker.hidden:
        why = "text hidden with CSS (display:none, zero size, white...)"
        found.append(RuleMatch("hidden.css", "hidden_html", 0.5, why, " ".join(walker.hidden)))
    if walker.comments:
        why = "text inside an HTML comment"
        found.append(
            RuleMatch("hidden.comment", "hidden_html", 0.5, why, " ".join(walker.comments))
        )
    hidden_rules = _match_rules(normalise("\n".join(walker.hidden + walker.comments)))
    if hidden_rules:
        why = "hidden text is instruction-like: " + ", ".join(m.rule_id for m in hidden_rules)
        found.append(RuleMatch("hidden.instructions", "hidden_payload", 0.6, why))
    img = _IMG_TAG.search(text)
    if img:
        found += _image_signals("image.img_tag", 0.6, "remote <img>", img.group(0))
    return "".join(walker.text), found


def _image_signals(rule_id: str, weight: float, what: str, tag: str) -> list[RuleMatch]:
    found = [RuleMatch(rule_id, "remote_image", weight, f"{what} (can exfiltrate via URL)", tag)]
    if _EXFIL_QUERY.search(tag):
        why = "image URL with a data-carrying query string"
        found.append(RuleMatch("image.exfil_query", "remote_image", 0.4, why, tag))
    return found


def _text_signals(plain: str) -> list[RuleMatch]:
    found = []
    md_img = _MD_IMAGE.search(plain)
    if md_img:
        found += _image_signals("image.markdown", 0.8, "markdown remote image", md_img.group(0))
    md_link = _MD_LINK.search(plain)
    if md_link:
        why = "markdown link to a remote URL"
        found.append(RuleMatch("link.markdown", "link", 0.2, why, md_link.group(0)))
    if _INVISIBLE.search(plain) or _BIDI.search(plain) or _TAG_CHARS.search(plain):
        why = "zero-width, bidi-override or Unicode tag characters"
        found.append(RuleMatch("invisible.chars", "invisible_chars", 0.5, why))
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", plain))
    mixed = [w for w in words if _CONFUSABLE.search(w) and _LATIN.search(w)]
    if mixed:
        why = "words mixing Latin with look-alike Cyrillic/Greek letters"
        found.append(
            RuleMatch("homoglyph.mixed_script", "homoglyph", 0.5, why, " ".join(mixed[:5]))
        )
    return found


def scan(text: str, *, _depth: int = 0) -> InjectionScan:
    """Score `text` (plain or HTML) for prompt injection; `hit` when score >= THRESHOLD."""
    matches: list[RuleMatch] = []
    plain = text
    if re.search(r"<[a-zA-Z!/]", text):
        plain, matches = _html_signals(text)
    plain = unescape(plain)
    matches += _text_signals(plain)
    matches += _match_rules(normalise(plain))

    decoded_payload: str | None = None
    if _depth < _MAX_DEPTH:
        for encoding, decoded in _decoded_candidates(plain):
            inner = scan(decoded, _depth=_depth + 1)
            if inner.score > 0:
                decoded_payload = decoded
                why = f"{encoding}-encoded text that decodes to: {inner.explain()}"
                matches.append(RuleMatch(f"encoded.{encoding}", "encoded", 1.0, why, decoded))
                break
    unique: dict[str, RuleMatch] = {}
    for m in matches:
        excerpt = m.excerpt if len(m.excerpt) <= 100 else m.excerpt[:97] + "..."
        unique.setdefault(
            m.rule_id, RuleMatch(m.rule_id, m.category, m.weight, m.explanation, excerpt)
        )
    found = list(unique.values())
    score = _score(found)
    return InjectionScan(score >= THRESHOLD, score, found, decoded_payload)
