"""Secret guard benchmark: recall, false alarms and throughput of ``find_secrets``.

- Recall on generated checksum-valid phrases: every length (12-24) in every list (English,
  Simplified and Traditional Chinese) with noisy formatting (numbering, commas, line breaks,
  mixed case, Chinese with and without spaces, a sentence around the phrase). A phrase counts
  as caught when one "recovery phrase" finding covers all of it.
- What happens to the same phrases with one word changed (checksum broken): caught as a
  suspected phrase, except Chinese written without spaces, which by design needs the checksum.
- False alarms (any finding at all) on ordinary support messages generated from the templates
  below (English, Simplified and Traditional Chinese, with transaction hashes, addresses, Solana
  signatures, amounts, order ids), on the demo conversations, and, when ../shared/datasets is
  there, on two corpora of real user questions we never tuned on: CLINC150 (English) and ATEC
  (Alipay customer-service questions, Chinese). Those are read in place, never copied.
- Throughput of ``find_secrets`` on one core, messages per second.

Run: ``.venv/bin/python bench/guard_bench.py [--phrases 10000] [--messages 12000] [--seed 7]``.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cryptodesk.settings")
django.setup()

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from cryptodesk.guard.detectors import RECOVERY_PHRASE, SUSPECTED_PHRASE, find_secrets  # noqa: E402
from cryptodesk.guard.redact import guard_message  # noqa: E402
from cryptodesk.guard.samples import random_phrase, solana_signature_base58  # noqa: E402
from cryptodesk.guard.wordlists import (  # noqa: E402
    ENGLISH,
    PHRASE_LENGTHS,
    SIMPLIFIED_CHINESE,
    TRADITIONAL_CHINESE,
    is_valid_phrase,
    wordlist,
)
from cryptodesk.nlu.codecs import b58encode  # noqa: E402
from cryptodesk.tickets.pipeline import InboundMessage, Sender  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEMO_CONTENT = REPO / "src" / "cryptodesk" / "demo" / "content"
DATASETS = REPO.parent / "shared" / "datasets"
THROUGHPUT_BUDGET_PER_S = 10_000.0  # DESIGN.md, "Performance budgets"
LANGUAGES = (ENGLISH, SIMPLIFIED_CHINESE, TRADITIONAL_CHINESE)

console = Console(width=None if sys.stdout.isatty() else 120)


# --- Phrases with noisy formatting ------------------------------------------------------------

ENGLISH_CONTEXTS = (
    "{p}",
    "My recovery phrase is: {p}",
    "Here are my words {p} please help me, my wallet is empty",
    "{p}\nIs my wallet safe?",
    "seed: {p}. Thanks",
    "Hi support,\n\n{p}\n\nI restored it and the balance is zero.",
    'I typed "{p}" into the app and it says invalid',
)
SIMPLIFIED_CONTEXTS = (
    "{p}",
    "我的助记词是：{p}，请帮忙看看",
    "助记词{p}",
    "我的助记词是{p}请帮我看看",
    "{p}\n这是我的助记词，钱包被盗了",
    "你好 {p} 我导入以后余额是零",
)
TRADITIONAL_CONTEXTS = (
    "{p}",
    "我的助記詞是：{p}，請幫忙看看",
    "助記詞{p}",
    "我的助記詞是{p}請幫我看看",
    "{p}\n這是我的助記詞，錢包被盜了",
)
LATIN_SEPARATORS = (" ", "  ", ", ", ",", "\n", "\t", " - ", " | ", "; ", " \n")
CHINESE_SEPARATORS = (" ", "\u3000", "，", "、", "\n", ",", "  ", "。")
NUMBERINGS = ("", "", "{n}. ", "{n}) ", "#{n} ", "({n}) ", "{n}.", "{n}: ", "{n} ")


@dataclass(frozen=True)
class PhraseSample:
    language: str
    word_count: int
    text: str
    start: int
    end: int
    together: bool  # Chinese written without spaces (or in groups of four)


def english_case(word: str, rng: random.Random, style: str) -> str:
    if style == "upper":
        return word.upper()
    if style == "title":
        return word.title()
    if style == "mixed":
        return "".join(char.upper() if rng.random() < 0.5 else char for char in word)
    return word


def format_phrase(words: list[str], language: str, rng: random.Random) -> tuple[str, int, bool]:
    """The phrase as typed, where its first word starts, and whether Chinese is run together."""
    if language != ENGLISH and rng.random() < 0.4:
        # Written together, as some wallets copy it, or in groups of four.
        if rng.random() < 0.75:
            return "".join(words), 0, True
        groups = ["".join(words[start : start + 4]) for start in range(0, len(words), 4)]
        return rng.choice((" ", "\n", "  ")).join(groups), 0, True
    numbering = rng.choice(NUMBERINGS)
    if language == ENGLISH:
        style = rng.choice(("lower", "lower", "upper", "title", "mixed"))
        words = [english_case(word, rng, style) for word in words]
        separator = rng.choice(LATIN_SEPARATORS)
    else:
        separator = rng.choice(CHINESE_SEPARATORS)
    if numbering:
        separator = separator or " "
        words = [numbering.format(n=n) + word for n, word in enumerate(words, 1)]
    first_word = len(numbering.format(n=1))
    return separator.join(words), first_word, False


def phrase_words(language: str, word_count: int, rng: random.Random, *, broken: bool) -> list[str]:
    words = random_phrase(rng, language, word_count)
    if not broken:
        return words
    # Change the last word until the checksum fails, as a mistyped phrase does.
    item = wordlist(language)
    while is_valid_phrase([item.index[word] for word in words]):
        words[-1] = rng.choice(item.words)
    return words


def phrase_sample(index: int, rng: random.Random, *, broken: bool = False) -> PhraseSample:
    language = LANGUAGES[index % len(LANGUAGES)]
    word_count = PHRASE_LENGTHS[(index // len(LANGUAGES)) % len(PHRASE_LENGTHS)]
    words = phrase_words(language, word_count, rng, broken=broken)
    phrase, first_word, together = format_phrase(words, language, rng)
    contexts = {
        ENGLISH: ENGLISH_CONTEXTS,
        SIMPLIFIED_CHINESE: SIMPLIFIED_CONTEXTS,
        TRADITIONAL_CHINESE: TRADITIONAL_CONTEXTS,
    }[language]
    before, after = rng.choice(contexts).split("{p}")
    text = before + phrase + after
    start, end = len(before) + first_word, len(before) + len(phrase)
    return PhraseSample(language, word_count, text, start, end, together)


def covered(sample: PhraseSample, kinds: tuple[str, ...]) -> bool:
    """One finding of one of ``kinds`` covers the whole phrase."""
    return any(
        finding.kind in kinds and finding.start <= sample.start and finding.end >= sample.end
        for finding in find_secrets(sample.text)
    )


def caught(sample: PhraseSample) -> bool:
    return covered(sample, (RECOVERY_PHRASE,))


def suspected(sample: PhraseSample) -> bool:
    return covered(sample, (RECOVERY_PHRASE, SUSPECTED_PHRASE))


# --- Ordinary support messages -------------------------------------------------------------

ENGLISH_BODIES = (
    "I deposited {amount} {asset} via {network} about {hours} hours ago but it still hasn't "
    "shown up. TXID: {txid}",
    "My withdrawal of {amount} {asset} to {address} has been pending since {date}. Order ID "
    "{order}. Can you check what is going on?",
    "I lost my phone and can't get the Google Authenticator code anymore. How do I reset 2FA on "
    "my account?",
    "The KYC verification keeps failing at the selfie step. I tried three times with good "
    "lighting. What else can I do?",
    "Why was I charged a {fee} {asset} network fee on withdrawal {order}? The fee page says it "
    "should be lower.",
    "I sent {asset} on the wrong network ({network}) to address {address}. Transaction hash "
    "{txid}. Is it possible to recover it?",
    "My account was locked after too many password attempts. Please unlock it, my email is "
    "{email}.",
    "Deposit not credited. Amount: {amount} {asset}. Network: {network}. Hash: {txid}. The "
    "block explorer shows {confirmations} confirmations.",
    "Can you explain the difference between the spot wallet and the funding wallet? I moved "
    "{amount} USDT and now I can't find it.",
    "I received an email saying my withdrawal to {address} was approved, but I never requested "
    "it! Please freeze my account now.",
    "Do I need my recovery phrase to restore the app on a new phone? I wrote the 12 words on "
    "paper but it is at home.",
    "Someone on Telegram claiming to be your support asked for my seed phrase. Is that really "
    "your staff? I did not give it.",
    "The verification code SMS never arrives. I tried resending five times. Phone number ends "
    "with {last4}.",
    "My limit order {order} was filled at a worse price than I set. Can you check the trade "
    "history?",
    "Please close my account and send the remaining balance of {amount} {asset} to {address}.",
    "How long does a bank transfer deposit take? I sent {fiat} EUR on {date} with reference "
    "{order}.",
    "Thanks for the quick answer yesterday. The deposit arrived, you can close the ticket.",
    "The app crashes every time I open the markets tab on Android 14. Version 5.2.1.",
    "I want to increase my daily withdrawal limit. I already completed advanced verification.",
    "Your website shows maintenance for {asset} withdrawals. When will it be back?",
    "My Solana withdrawal shows completed but the wallet is empty. Signature: {signature}",
    "I transferred {amount} {asset} from my Ledger to the deposit address {address}, hash "
    "{btc_tx}, still nothing after {hours} hours.",
    "Why do you need a proof of address? I uploaded my passport already and a utility bill from "
    "{date}.",
    "There is an unknown login from {ip} on {date}. I changed my password, but please check if "
    "anything was withdrawn.",
    "The staking rewards for {asset} stopped on {date}. Did the APY change?",
    "I can't find the memo/tag field when withdrawing XRP. The receiving exchange requires tag "
    "{tag}.",
    "Please help, I forgot my fund password and I need to withdraw before the end of the week.",
    "My P2P order {order} was marked as paid but the seller never released the {asset}. I have "
    "the bank receipt.",
    "Is there any fee for converting small balances to BNB? I see dust in my wallet from old "
    "airdrops.",
    "I think I was scammed. I sent {amount} {asset} to {address} after an investment group "
    "promised double returns.",
    "When I try to link my card the payment fails with error code {code}. The card works "
    "everywhere else.",
    "Could you confirm the correct deposit address for {asset} on {network}? The app shows "
    "{address}.",
    "Please update my email address from {email} to the new one, I no longer have access to the "
    "old inbox.",
    "The futures position was liquidated even though the mark price never reached my "
    "liquidation price. Order {order}.",
    "I have been waiting for a reply for three days. This is the second ticket about the same "
    "deposit {txid}.",
    "Got a new phone, restored my wallet with the words, but the balance shows zero. Did I do "
    "something wrong?",
    "The transfer between sub-accounts failed with a message about risk control. Amount "
    "{amount} {asset}.",
    "I would like to know if you support deposits of {asset} via the {network} network now.",
    "Withdrawal {order} was rejected with no reason. My account is fully verified and the "
    "address {address} is whitelisted.",
    "Can I get a statement of all my trades in {year} for my tax return? CSV would be perfect.",
    "I accidentally clicked a phishing link and entered my password. I have already changed it. "
    "What else should I do to stay safe?",
    "I can not access my account after the update please help me fix this problem today",
    "Already tried: logout, login, update app, restart phone, clear cache, switch network, "
    "reset password. Nothing works.",
    "Public key of my hardware wallet is {pubkey}, the deposit tx is {txid}.",
    "Ledger shows the transaction {txid} as sent, private keys never left the device.",
    "Any update on this?",
    "ok thank you so much, I will wait",
    "Account locked, please help me unlock it as soon as possible, I need to access my funds "
    "today.",
    "Your agent asked me to verify the order {order} and the amount {amount} {asset}, done.",
    "Simple question: what is the minimum deposit for {asset} on {network}? And is there a fee?",
)
ENGLISH_OPENINGS = ("", "Hi,", "Hello,", "Hey there,", "Good morning,", "Dear support team,")
ENGLISH_CLOSINGS = ("", "Thanks.", "Thank you!", "Regards, {name}", "Please help.", "Best, {name}")

SIMPLIFIED_BODIES = (
    "我在{date}充值了{amount} {asset}，到现在还没有到账，交易哈希是{txid}，麻烦帮我查一下",
    "我的提现订单{order}一直显示处理中已经超过{hours}个小时了请问是什么原因",
    "手机丢了谷歌验证器也没有了怎么重置两步验证",
    "实名认证一直提示人脸识别失败我已经试了好几次了光线也很好",
    "为什么提币手续费这么高，我提{amount} {asset}扣了这么多",
    "我把{asset}用{network}网络转到了你们的地址{address}，现在币没到，能帮我找回吗",
    "账户因为密码输错太多次被锁定了请尽快帮我解锁",
    "充值没有到账，金额{amount} {asset}，网络{network}，哈希{txid}，区块浏览器上已经确认了",
    "请问现货账户和资金账户有什么区别，我划转了{amount} USDT之后找不到了",
    "我收到一封邮件说我的提现已经批准，但是我根本没有申请过提现，请马上冻结我的账户",
    "换手机之后恢复钱包需要助记词吗？我写在纸上了但是不在身边",
    "有人在电报上冒充你们的客服向我要助记词，这是你们的工作人员吗",
    "收不到短信验证码，已经重新发送了五次还是没有收到",
    "我的限价单{order}成交价格比我设置的差很多，麻烦查一下成交记录",
    "请帮我注销账户，并把剩余的{amount} {asset}提到{address}",
    "银行转账充值一般需要多长时间到账？我{date}转了{fiat}元，备注是{order}",
    "谢谢你昨天的回复，币已经到账了，这个工单可以关闭了",
    "安卓手机打开行情页面就闪退，已经重新安装过了还是一样",
    "我想提高每日提现额度，高级认证已经完成了",
    "网站显示{asset}提币维护中请问什么时候恢复",
    "Solana提现显示已完成但是钱包里没有，交易签名{signature}",
    "我从冷钱包转了{amount} {asset}到充值地址{address}，交易哈希{btc_tx}，过了{hours}个小时还没到",
    "我的账号在{date}有一个陌生的登录记录，我已经改了密码，请帮我看看有没有被提币",
    "质押收益从{date}开始就没有发放了，年化是不是调整了",
    "提现XRP的时候找不到填写标签的地方，对方交易所要求填写标签{tag}",
    "忘记资金密码了这周之内必须要提现请问怎么重置",
    "我的C2C订单{order}已经标记付款了但是卖家一直不放币，我有银行回单",
    "我觉得我被骗了，有人拉我进投资群说可以翻倍，我转了{amount} {asset}到{address}",
    "绑定银行卡的时候一直提示支付失败错误代码{code}这张卡在其他地方都能用",
    "我的合约仓位被强平了但是标记价格根本没到我的强平价格订单号{order}",
    "已经等了三天都没有人回复，这是我第二次提交同一笔充值{txid}的工单了",
    "我点了钓鱼链接还输入了密码，现在已经改密码了，还需要做什么来保证账户安全",
    "子账户之间划转失败提示风控限制金额{amount} {asset}",
    "请问现在支持通过{network}网络充值{asset}吗",
    "你们好我是老用户了这次充值到现在还没到账我真的很着急希望你们能尽快帮我处理一下",
    "我想把我账户里面所有的币都提到我自己的钱包里面去但是一直提示我需要完成安全验证才可以操作",
    "我昨天晚上在你们平台买了一点比特币然后想转到别的交易所结果一直显示审核中",
    "为什么我的账户突然不能交易了也没有收到任何通知邮件请给我一个合理的解释",
    "客服说三个工作日内处理完但是现在已经一个星期了还是没有任何消息",
    "我的私钥从来没有告诉过别人但是钱包里的币还是被转走了交易哈希{txid}",
    "好的谢谢",
    "有进展了吗",
    "提币地址填错了还能撤回吗订单{order}",
    "我的身份证过期了需要重新认证吗",
)
SIMPLIFIED_OPENINGS = ("", "你好，", "您好，", "客服你好，", "在吗？", "你好")
SIMPLIFIED_CLOSINGS = ("", "谢谢！", "麻烦了", "急！", "谢谢客服", "。")

TRADITIONAL_BODIES = (
    "我在{date}儲值了{amount} {asset}，到現在還沒有到帳，交易雜湊是{txid}，麻煩幫我查一下",
    "我的提領訂單{order}一直顯示處理中，已經超過{hours}個小時了，請問是什麼原因",
    "手機遺失了，Google驗證器也沒有了，要怎麼重設兩步驟驗證",
    "身分驗證一直顯示臉部辨識失敗，我已經試了好幾次了",
    "為什麼提幣手續費這麼高，我提{amount} {asset}被扣了這麼多",
    "我把{asset}用{network}網路轉到了你們的地址{address}，現在幣沒到帳，能幫我找回來嗎",
    "帳戶因為密碼輸入錯誤太多次被鎖住了，請盡快幫我解鎖",
    "儲值沒有入帳，金額{amount} {asset}，網路{network}，雜湊{txid}，區塊瀏覽器上已經確認了",
    "請問現貨帳戶和資金帳戶有什麼差別，我劃轉了{amount} USDT之後就找不到了",
    "我收到一封信說我的提領已經核准，但是我根本沒有申請提領，請馬上凍結我的帳戶",
    "換手機之後還原錢包需要助記詞嗎？我寫在紙上了但是不在身邊",
    "有人在Telegram上冒充你們的客服跟我要助記詞，這是你們的員工嗎",
    "收不到簡訊驗證碼，已經重新發送五次了還是沒收到",
    "我的限價單{order}成交價格比我設定的差很多，麻煩查一下成交紀錄",
    "請幫我註銷帳戶，並把剩下的{amount} {asset}提到{address}",
    "銀行轉帳入金一般需要多久？我{date}轉了新台幣{fiat}元，備註是{order}",
    "謝謝你昨天的回覆，幣已經到帳了，這張工單可以關閉了",
    "安卓手機打開行情頁面就會閃退，已經重新安裝過了還是一樣",
    "我想提高每日提領額度，進階認證已經完成了",
    "網站顯示{asset}提幣維護中請問什麼時候會恢復",
    "Solana提領顯示已完成但是錢包裡面沒有，交易簽名{signature}",
    "我從冷錢包轉了{amount} {asset}到儲值地址{address}，交易雜湊{btc_tx}，過了{hours}個小時還沒到",
    "我的帳號在{date}有一筆陌生的登入紀錄，我已經改了密碼，請幫我看看有沒有被提幣",
    "質押收益從{date}開始就沒有發放了，年化報酬率是不是調整了",
    "提領XRP的時候找不到填寫標籤的地方，對方交易所要求填寫標籤{tag}",
    "忘記資金密碼了，這週之內一定要提領，請問要怎麼重設",
    "我的P2P訂單{order}已經標記付款了但是賣家一直不放幣，我有銀行收據",
    "我覺得我被騙了，有人拉我進投資群組說可以翻倍，我轉了{amount} {asset}到{address}",
    "綁定信用卡的時候一直顯示付款失敗錯誤代碼{code}這張卡在其他地方都可以用",
    "我的合約倉位被強制平倉了但是標記價格根本沒有到我的強平價格訂單編號{order}",
    "已經等了三天都沒有人回覆，這是我第二次為同一筆儲值{txid}開工單了",
    "你們好我是老用戶了這次儲值到現在還沒到帳我真的很著急希望你們能盡快幫我處理一下",
    "我想把帳戶裡面所有的幣都提到我自己的錢包裡面但是一直提示我需要完成安全驗證才可以操作",
    "我昨天晚上在你們平台買了一點比特幣然後想轉到別的交易所結果一直顯示審核中",
    "為什麼我的帳戶突然不能交易了也沒有收到任何通知信件請給我一個合理的解釋",
    "客服說三個工作天內處理完但是現在已經一個禮拜了還是沒有任何消息",
    "我的私鑰從來沒有告訴過別人但是錢包裡的幣還是被轉走了交易雜湊{txid}",
    "好的謝謝",
    "請問有進度了嗎",
    "提幣地址填錯了還可以撤回嗎訂單{order}",
)
TRADITIONAL_OPENINGS = ("", "你好，", "您好，", "客服您好，", "在嗎？", "您好")
TRADITIONAL_CLOSINGS = ("", "謝謝！", "麻煩了", "很急！", "謝謝客服", "。")

ASSETS = ("BTC", "ETH", "USDT", "USDC", "SOL", "TRX", "XRP", "BNB", "DOGE", "LTC")
NETWORKS = ("ERC20", "TRC20", "BEP20", "Solana", "Arbitrum One", "Polygon", "Bitcoin", "Base")
NAMES = ("Olivia", "Liam Chen", "Priya", "王伟", "陳美玲", "Diego R.", "Aisha", "Kowalski")
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def random_address(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return "0x" + rng.randbytes(20).hex()
    if kind == 1:
        return "bc1q" + "".join(rng.choices(BECH32_ALPHABET, k=38))
    if kind == 2:
        return "T" + "".join(rng.choices(BASE58_ALPHABET, k=33))
    return b58encode(rng.randbytes(32))


def slot_values(rng: random.Random) -> dict[str, str]:
    return {
        "amount": rng.choice(("0.5", "12", "1,250", "37.82", "0.0031", "5000", "199.99")),
        "asset": rng.choice(ASSETS),
        "network": rng.choice(NETWORKS),
        "hours": str(rng.randint(2, 72)),
        "txid": ("0x" if rng.random() < 0.5 else "") + rng.randbytes(32).hex(),
        "btc_tx": rng.randbytes(32).hex(),
        "address": random_address(rng),
        "signature": solana_signature_base58(rng),
        "pubkey": "02" + rng.randbytes(32).hex(),
        "order": rng.choice(("W", "D", "P2P-", "OD", "")) + str(rng.randrange(10**11, 10**12)),
        "date": rng.choice(("2026-03-14", "March 14", "14/03", "3月14日", "yesterday")),
        "fee": rng.choice(("0.0005", "1", "25", "0.8")),
        "email": rng.choice(("olivia.k@example.com", "liam1990@example.org", "w.wang@example.cn")),
        "last4": f"{rng.randrange(10000):04d}",
        "fiat": rng.choice(("500", "1,200", "20000", "3500")),
        "ip": f"203.0.113.{rng.randrange(1, 255)}",
        "tag": str(rng.randrange(10**8, 10**9)),
        "code": rng.choice(("E1021", "402", "RISK_7", str(rng.randrange(100000, 999999)))),
        "year": rng.choice(("2024", "2025")),
        "confirmations": str(rng.randint(1, 120)),
        "name": rng.choice(NAMES),
        "customer_name": rng.choice(NAMES),
    }


def ordinary_message(rng: random.Random, index: int) -> str:
    bodies, openings, closings, joiner = (
        (ENGLISH_BODIES, ENGLISH_OPENINGS, ENGLISH_CLOSINGS, " "),
        (SIMPLIFIED_BODIES, SIMPLIFIED_OPENINGS, SIMPLIFIED_CLOSINGS, ""),
        (TRADITIONAL_BODIES, TRADITIONAL_OPENINGS, TRADITIONAL_CLOSINGS, ""),
    )[index % 3]
    parts = [rng.choice(openings), *rng.sample(bodies, rng.choice((1, 1, 2, 3)))]
    parts.append(rng.choice(closings))
    separator = rng.choice((joiner, joiner, "\n", "\n\n"))
    return separator.join(part for part in parts if part).format(**slot_values(rng))


def demo_messages(rng: random.Random) -> list[str]:
    messages = []
    for path in sorted(DEMO_CONTENT.glob("*.json")):
        content = json.loads(path.read_text("utf-8"))
        for scenario in content["scenarios"]:
            texts = [scenario["subject"], *(message["text"] for message in scenario["messages"])]
            messages += [text.format(**slot_values(rng)) for text in texts]
    return messages


def clinc150_messages() -> list[str]:
    folder = DATASETS / "clinc150"
    rows: list[str] = []
    for name in ("train.csv", "val.csv", "test.csv"):
        path = folder / name
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                rows += [row["text"] for row in csv.DictReader(handle)]
    return rows


def atec_messages() -> list[str]:
    path = DATASETS / "atec_ant_financial" / "all.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return sorted({row["sentence1"] for row in rows} | {row["sentence2"] for row in rows})


def email_like(text: str) -> InboundMessage:
    """The message as an e-mail client sends it: a plain and an HTML part, and a subject."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    return InboundMessage(
        channel="email",
        sender=Sender(kind="email", value="customer@example.com", name="Customer"),
        text=text,
        html=f"<html><body><div>{paragraphs}</div></body></html>",
        subject=text.split("\n")[0][:60],
    )


