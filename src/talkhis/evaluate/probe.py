"""A small quality probe for sentence embedders, to compare them side by side.

Three questions, on sentences of the seed articles:

* **paraphrase vs unrelated**: do pairs that report the same fact in different words
  (:data:`PARAPHRASES`) score above pairs of the same story that do not (:data:`UNRELATED`)?
  Reported as both means and the AUC (the share of paraphrase-unrelated comparisons the
  paraphrase wins; 1.0 = every paraphrase above every unrelated pair).
* **Arabic–English**: does each Arabic segment of the translation memory score its own English
  higher than another row's English? Reported as both means and the share of rows whose own
  translation is the closest English (top-1).
* **scale**: the cosine distance at which the model splits the seed segments' pairs in the same
  proportion as the default threshold (0.5) splits them for ``use`` — a threshold on the
  model's own scale.

:func:`throughput` times encoding, which depends on the machine; keep it apart from the rest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..embed import Embedder, get_embedder

__all__ = ["PARAPHRASES", "UNRELATED", "Probe", "auc", "probe", "matched_threshold", "throughput", "probe_table"]

#: Pairs of seed sentences from different outlets that report the same fact.
PARAPHRASES: tuple[tuple[str, str], ...] = (
    # about 2,500 US troops in Iraq (004 / 003)
    ('للولايات المتحدة حاليًا حوالي 2500 جندي في العراق لمهمة هزيمة داعش.',
     'ولا يزال هناك نحو 3500 جندي أجنبي على الأراضي العراقيّة، بينهم 2500 أمريكي، لكن إتمام عملية انسحابهم قد يستغرق سنوات.'),
    # US forces are there at the Iraqi government's invitation (001 / 004)
    ('وأكد المتحدث باسم وزارة الدفاع الأميركية أن "اللقاء سيناقش الوجود العسكري الأميركي في العراق"، مشيراً إلى أن "القوات الأميركية موجودة في العراق بدعوة من الحكومة العراقية لمحاربة داعش".',
     'وكما سمعتمنا نقول مرات عديدة من قبل، نحن هناك بدعوة من الحكومة العراقية.'),
    # the US combat mission ends at the end of the year (001 / 003)
    ('من جانبه صرح مصدر حكومي عراقي لـ"الشرق"، أن واشنطن ستسحب قواتها القتالية من العراق نهاية العام، وتعيد انتشارها في دول الجوار.',
     'توقع مسؤولون أمريكيون أن تعلن الولايات المتحدة والعراق رسمياً، إنهاء عمل البعثة القتالية الأمريكية في العراق بنهاية هذا العام، وأن يواصل البلدان عملية الانتقال نحو توفير التدريب والمشورة للقوات العراقية.'),
    # Kadhimi meets Biden in Washington (001 / 002)
    ('ويستقبل الرئيس الأميركي جو بايدن رئيس الوزراء العراقي مصطفى الكاظمي في 26 يوليو في واشنطن، حسب ما أعلن البيت الأبيض.',
     'يصل رئيس الحكومة مصطفى الكاظمي خلال ساعات إلى العاصمة الأمريكية واشنطن، لإجراء الجولة الأخيرة من المباحثات "الاستراتيجية" مع إدارة البيت الأبيض.'),
    # the new mission: advice, logistics and intelligence support (000 / 003)
    ('وأوضح المسؤول الأميركي أن المهمة الجديدة "تركز على تقديم المشورة والمساعدة، بما يشمل الدعم الاستخباراتي واللوجستي".',
     'وقال المسؤول إن التركيز سينصب على الأمور اللوجستية، وصيانة العتاد، ومساعدة القوات العراقية في تطوير قدراتها في قطاعي المخابرات والمراقبة.'),
    # the dialogue will set a timetable for the withdrawal (001 / 003)
    ('وأكد حسين أن جولة الحوار الاستراتيجي الرابعة بين بلاده والولايات المتحدة ستكون الأخيرة، مشيراً إلى أنها "ستشهد الاتفاق على جدولة الانسحاب الأميركي".',
     'ويُفترض أن يؤدّي الحوار الاستراتيجي بين بغداد وواشنطن إلى وضع جدول زمني لانسحاب التحالف الدولي الذي يحارب تنظيم “داعش”.'),
    # talks on long-term security cooperation at the Pentagon (001 / 003)
    ('وقال كيربي في تصريح نقلته وكالة الأنباء العراقية (واع)، إن "الاجتماع سيتناول الشق التقني للعلاقة العسكرية بين الولايات المتحدة والعراق"، مشيراً إلى أن "الاجتماع سيبحث شراكة التعاون الأمني المباشر طويل الأمد بين الولايات المتحدة والعراق، ومجالات التعاون تتجاوز مكافحة الإرهاب".',
     'من جهة أخرى، استقبلت مسؤولة الشؤون الدوليّة في وزارة الدفاع الأمريكيّة “البنتاجون”، مارا كارلين، وفداً برئاسة مستشار الأمن القومي العراقي قاسم الأعرجي، للبحث في “التعاون العسكري على المدى الطويل” بين البلدين، حسب ما قال المتحدّث باسم “البنتاجون” جون كيربي، في بيان.'),
    # Iraq no longer needs foreign combat forces (002 / a paraphrase written for the probe)
    ('وقال الكاظمي قبيل المغادرة، إنّ العراق لم يعد بحاجة إلى "أية قوات قتالية أجنبية على الأراضي العراقية"، دون أن يعلن عن موعد نهائي لرحيل القوات الأمريكية.',
     'أكد رئيس الوزراء العراقي أن بلاده لا تحتاج بعد اليوم إلى أي قوات أجنبية مقاتلة على أرضها، من غير أن يحدد موعدا لمغادرة الأمريكيين.'),
)

#: Pairs of seed sentences of the same story that report different things.
UNRELATED: tuple[tuple[str, str], ...] = (
    ('ووفقا للقيادة المركزية الأمريكية، استهدفت الغارة الأمريكية بطائرة بدون طيار في 4 كانون الثاني/يناير مشتاق جواد كاظم الجواري وقتلته.',
     'يصل رئيس الحكومة مصطفى الكاظمي خلال ساعات إلى العاصمة الأمريكية واشنطن، لإجراء الجولة الأخيرة من المباحثات "الاستراتيجية" مع إدارة البيت الأبيض.'),
    ('واستهدف أحدث هجوم كبير في السابع من يوليو قاعدة عين الأسد العسكرية في غرب العراق، حيث سقط 14 صاروخاً من دون تسجيل إصابات.',
     'وقال حسين: “نحن في العاصمة الأمريكية واشنطن تلبية لدعوة وزير الخارجية أنتوني بلينكن، لعقد أعمال اللجنة العليا المنبثقة عن اتفاق الإطار الاستراتيجي لعلاقة الصداقة والتعاون بين العراق والولايات المتحدة، التي تمثل استمراراً للحوار الاستراتيجي ومنذ انطلاق جولته الأولى في يونيو/ حزيران من العام الماضي”.'),
    ('وكان وزير الخارجية العراقي فؤاد حسين، صرح الأربعاء، بأنه "ليست هناك قواعد أميركية في العراق" واصفاً ما يروج بهذا الشأن بأنه "مفهوم خاطئ"، بحسب ما نقلت وكالة الأنباء العراقية.',
     'في أغسطس 2023، قبل بدء الصراع في الشرق الأوسط، اتفقت الولايات المتحدة والعراق على بدء “اللجنة العسكرية العليا” لإجراء المحادثات.'),
    ('وتشير الصحيفة، إلى أنّ "الكاظمي بهذا الإنجاز  سيحقق نصرًا سياسيًا يعود به إلى العراق لإرضاء الأطراف المعادية للولايات المتحدة في بلاده، بينما يبقي على التواجد العسكري الأمريكي".',
     'وأشار المتحدّث إلى أن وزير الدفاع الأمريكي لويد أوستن انضم إلى المحادثات لـ”إعادة تأكيد التزامه” مواصلة القتال ضدّ تنظيم “داعش”.'),
    ('وقال المسؤول إنه من المتوقع أن تعلن وزارة الدفاع عن استئناف المحادثات في وقت لاحق هذا الأسبوع.',
     'وصرح مستشار رئيس الوزراء العراقي لشؤون الإصلاح الأمني حسين علاوي، الأسبوع الماضي، بأن زيارة رئيس الوزراء العراقي مصطفى الكاظمي المرتقبة إلى الولايات المتحدة "ستذهب باتجاه تخفيض القوات الأميركية من جهة، والعودة بالعلاقات بين البلدين إلى ما قبل مرحلة سقوط الموصل (عام 2014) من جهة أخرى".'),
    ('وتُنسب هذه الهجمات التي لم تتبنّها أيّ جهة إلى فصائل مسلحة تابعة لإيران.',
     'وبيّن الكاظمي في تصريح لـ "أسوشيتد برس"، أنّ "الإطار الزمني الرسمي لإعادة انتشار القوات سيعتمد على نتيجة محادثات" التي ستجري مع مسؤولين أمريكيين هذا الأسبوع، و"احتياجات القوات العراقية التي أظهرت العام الماضي قدرتها على القيام بمهام مستقلة ضد داعش".'),
    ('وكان من المقرر عقد المحادثات المقبلة بين الولايات المتحدة والعراق في شهر أغسطس/آب، أي قبل وقت طويل من غزو حماس لإسرائيل وبدء الهجمات على القوات الأمريكية في العراق.',
     'وأشار إلى أنه "إذا ما طلبت منا أي حكومة عراقية لاحقاً المغادرة، فسنجلس لنناقش تداعيات عدم تقديم الأميركيين للدعم الذي يقدمونه الآن".'),
    ('لكن الإعلان، المتوقع صدوره عقب اجتماع بايدن والكاظمي، بعد غد الاثنين، سيصدر في وقت حساس سياسياً للحكومة العراقية، وقد ينظر إليه داخلياً في العراق باعتباره انتصاراً.',
     'وفقاً للعوامل التالية: التهديد الذي يشكله داعش، والمتطلبات التشغيلية والبيئية، ومستويات قدرة قوى الأمن الداخلي.'),
)


@dataclass(frozen=True)
class Probe:
    """One embedder's answers to the probe (see the module docstring)."""

    embedder: str
    paraphrase: float
    unrelated: float
    auc: float
    own_translation: float
    other_translation: float
    top1: float
    matched_threshold: float


