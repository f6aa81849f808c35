"""The secret detectors: every phrase length in every list, noisy formatting, checksums, each
key format with a valid and a broken checksum, and ordinary messages that must stay untouched."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from cryptodesk.guard.detectors import find_secrets
from cryptodesk.guard.samples import (
    EXTENDED_VERSIONS,
    extended_private_key,
    hex_private_key,
    keystore_json,
    random_phrase,
    solana_secret_key,
    solana_secret_key_base58,
    solana_signature_base58,
    wif,
)
from cryptodesk.guard.wordlists import (
    LANGUAGES,
    PHRASE_LENGTHS,
    is_valid_phrase,
    phrase_from_entropy,
    wordlist,
)
from cryptodesk.nlu.codecs import b58check_encode, b58encode
from cryptodesk.tickets.pipeline import Finding

PHRASE = "recovery phrase"
SUSPECTED = "suspected recovery phrase"
KEY = "private key"
CHINESE = ("chinese_simplified", "chinese_traditional")
DEMO_CONTENT = Path(__file__).resolve().parents[2] / "src" / "cryptodesk" / "demo" / "content"


def phrase(language: str = "english", words: int = 12, seed: int = 0) -> list[str]:
    return random_phrase(random.Random(f"{language}-{words}-{seed}"), language, words)


def broken(words: list[str], language: str = "english") -> list[str]:
    """The phrase with its last word changed so that the checksum fails."""
    item = wordlist(language)
    changed = list(words)
    for candidate in item.words:
        changed[-1] = candidate
        if not is_valid_phrase([item.index[word] for word in changed]):
            return changed
    raise AssertionError("no word breaks the checksum")


def whole(text: str, kind: str = PHRASE) -> list[Finding]:
    return [Finding(kind, 0, len(text))]


def span_of(text: str, secret: str, kind: str) -> list[Finding]:
    start = text.index(secret)
    return [Finding(kind, start, start + len(secret))]


# --- BIP39 itself ------------------------------------------------------------------------------


def test_official_test_vector() -> None:
    assert phrase_from_entropy(bytes(16)) == ["abandon"] * 11 + ["about"]
    text = " ".join(["abandon"] * 11 + ["about"])
    assert find_secrets(text) == whole(text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", [16, 20, 24, 28, 32])
def test_phrases_match_the_reference_implementation(language: str, size: int) -> None:
    entropy = random.Random(f"{language}{size}").randbytes(size)
    reference = Mnemonic(language).to_mnemonic(entropy)
    ours = phrase_from_entropy(entropy, language)
    assert [Mnemonic.normalize_string(word) for word in ours] == [
        Mnemonic.normalize_string(word)
        for word in reference.split("\u3000" if language == "japanese" else " ")
    ]


# --- Valid phrases: every list, every length ---------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("length", PHRASE_LENGTHS)
@pytest.mark.parametrize("seed", range(3))
def test_valid_phrase_of_every_length_in_every_list(language: str, length: int, seed: int) -> None:
    separator = "\u3000" if language == "japanese" else " "
    text = separator.join(phrase(language, length, seed))
    assert find_secrets(text) == whole(text)


@pytest.mark.parametrize("language", CHINESE)
@pytest.mark.parametrize("length", PHRASE_LENGTHS)
@pytest.mark.parametrize("seed", range(6))
def test_chinese_phrase_written_without_spaces(language: str, length: int, seed: int) -> None:
    text = "".join(phrase(language, length, seed))
    assert find_secrets(text) == whole(text)


def test_accents_may_be_left_out_of_spanish_and_french_phrases() -> None:
    for language in ("spanish", "french"):
        words = phrase(language, 12, seed=4)
        plain = " ".join(
            re.sub(r"[\u0300-\u036f]", "", unicodedata.normalize("NFD", word)) for word in words
        )
        assert find_secrets(plain) == whole(plain)


# --- Noisy formatting --------------------------------------------------------------------------

WORDS = phrase("english", 12, seed=1)

ENGLISH_FORMATS: list[tuple[str, Callable[[list[str]], str]]] = [
    ("spaces", lambda w: " ".join(w)),
    ("extra spaces", lambda w: "   ".join(w)),
    ("commas", lambda w: ", ".join(w)),
    ("commas, no space", lambda w: ",".join(w)),
    ("ideographic commas", lambda w: "、".join(w)),
    ("fullwidth commas", lambda w: "，".join(w)),
    ("newlines", lambda w: "\n".join(w)),
    ("tabs", lambda w: "\t".join(w)),
    ("dashes", lambda w: " - ".join(w)),
    ("numbered with dots", lambda w: " ".join(f"{n}. {x}" for n, x in enumerate(w, 1))),
    ("numbered lines", lambda w: "\n".join(f"{n}) {x}" for n, x in enumerate(w, 1))),
    ("hash numbers", lambda w: " ".join(f"#{n} {x}" for n, x in enumerate(w, 1))),
    ("bracketed numbers", lambda w: " ".join(f"({n}) {x}" for n, x in enumerate(w, 1))),
    ("numbers glued", lambda w: " ".join(f"{n}.{x}" for n, x in enumerate(w, 1))),
    ("upper case", lambda w: " ".join(x.upper() for x in w)),
    ("title case", lambda w: " ".join(x.title() for x in w)),
    ("mixed case", lambda w: " ".join(x[0].upper() + x[1:-1] + x[-1].upper() for x in w)),
    ("quoted list", lambda w: json.dumps(w)),
    (
        "two columns",
        lambda w: "\n".join(f"{a:<10}{b}" for a, b in zip(w[::2], w[1::2], strict=True)),
    ),
    ("crlf lines", lambda w: "\r\n".join(w) + "\r\n"),
]


@pytest.mark.parametrize(("name", "layout"), ENGLISH_FORMATS, ids=[f[0] for f in ENGLISH_FORMATS])
def test_english_phrase_in_noisy_formatting(name: str, layout: Callable[[list[str]], str]) -> None:
    text = layout(WORDS)
    first = text.lower().index(WORDS[0])
    last = text.lower().rindex(WORDS[-1]) + len(WORDS[-1])
    assert find_secrets(text) == [Finding(PHRASE, first, last)]


def test_english_phrase_inside_a_sentence() -> None:
    secret = " ".join(WORDS)
    text = f"Hi, my words are: {secret}. Is my wallet safe now?"
    assert find_secrets(text) == span_of(text, secret, PHRASE)


ZH_WORDS = phrase("chinese_simplified", 12, seed=2)
CHINESE_FORMATS: list[tuple[str, Callable[[list[str]], str]]] = [
    ("spaces", lambda w: " ".join(w)),
    ("ideographic spaces", lambda w: "\u3000".join(w)),
    ("fullwidth commas", lambda w: "，".join(w)),
    ("enumeration commas", lambda w: "、".join(w)),
    ("full stops", lambda w: "。".join(w)),
    ("newlines", lambda w: "\n".join(w)),
    ("numbered", lambda w: " ".join(f"{n}. {x}" for n, x in enumerate(w, 1))),
    ("numbered glued", lambda w: "".join(f"{n}.{x}" for n, x in enumerate(w, 1))),
    (
        "fullwidth numbers",
        lambda w: " ".join(f"{chr(0xFF10 + n % 10)}．{x}" for n, x in enumerate(w, 1)),
    ),
    ("groups of four", lambda w: " ".join("".join(w[i : i + 4]) for i in range(0, 12, 4))),
    ("groups on lines", lambda w: "\n".join("".join(w[i : i + 3]) for i in range(0, 12, 3))),
    ("together", lambda w: "".join(w)),
]


@pytest.mark.parametrize(("name", "layout"), CHINESE_FORMATS, ids=[f[0] for f in CHINESE_FORMATS])
def test_chinese_phrase_in_noisy_formatting(name: str, layout: Callable[[list[str]], str]) -> None:
    text = layout(ZH_WORDS)
    first = text.index(ZH_WORDS[0])
    last = text.rindex(ZH_WORDS[-1]) + 1
    assert find_secrets(text) == [Finding(PHRASE, first, last)]


@pytest.mark.parametrize("seed", range(8))
def test_chinese_phrase_written_inside_a_chinese_sentence(seed: int) -> None:
    secret = "".join(phrase("chinese_traditional", 12, seed))
    text = f"我的助記詞是{secret}請幫我看看錢包是不是被盜了"
    findings = find_secrets(text)
    start = text.index(secret)
    assert len(findings) == 1
    assert findings[0].kind == PHRASE
    assert findings[0].start <= start
    assert findings[0].end >= start + len(secret)
    # A checksum-valid window shifted by a character or two may take a neighbour along; the
    # sentence itself is not taken for a phrase.
    assert findings[0].end <= len(text) - len("是不是被盜了")


def test_a_valid_window_is_found_inside_a_longer_run_of_list_words() -> None:
    noise = phrase("english", 12, seed=9)[:7]
    words = noise + WORDS
    text = " ".join(words)
    # The whole run goes: a mistyped phrase can hold a valid window among its words.
    assert find_secrets(text) == whole(text)


@pytest.mark.parametrize(
    "template",
    [
        "Here is my seed: {secret}. Please help, what can I do?",
        "Seed phrase: {secret}\nthank you",
        "1. {secret}. 2. Can you help?",
    ],
)
def test_common_words_around_a_phrase_stay_readable(template: str) -> None:
    # "seed", "phrase", "please", "help", "what", "can", "thank", "you" are
    # list words as well, yet they are the sentence, not the phrase. (A window shifted onto
    # such a word can pass the checksum by chance, 1 in 16; then that word goes too.)
    text = template.format(secret=" ".join(WORDS))
    assert find_secrets(text) == span_of(text, " ".join(WORDS), PHRASE)


def test_two_phrases_in_one_message() -> None:
    first, second = " ".join(WORDS), "".join(ZH_WORDS)
    text = f"old wallet: {first}\n新钱包：{second}"
    assert find_secrets(text) == span_of(text, first, PHRASE) + span_of(text, second, PHRASE)


# --- Broken checksums --------------------------------------------------------------------------


@pytest.mark.parametrize("length", [8, 9, 10, 11])
def test_eight_to_eleven_list_words_are_a_suspected_phrase(length: int) -> None:
    text = " ".join(phrase("english", 24, seed=3)[:length])
    assert find_secrets(text) == whole(text, SUSPECTED)


@pytest.mark.parametrize("length", PHRASE_LENGTHS)
def test_a_mistyped_phrase_is_redacted_whole(length: int) -> None:
    text = "\n".join(f"{n}. {word}" for n, word in enumerate(broken(phrase("english", length)), 1))
    (finding,) = find_secrets(text)
    assert (finding.start, finding.end) == (3, len(text))
    # A window of it may still pass the checksum by chance (1 in 16 for 12 words); then the run
    # is reported as a phrase, and redacted whole either way.
    assert finding.kind in (PHRASE, SUSPECTED)


def test_common_words_written_like_the_phrase_go_with_it() -> None:
    # A phrase may begin or end with a common word; one joined like the others is the phrase's.
    words = broken(phrase("english", 12, seed=5))
    words[0], words[-1] = "you", "please"
    text = "Seed phrase: " + ", ".join(words) + ". Thanks"
    start = text.index("you")
    assert find_secrets(text) == [Finding(SUSPECTED, start, text.index(". Thanks"))]


def test_a_mistyped_phrase_without_a_valid_window_is_suspected() -> None:
    text = " ".join(broken(phrase("english", 12, seed=2)))
    assert find_secrets(text) == whole(text, SUSPECTED)


def test_seven_list_words_are_nothing() -> None:
    assert find_secrets(" ".join(phrase("english", 12, seed=5)[:7])) == []


@pytest.mark.parametrize("language", CHINESE)
def test_a_mistyped_chinese_phrase_with_spaces_is_suspected(language: str) -> None:
    text = " ".join(broken(phrase(language, 12, seed=6), language))
    assert find_secrets(text) == whole(text, SUSPECTED)


def test_a_mistyped_chinese_phrase_written_together_is_not_reported() -> None:
    # Written together, list characters are ordinary Chinese; only the checksum tells a phrase.
    words = broken(phrase("chinese_simplified", 12, seed=7), "chinese_simplified")
    assert find_secrets("".join(words)) == []


def test_other_lists_need_the_checksum() -> None:
    text = " ".join(broken(phrase("spanish", 12, seed=8), "spanish"))
    assert find_secrets(text) == []


# --- Ordinary messages -------------------------------------------------------------------------

ORDINARY = [
    "I can not access my account after the update please help me fix this problem today",
    "To reduce this risk, you can add margin, use a lower leverage or close part of the position.",
    "Can you please say that again, I did not understand what you just said about the fee.",
    "Already tried: logout, login, update app, restart phone, clear cache, switch network, "
    "reset password. Nothing works.",
    "Do I need my 12-word recovery phrase to restore the wallet on a new phone?",
    "Please check my deposit, tx hash "
    "0x5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
    "txid: 5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab thanks",
    "0x5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
    "I never shared my private key but the funds left in transaction "
    "0x5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
    "Public key: 5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
    "Send it to 0x52908400098527886E0F7030069857D2E4169EE7 on ERC20, amount 1,250.00 USDT.",
    "My xpub is xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8Yt"
    "GqsefD265TMg7usUDFdp6W1EGMcet8",
    "你好，我的充值还没有到账，交易哈希是0x5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
    "你们好我是老用户了这次充值到现在还没到账我真的很着急希望你们能尽快帮我处理一下谢谢",
    "我想把我账户里面所有的币都提到我自己的钱包里面去但是一直提示我需要完成安全验证才可以操作",
    "换手机之后恢复钱包需要助记词吗？我写在纸上了但是不在身边",
    "為什麼我的帳戶突然不能交易了也沒有收到任何通知信件請給我一個合理的解釋",
    "客服說三個工作天內處理完但是現在已經一個禮拜了還是沒有任何消息",
    "我的私鑰從來沒有告訴過別人但是錢包裡的幣還是被轉走了交易雜湊"
    "0x5f2a0e1b6c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_support_messages_are_left_alone(text: str) -> None:
    assert find_secrets(text) == []


def demo_texts() -> list[str]:
    values = {
        "customer_name": "Wei Chen",
        "amount": "1,250.5",
        "address": "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE",
        "asset": "USDT",
        "txid": "0x" + "5f2a0e1b" * 8,
        "network": "TRC20",
    }
    texts = []
    for path in sorted(DEMO_CONTENT.glob("*.json")):
        for scenario in json.loads(path.read_text("utf-8"))["scenarios"]:
            texts.append(scenario["subject"])
            texts += [message["text"].format(**values) for message in scenario["messages"]]
    return texts


def test_the_demo_conversations_are_left_alone() -> None:
    texts = demo_texts()
    assert len(texts) > 100
    assert [text for text in texts if find_secrets(text)] == []


# --- Private keys ------------------------------------------------------------------------------

HEX_KEY = hex_private_key(random.Random(11))


@pytest.mark.parametrize(
    "template",
    [
        "private key: 0x{key}",
        "Private Key = {key}",
        "privkey {key}",
        "my secret is {key}",
        "key: {key}",
        "私钥：{key}",
        "私鑰 0x{key}",
        "这是我的密钥{key}",
        "0x{key} is my private key",
        "{key} 是我的私钥",
        "wallet export\nprivate_key={key}\n",
        "Private key:\n0x{key}",
    ],
)
def test_hex_private_key_in_key_context(template: str) -> None:
    text = template.format(key=HEX_KEY)
    secret = re.search(r"(0x)?[0-9a-f]{64}", text)
    assert secret is not None
    assert find_secrets(text) == [Finding(KEY, secret.start(), secret.end())]


@pytest.mark.parametrize(
    "template",
    [
        "0x{key}",
        "tx hash 0x{key}",
        "TXID: {key}",
        "交易哈希：0x{key}",
        "my private key is safe but the thief's transaction is 0x{key}",
        "public key {key}",
        "deposit {key} is missing. The key question is why.",
        "I never shared my private key!\n0x{key} drained everything.",
        "我从来没有泄露私钥。0x{key}",
        "0x{key}0",
    ],
)
def test_hex_without_key_context_is_a_transaction_hash(template: str) -> None:
    assert find_secrets(template.format(key=HEX_KEY)) == []


@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize("testnet", [True, False])
def test_wif_private_keys(compressed: bool, testnet: bool) -> None:
    key = wif(random.Random(12).randbytes(32), compressed=compressed, testnet=testnet)
    assert key[0] in ("c" if testnet else "KL") if compressed else ("9" if testnet else "5")
    text = f"imported {key} into Electrum"
    assert find_secrets(text) == span_of(text, key, KEY)


def change_one_character(encoded: str) -> str:
    position = len(encoded) // 2
    replacement = "2" if encoded[position] != "2" else "3"
    return encoded[:position] + replacement + encoded[position + 1 :]


def test_wif_with_a_broken_checksum_is_ignored() -> None:
    key = change_one_character(wif(random.Random(13).randbytes(32)))
    assert find_secrets(f"imported {key} into Electrum") == []


def test_base58check_with_another_version_is_not_a_wif() -> None:
    payload = b"\x05" + random.Random(14).randbytes(32) + b"\x01"
    assert find_secrets(b58check_encode(payload)) == []


@pytest.mark.parametrize("prefix", sorted(EXTENDED_VERSIONS))
def test_extended_private_keys(prefix: str) -> None:
    key = extended_private_key(random.Random(prefix), prefix)
    assert key.startswith(prefix)
    assert len(key) == 111
    text = f"Electrum master key: {key}"
    assert find_secrets(text) == span_of(text, key, "extended private key")


def test_extended_private_key_with_a_broken_checksum_is_ignored() -> None:
    key = change_one_character(extended_private_key(random.Random(15)))
    assert find_secrets(key) == []


def test_extended_public_key_is_not_a_secret() -> None:
    rng = random.Random(16)
    body = bytes([3]) + rng.randbytes(8) + rng.randbytes(32) + b"\x02" + rng.randbytes(32)
    xpub = b58check_encode(bytes.fromhex("0488b21e") + body)
    assert xpub.startswith("xpub")
    assert find_secrets(xpub) == []


@pytest.mark.parametrize("indent", [None, 2])
def test_ethereum_keystore(indent: int | None) -> None:
    keystore = keystore_json(random.Random(17), indent=indent)
    text = f"Here is my wallet file:\n{keystore}\nThe password is in my notes."
    assert find_secrets(text) == span_of(text, keystore, "keystore")


def test_keystore_with_capitalized_crypto_inside_a_wrapper() -> None:
    keystore = keystore_json(random.Random(18)).replace('"crypto"', '"Crypto"')
    text = '{"wallet": ' + keystore + ', "note": "backup"}'
    assert find_secrets(text) == span_of(text, keystore, "keystore")


def test_damaged_keystore_still_loses_its_ciphertext() -> None:
    keystore = keystore_json(random.Random(19))
    damaged = keystore[: keystore.index('"mac"')]  # cut short while pasting
    ciphertext = re.search(r'"ciphertext": "[0-9a-f]+"', damaged)
    assert ciphertext is not None
    assert find_secrets(damaged) == [Finding("keystore", *ciphertext.span())]


def test_solana_secret_key_in_base58() -> None:
    key = solana_secret_key_base58(random.Random(20))
    text = f"Phantom export: {key}"
    assert find_secrets(text) == span_of(text, key, "solana secret key")


def test_solana_transaction_signature_is_not_a_secret() -> None:
    signature = solana_signature_base58(random.Random(21))
    assert find_secrets(f"withdrawal completed, signature {signature}") == []
    assert find_secrets(signature) == []


def test_64_bytes_called_a_secret_key_are_redacted() -> None:
    value = solana_signature_base58(random.Random(22))
    text = f"my secret key: {value}"
    assert find_secrets(text) == span_of(text, value, "solana secret key")


def test_solana_keypair_file() -> None:
    array = json.dumps(list(solana_secret_key(random.Random(23))))
    text = f"id.json contains {array}"
    assert find_secrets(text) == span_of(text, array, "solana secret key")


@pytest.mark.parametrize(
    "array",
    [json.dumps([7] * 63), json.dumps([7] * 65), json.dumps([256] + [7] * 63)],
)
def test_other_number_arrays_are_not_keys(array: str) -> None:
    assert find_secrets(array) == []


def test_findings_are_sorted_and_do_not_overlap() -> None:
    rng = random.Random(24)
    key = wif(rng.randbytes(32))
    solana = b58encode(solana_secret_key(rng))
    # "my" is no list word: the phrase's run of list words ends before "private key".
    text = f"{solana}\n{' '.join(WORDS)}\nmy private key {HEX_KEY}\n{key}"
    assert find_secrets(text) == (
        span_of(text, solana, "solana secret key")
        + span_of(text, " ".join(WORDS), PHRASE)
        + span_of(text, HEX_KEY, KEY)
        + span_of(text, key, KEY)
    )


def test_empty_text() -> None:
    assert find_secrets("") == []
