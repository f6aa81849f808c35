"""Sentiment, anger, funds-at-risk and urgency of a customer message, by rules.

Lexicons are written for English and Chinese. Chinese text is first converted to Simplified
with OpenCC, so one lexicon serves zh-Hans and zh-Hant; it also lists Taiwan and Hong Kong
wording (登入, 帳號 -> 帐号). Every lexicon runs on every message, whatever its language,
because customers mix them ("my wallet 被盗了"). A cue preceded by a negation in the same
clause ("not hacked", "没有被盗") does not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import opencc

Pattern = re.Pattern[str]
Negation = Callable[[str, int], bool]  # is the cue starting at this offset negated?


@dataclass(frozen=True)
class Assessment:
    sentiment: str  # "negative" | "neutral" | "positive"
    anger: bool
    funds_at_risk: bool
    urgency: str  # "urgent" | "high" | "normal" | "low"
    cues: tuple[str, ...] = ()  # which rules fired, to explain the result to an agent


def _compile(patterns: Mapping[str, str]) -> dict[str, Pattern]:
    return {name: re.compile(pattern, re.IGNORECASE) for name, pattern in patterns.items()}


_ASSET = r"(funds?|money|balance|assets?|coins?|crypto|tokens?|savings|btc|eth|usdt|usdc)"

EN_FUNDS_AT_RISK = _compile(
    {
        "hacked": r"\b(hack(ed|er|ers)?|compromised|breached)\b",
        "stolen": r"\b(stolen|stole|steal(ing|s)?|theft|robbed)\b",
        "unauthorized": r"\bun-? ?authori[sz]ed\b",
        "not_me": r"\b(i|we) (did ?n[o']?t|never) (make|made|do|did|authori[sz]e|approve|request|"
        r"initiate|place) (this|that|these|those|the|any|a|it)\b",
        "drained": r"\b(drained|emptied|wiped( out)?|cleaned out)\b",
        "vanished": rf"\b{_ASSET} (is |are |were |was |has |have |just )*(been )?"
        r"(gone|missing|disappeared|vanished|zero)\b",
        "someone_logged_in": r"\b(someone|somebody|stranger|an? unknown (person|device)|hacker)\b"
        r"[^.!?]{0,20}\b(logged|log|signed|sign|got|accessed|access)\b",
        "unknown_login": r"\blog ?ins? from (an? )?(unknown|unrecogni[sz]ed|strange|new|foreign)\b",
        "sim_swap": r"\bsim ?(swap|card (was )?(hijacked|swapped))\b",
        "seed_leaked": r"\b(entered|typed|gave|shared|sent|leaked|exposed)\b[^.!?]{0,30}"
        r"\b((seed|recovery|secret) (phrase|words)|private key)\b",
        "scammed": r"\b(scammed|phished|fake support (took|stole))\b",
        "locked_with_funds": r"\b(account|acct|wallet)\b[^.!?]{0,30}\b(locked|frozen|blocked|"
        rf"suspended|disabled|restricted)\b[^.!?]{{0,60}}\b{_ASSET}\b",
        "locked_out_with_funds": rf"\blocked out\b[^.!?]{{0,60}}\b{_ASSET}\b",
    }
)

_ZH_ASSET = r"(资金|资产|钱|余额|币|usdt|usdc|btc|eth|\d+ ?万)"

ZH_FUNDS_AT_RISK = _compile(
    {
        "hacked": r"被盗|盗号|被黑|黑客|被入侵|被攻击",
        "stolen": r"被偷|偷走|盗刷|被盗刷|被转走|被提走|被划走",
        "unauthorized": r"未授权|未经授权|非本人|不是(我|本人)(本人)?(操作|提|转|下单)|"
        r"(我|本人)(没|没有|从未|并没有)(操作|提现|提币|转账|转出|授权)",
        "vanished": r"(资产|资金|币|钱|余额|usdt|btc|eth)[^，。！？,.!?]{0,4}"
        r"(不见了|没了|消失|清零|变成0|变成零|归零)",
        "drained": r"(被)?清空|全部被转|全没了",
        "someone_logged_in": r"(有人|陌生|别人|异地|不明设备|不明装置|未知设备|未知装置)"
        r"[^，。！？,.!?]{0,6}(登录|登入|登陆)",
        "seed_leaked": r"(助记词|私钥)[^，。！？,.!?]{0,6}(泄露|泄漏|被盗|给了|告诉了|输入)|"
        r"(泄露|泄漏|输入了|给了|告诉了)[^，。！？,.!?]{0,6}(助记词|私钥)",
        "scammed": r"被骗|被诈骗|钓鱼网站",
        "locked_with_funds": r"(账户|帐户|账号|帐号|钱包)[^，。！？,.!?]{0,8}"
        rf"(冻结|锁定|被锁|封号|被封)[^。！？.!?]{{0,20}}{_ZH_ASSET}|"
        rf"{_ZH_ASSET}[^。！？.!?]{{0,20}}(冻结|锁定|被锁|封号|被封)",
    }
)

EN_ANGER = _compile(
    {
        "insult": r"\b(idiots?|stupid|morons?|incompetent|useless|pathetic|clowns?|liars?|"
        r"crooks?|thieves|scammers|criminals|disgusting|garbage|trash|rubbish)\b",
        "profanity": r"\b(wtf|fuck\w*|f\*+k\w*|shit\w*|bullshit|crap|damn|pissed|"
        r"bloody hell)\b",
        "outrage": r"\b(ridiculous|unacceptable|outrageous|absurd|insane|joke|worst|terrible|"
        r"horrible|awful|shameful|disgrace\w*|furious|angry|fed up|sick of|had enough|"
        r"never again)\b",
        "scam_exchange": r"\b(scam|fraud|ponzi)\b[^.!?]{0,10}\b(exchange|platform|company|site|"
        r"app)\b|\b(you|you guys|u|your (exchange|platform|company)|this (exchange|platform|"
        r"company|site|app)) (are|is|r)( a| such a| just a)? (scam|fraud|scammers|thieves|joke)\b",
        "threat": r"\b(sue|lawyer|lawsuit|legal action|report (you|this) to|going public)\b",
        "complaint": r"\b(complain(t|ts|ing)?|file a complaint)\b",
    }
)

ZH_ANGER = _compile(
    {
        "insult": r"垃圾(?!邮件|箱|短信)|骗子|混蛋|王八蛋|傻逼|傻b|sb客服|智障|白痴|脑残|无耻|"
        r"不要脸|恶心|废物",
        "profanity": r"他妈|妈的|tmd|尼玛|卧槽|我靠|操你|滚蛋|滚开",
        "outrage": r"气死|无语|坑人|坑爹|太差|差劲|破平台|什么破|搞什么|凭什么|受够了|忍无可忍|"
        r"太过分|过分了|离谱|黑平台|跑路|骗钱|还我钱|退钱|欺骗|愤怒|火大",
        "threat": r"起诉|律师|曝光|维权|向监管|举报你们",
        "complaint": r"投诉",
    }
)

EN_NEGATIVE = _compile(
    {
        "problem": r"\b(problems?|issues?|errors?|fail(ed|s|ing|ure)?|broken|bug|stuck|missing|"
        r"lost|wrong|delay(ed)?|slow|pending|disappointed|worried|frustrat\w*|annoy\w*|"
        r"confus\w*|bad|still|unable|can ?not|can'?t|won'?t|could ?n'?t|no response|refund|"
        r"locked|frozen|blocked|suspended|restricted)\b",
        "not_working": r"\b(not|isn'?t|doesn'?t|don'?t|didn'?t|hasn'?t|haven'?t|never) "
        r"(work(ing|s)?|arrived?|received?|credited|showing|shown|come|came|load(ing)?)\b",
    }
)

ZH_NEGATIVE = _compile(
    {
        "problem": r"问题|失败|错误|出错|卡住|卡了|一直|还没|还是没|无法|不能|不了|丢失|丢了|延迟|"
        r"太慢|很慢|着急|担心|失望|难用|不行|没反应|没有回复|没人回|退款|异常|闪退|崩溃|冻结|被锁|"
        r"锁定|封号|被封",
        "not_working": r"没到账|不到账|未到账|没收到|未收到|没有收到|没显示|不显示|没有到账",
    }
)

EN_POSITIVE = _compile(
    {
        "thanks": r"\b(thanks?|thank you|thx|ty|cheers|appreciate\w*|grateful)\b",
        "praise": r"\b(great|awesome|amazing|excellent|perfect|love|helpful|brilliant|fantastic|"
        r"wonderful|good job|well done|nice|works now|working now|resolved|solved|fixed)\b",
    }
)

ZH_POSITIVE = _compile(
    {
        "thanks": r"谢谢|感谢|多谢|辛苦了|谢啦|3q",
        "praise": r"太好了|很好|非常好|满意|给力|点赞|好评|厉害|专业|解决了|搞定了|好了|到账了|"
        r"收到了|没问题了",
    }
)

EN_URGENT = _compile(
    {"urgent": r"\b(urgent\w*|asap|emergency|immediately|right now|right away|hurry|quickly)\b"}
)
ZH_URGENT = _compile({"urgent": r"急|紧急|尽快|马上|赶快|赶紧|立刻|立即|快点"})

# Upper-case words that are names, not shouting.
ACRONYMS = frozenset(
    "USDT USDC BTC ETH BNB SOL XRP TRX TRON ERC BEP TRC KYC AML API OTP SMS FAQ USD EUR GBP CNY "
    "HKD TWD NFT DEFI P2P TX TXID ID IP VIP OK ASAP CEO CS APP IOS PDF DOGE SHIB PEPE ADA DOT "
    "AVAX MATIC POL LINK LTC BCH TON ARB SUI APT ATOM NEAR UNI XLM ETC FIL WLD TRUMP FDUSD DAI "
    "MEMO TAG URL UID".split()
)

EN_NEGATORS = frozenset(
    "not no never nobody none nothing without neither nor isnt wasnt arent werent hasnt havent "
    "hadnt dont doesnt didnt cant cannot couldnt wont wouldnt shouldnt".split()
)
ZH_NEGATION = re.compile(r"(没有|没|不是|不会|不|未|并未|并非|从未|从没|无)(被|遭|有)?$")
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n。！？；，：]|\b(but|and|although|though|however)\b")
_EN_TOKEN = re.compile(r"[a-z']+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_SHOUTED_WORD = re.compile(r"\b[A-Z]{3,}\b")
_LETTER_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
_EXCLAIMING = re.compile(r"[!！]{3,}|[!！][?？][!！?？]|[?？]{3,}")


def assess(text: str, language: str = "") -> Assessment:
    """Judge ``text``; ``language`` (from ``detect_language``) is a hint, not a filter."""
    english = _normalise_english(text)
    chinese = _simplified(text) if (language.startswith("zh") or _HAN.search(text)) else ""

    funds = _fired(EN_FUNDS_AT_RISK, english, _english_negated) | _fired(
        ZH_FUNDS_AT_RISK, chinese, _chinese_negated
    )
    anger = _fired(EN_ANGER, english, _english_negated) | _fired(ZH_ANGER, chinese, _never)
    if _shouting(text):
        anger.add("shouting")
    if _EXCLAIMING.search(text):
        anger.add("exclaiming")
    negative = _count(EN_NEGATIVE, english, _never) + _count(ZH_NEGATIVE, chinese, _never)
    positive = _count(EN_POSITIVE, english, _english_negated) + _count(
        ZH_POSITIVE, chinese, _chinese_negated
    )
    urgent_words = _fired(EN_URGENT, english, _english_negated) | _fired(
        ZH_URGENT, chinese, _chinese_negated
    )

    if funds or anger or negative > positive:
        sentiment = "negative"
    elif positive > negative:
        sentiment = "positive"
    else:
        sentiment = "neutral"
    if funds:
        urgency = "urgent"
    elif anger or urgent_words:
        urgency = "high"
    elif sentiment == "positive":
        urgency = "low"
    else:
        urgency = "normal"
    cues = tuple(
        sorted(
            {f"funds_at_risk:{name}" for name in funds}
            | {f"anger:{name}" for name in anger}
            | {f"urgency:{name}" for name in urgent_words}
        )
    )
    return Assessment(
        sentiment=sentiment,
        anger=bool(anger),
        funds_at_risk=bool(funds),
        urgency=urgency,
        cues=cues,
    )


def _normalise_english(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def _simplified(text: str) -> str:
    return _to_simplified().convert(text).lower()


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _matches(cues: Mapping[str, Pattern], text: str) -> Iterable[tuple[str, re.Match[str]]]:
    if not text:
        return
    for name, pattern in cues.items():
        for match in pattern.finditer(text):
            yield name, match


def _fired(cues: Mapping[str, Pattern], text: str, negated: Negation) -> set[str]:
    return {name for name, match in _matches(cues, text) if not negated(text, match.start())}


def _count(cues: Mapping[str, Pattern], text: str, negated: Negation) -> int:
    return sum(not negated(text, match.start()) for _name, match in _matches(cues, text))


def _clause_before(text: str, start: int) -> str:
    before = text[max(0, start - 60) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end() :] if breaks else before


def _english_negated(text: str, start: int) -> bool:
    """A negator among the three words before the cue, in the same clause."""
    words = [w.replace("'", "") for w in _EN_TOKEN.findall(_clause_before(text, start))]
    window = words[-3:]
    return any(w in EN_NEGATORS for w in window) or "no one" in " ".join(window)


def _chinese_negated(text: str, start: int) -> bool:
    """A negator right before the cue, allowing 被/遭/有 between: 没被盗, 没有被盗, 不是被盗."""
    return bool(ZH_NEGATION.search(_clause_before(text, start).rstrip()))


def _never(text: str, start: int) -> bool:
    return False


def _shouting(text: str) -> bool:
    words = _LETTER_WORD.findall(text)
    shouted = [w for w in _SHOUTED_WORD.findall(text) if w not in ACRONYMS]
    return len(shouted) >= 4 or (len(shouted) >= 2 and len(shouted) * 2 >= len(words))