def pair_cosines(embedder: Embedder, pairs: Sequence[tuple[str, str]]) -> list[float]:
    """Cosine similarity of each pair."""
    vectors = embedder.encode([s for pair in pairs for s in pair])
    return [float(vectors[2 * i] @ vectors[2 * i + 1]) for i in range(len(pairs))]


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Share of (positive, negative) comparisons the positive wins, ties counting half."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def _distances(x: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(len(x), 1)
    return 1.0 - np.einsum("ij,ij->i", x[i], x[j])


def matched_threshold(embedder: Embedder, texts: Sequence[str], reference: Embedder | None = None) -> float:
    """The cosine distance at which ``embedder`` splits the pairs of ``texts`` in the same
    proportion as 0.5 splits them for ``reference`` (the default embedder)."""
    reference = reference or get_embedder("use", cache=False)
    share = float(np.mean(_distances(reference.encode(list(texts))) < 0.5))
    return float(np.quantile(_distances(embedder.encode(list(texts))), share))


def probe(spec: str, texts: Sequence[str], translations: Sequence[tuple[str, str]]) -> Probe:
    """Run the probe for the embedder ``spec`` (cache off, so nothing is reused): ``texts`` for
    the threshold on the model's scale, ``translations`` as (Arabic, English) rows."""
    embedder = get_embedder(spec, cache=False)
    para, unrel = pair_cosines(embedder, PARAPHRASES), pair_cosines(embedder, UNRELATED)
    arabic = embedder.encode([a for a, _ in translations])
    english = embedder.encode([e for _, e in translations])
    sim = np.asarray(arabic, dtype=np.float64) @ np.asarray(english, dtype=np.float64).T
    n = len(translations)
    own = np.diag(sim)
    other = (sim.sum(axis=1) - own) / max(1, n - 1)
    top1 = float(np.mean(np.argmax(sim, axis=1) == np.arange(n)))
    return Probe(embedder.name, float(np.mean(para)), float(np.mean(unrel)), auc(para, unrel), float(own.mean()),
                 float(other.mean()), top1, matched_threshold(embedder, texts))


def throughput(spec: str, texts: Sequence[str]) -> float:
    """Sentences per second encoding ``texts`` once the model is loaded (machine-dependent)."""
    embedder = get_embedder(spec, cache=False)
    embedder.encode(list(texts[:2]))  # load the model first
    start = time.perf_counter()
    embedder.encode(list(texts))
    return len(texts) / max(time.perf_counter() - start, 1e-9)


def probe_table(probes: Sequence[Probe]) -> str:
    """The probes side by side as a Markdown table, figures rounded to two decimals."""
    from ..report.markdown import markdown_table

    rows = [[p.embedder, f"{p.paraphrase:.2f}", f"{p.unrelated:.2f}", f"{p.auc:.2f}", f"{p.own_translation:.2f}",
             f"{p.other_translation:.2f}", f"{p.top1:.0%}", f"{p.matched_threshold:.2f}"] for p in probes]
    return markdown_table(["embedder", "paraphrase cos", "unrelated cos", "AUC", "ar–en own", "ar–en other",
                           "own English first", "threshold on its scale"], rows)