# --- Measuring ------------------------------------------------------------------------------


def rate(hits: int, total: int) -> str:
    return f"{hits:,} / {total:,} ({100 * hits / total:.2f} %)" if total else "n/a"


def false_alarms(messages: list[str]) -> list[str]:
    return [message for message in messages if find_secrets(message)]


def messages_per_second(messages: Sequence[Any], detector: Callable[[Any], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for message in messages:
            detector(message)
        best = min(best, time.perf_counter() - started)
    return len(messages) / best


def recall_rows(samples: list[PhraseSample]) -> Iterable[tuple[str, str]]:
    for language in LANGUAGES:
        mine = [sample for sample in samples if sample.language == language]
        yield f"recall, {language}", rate(sum(caught(sample) for sample in mine), len(mine))
    for word_count in PHRASE_LENGTHS:
        mine = [sample for sample in samples if sample.word_count == word_count]
        yield f"recall, {word_count} words", rate(sum(map(caught, mine)), len(mine))
    together = [sample for sample in samples if sample.together]
    yield "recall, Chinese without spaces", rate(sum(map(caught, together)), len(together))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phrases", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    rng = random.Random(options.seed)

    samples = [phrase_sample(index, rng) for index in range(options.phrases)]
    find_secrets(samples[1].text)  # load the word lists and the Chinese word model
    table = Table(title="Secret guard")
    table.add_column("measure")
    table.add_column("result", justify="right")
    table.add_row("recall, all phrases", rate(sum(map(caught, samples)), len(samples)))
    for measure, result in recall_rows(samples):
        table.add_row(measure, result)

    broken = [phrase_sample(index, rng, broken=True) for index in range(options.phrases // 10)]
    spaced = [sample for sample in broken if not sample.together]
    together = [sample for sample in broken if sample.together]
    table.add_row(
        "checksum broken, flagged (separated words)", rate(sum(map(suspected, spaced)), len(spaced))
    )
    table.add_row(
        "checksum broken, flagged (Chinese together: by design only if a window is valid)",
        rate(sum(map(suspected, together)), len(together)),
    )

    generated = [ordinary_message(rng, index) for index in range(options.messages)]
    demo = demo_messages(rng)
    ordinary = generated + demo
    alarms = false_alarms(ordinary)
    table.add_row(
        "false alarms, generated messages", rate(len(false_alarms(generated)), len(generated))
    )
    table.add_row("false alarms, demo conversations", rate(len(false_alarms(demo)), len(demo)))
    table.add_row("false alarms, all ordinary messages", rate(len(alarms), len(ordinary)))
    clinc, atec = clinc150_messages(), atec_messages()
    if clinc:
        table.add_row(
            "false alarms, CLINC150 (held out)", rate(len(false_alarms(clinc)), len(clinc))
        )
    if atec:
        table.add_row("false alarms, ATEC (held out)", rate(len(false_alarms(atec)), len(atec)))

    speed = messages_per_second(ordinary, find_secrets)
    table.add_row(
        "throughput, ordinary messages (1 core)",
        f"{speed:,.0f} msg/s (budget {THROUGHPUT_BUDGET_PER_S:,.0f})",
    )
    texts = [sample.text for sample in samples]
    table.add_row(
        "throughput, messages with a phrase",
        f"{messages_per_second(texts, find_secrets):,.0f} msg/s",
    )
    emails = [email_like(text) for text in ordinary]
    table.add_row(
        "throughput, guard_message on e-mails (text + HTML + subject)",
        f"{messages_per_second(emails, guard_message):,.0f} msg/s",
    )
    average = sum(map(len, ordinary)) / len(ordinary)
    table.add_row("average ordinary message", f"{average:.0f} characters")
    console.print(table)
    for message in alarms[:5]:
        console.print(f"[red]false alarm:[/red] {message!r} -> {find_secrets(message)}")


if __name__ == "__main__":
    main()
