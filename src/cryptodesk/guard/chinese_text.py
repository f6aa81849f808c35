"""Tell ordinary Chinese writing from a recovery phrase typed without spaces.

The Chinese BIP39 lists are the 2,048 most frequent characters, so ordinary Chinese is written
almost entirely with them (97 % of the characters of our demo conversations) and a 12-character
stretch of a support message passes the 4-bit checksum one time in 16. What tells the two apart
is that text is made of words: under a unigram word model (jieba's dictionary, plus support and
crypto words it lacks) ordinary text is far more probable than under the uniform draw that
produces a phrase. The score is that log-likelihood ratio per character. Above zero reads as
text: about 3 in 100,000 random 12-character phrases score there (none of 15 or more
characters in our samples); of 77,512 real customer-service questions, one held a stretch
that both passed the checksum and scored below it (bench/guard_bench.py).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib import resources
from typing import Final

from cryptodesk.guard.wordlists import SIMPLIFIED_CHINESE, wordlist

# Above this many nats per character the characters read as Chinese words, not as a phrase.
TEXT_SCORE_THRESHOLD: Final = 0.0
_LONGEST_WORD: Final = 4
_MIN_WORD_COUNT: Final = 10
_UNIFORM_LOGP: Final = math.log(1 / 2048)
# Support and crypto vocabulary that the general dictionary (compiled before mobile payments and
# exchanges were common) lacks or rates as rare; given the frequency of an ordinary word.
_SUPPORT_WORD_FREQUENCY: Final = 2000
_SUPPORT_WORDS: Final = """
充值 充币 提现 提币 提款 入金 出金 转账 划转 到账 未到账 没到账 钱包
冷钱包 热钱包 助记词 私钥 公钥 地址 充值地址 提币地址 交易所 手续费
矿工费 燃料费 二维码 验证码 谷歌验证 两步验证 双重验证 实名认证 身份认证
人脸识别 身份证 护照 合约 杠杆 保证金 爆仓 强平 平仓 开仓 链上 主网
测试网 区块 区块链 区块浏览器 浏览器 哈希 交易哈希 确认数 节点 客服
人工客服 工单 微信 支付宝 余额宝 银行卡 收款码 收钱码 风控 账号 账户
登录 注册 绑定 解绑 密码 资金密码 重置 订单 挂单 撤单 限价 市价 现货
期货 永续 资金费率 理财 质押 空投 白名单 审核 退款 赔偿 投诉 冻结
解冻 邮箱 手机号 短信 安全中心 防钓鱼码 盗号 被盗 诈骗 骗子 冒充 官方
比特币 以太坊 泰达币 稳定币 代币 币种 币安 网络 链 备注 标签 汇率
余额 资产 冻结资金 处理中 已完成 失败 审核中 验证 认证 升级 等级 限额
额度 提现额度 充值记录 提现记录
"""


@dataclass(frozen=True)
class _WordModel:
    log_probability: dict[str, float]
    unknown_character: float


def _dictionary() -> tuple[dict[str, int], int]:
    """Counts of the words that can occur in a run of list characters, and the total count.

    A window holds list characters only, so other words can never match; rare words barely move
    a score. Leaving both out keeps the model at a quarter of the dictionary (about 80,000
    words) at no measured cost in recall or false alarms.
    """
    characters = frozenset(wordlist(SIMPLIFIED_CHINESE).words)
    counts: dict[str, int] = {}
    total = 0
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            word, count_text, *_ = line.split(" ")
            count = int(count_text)
            total += count
            if len(word) > _LONGEST_WORD or (len(word) > 1 and count < _MIN_WORD_COUNT):
                continue
            if all(character in characters for character in word):
                counts[word] = count
    return counts, total


@functools.cache
def _word_model() -> _WordModel:
    # Loaded on first use (0.2 s): the first run of 12 or more Chinese list characters.
    counts, total = _dictionary()
    for word in _SUPPORT_WORDS.split():
        total += max(0, _SUPPORT_WORD_FREQUENCY - counts.get(word, 0))
        counts[word] = max(counts.get(word, 0), _SUPPORT_WORD_FREQUENCY)
    log_probability = {word: math.log(count / total) for word, count in counts.items() if count}
    return _WordModel(log_probability, unknown_character=math.log(1 / total))


def text_score(characters: str) -> float:
    """Log-likelihood ratio per character: best word segmentation against a uniform draw."""
    model = _word_model()
    best = [0.0] + [-math.inf] * len(characters)
    for end in range(1, len(characters) + 1):
        for length in range(1, min(_LONGEST_WORD, end) + 1):
            logp = model.log_probability.get(characters[end - length : end])
            if logp is None:
                if length > 1:
                    continue
                logp = model.unknown_character
            best[end] = max(best[end], best[end - length] + logp)
    return (best[-1] - len(characters) * _UNIFORM_LOGP) / len(characters)


class ScoreBound:
    """A lower bound of :func:`text_score` for every window of a run of characters, in O(1).

    It scores one particular segmentation (each character alone, except pairs that form a
    dictionary word, taken greedily from the left), and the best segmentation scores at least
    as much. A window whose bound already exceeds :data:`TEXT_SCORE_THRESHOLD` reads as text
    without the full computation, which spares most checksums in ordinary writing.
    """

    def __init__(self, simplified_characters: str) -> None:
        model = _word_model()
        logp = model.log_probability
        singles = [logp.get(char, model.unknown_character) for char in simplified_characters]
        self.singles = [0.0]
        for score in singles:
            self.singles.append(self.singles[-1] + score - _UNIFORM_LOGP)
        # pairs[i + 1] - pairs[j] sums the gains of the chosen pairs lying inside [j, i].
        self.pairs = [0.0, 0.0]
        taken_until = 0
        for end in range(1, len(simplified_characters)):
            gain = 0.0
            if end > taken_until:
                pair = logp.get(simplified_characters[end - 1 : end + 1])
                if pair is not None and pair > singles[end - 1] + singles[end]:
                    gain = pair - singles[end - 1] - singles[end]
                    taken_until = end + 1
            self.pairs.append(self.pairs[-1] + gain)

    def phrase_like_starts(self, length: int) -> list[int]:
        """Starts of the windows of ``length`` characters that may not read as text."""
        singles, pairs = self.singles, self.pairs
        limit = TEXT_SCORE_THRESHOLD * length
        return [
            start
            for start in range(len(singles) - length)
            if singles[start + length] - singles[start] + pairs[start + length] - pairs[start + 1]
            <= limit
        ]


def reads_as_chinese_text(simplified_characters: str) -> bool:
    """Whether these (Simplified) characters are ordinary writing rather than a phrase."""
    return text_score(simplified_characters) > TEXT_SCORE_THRESHOLD
