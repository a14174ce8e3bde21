"""MultiLing: the reader and its one-line errors, the lead round-robins, headline marking, and
the scores of every row on a two-topic fixture worked out by hand."""

from __future__ import annotations

import json

import pytest

from talkhis.errors import InputError
from talkhis.evaluate import (
    is_multiling_file,
    multiling_scores,
    multiling_table,
    multiling_topics_table,
    read_topics,
    rouge,
)
from talkhis.evaluate.multiling import Topic, first_words, lead_round_robin, lead_round_robin_lines, topic_corpus
from talkhis.pipeline import Options

HEAD_1 = "زلزال قوي يضرب المدينة الساحلية فجرا."
HEAD_2 = "ارتفاع عدد ضحايا الزلزال إلى عشرين."
DOC_1 = [
    "ضرب زلزال قوي المدينة الساحلية فجر يوم الاثنين وشعر به السكان.",
    "وقال الدفاع المدني إن عشرة أشخاص قتلوا تحت الأنقاض.",
    "وأعلنت الحكومة الحداد ثلاثة أيام في جميع أنحاء البلاد.",
]
DOC_2 = [
    "ارتفع عدد ضحايا الزلزال إلى عشرين شخصا بحسب وزارة الصحة.",
    "وما زالت فرق الإنقاذ تبحث عن مفقودين في الأحياء القديمة.",
]
MODEL_A = "ضرب زلزال قوي المدينة الساحلية وقتل عشرين شخصا."
MODEL_B = "قتل الزلزال عشرين شخصا وأعلنت الحكومة الحداد."


def doc(name: str, head: str, sentences: list[str]) -> dict:
    return {"name": name, "text": f"{head}\nالاثنين 1 مارس 2010\n" + " ".join(sentences)}


def topic_json(topic: str = "T1", systems: dict | None = None) -> dict:
    return {"topic": topic, "documents": [doc("d1", HEAD_1, DOC_1), doc("d2", HEAD_2, DOC_2)],
            "models": [MODEL_A, MODEL_B],
            "systems_2011": {"ID3 JRC": MODEL_A, "ID9 centroid": DOC_1[0]} if systems is None else systems}


def write(path, records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def one_topic(tmp_path) -> Topic:
    return read_topics(write(tmp_path / "one.jsonl", [topic_json()]))[0]


def test_read_topics_and_recognise_the_format(tmp_path):
    path = write(tmp_path / "ml.jsonl", [topic_json("T1"), "", topic_json("T2")])
    topics = read_topics(path)
    assert [t.id for t in topics] == ["T1", "T2"]
    assert [d.name for d in topics[0].documents] == ["d1", "d2"] and len(topics[0].models) == 2
    assert is_multiling_file(path)
    easc = write(tmp_path / "easc.jsonl", [{"id": "a", "article": "نص", "references": ["نص"]}])
    assert not is_multiling_file(easc)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"topic": "X", "models": ["نص"]}, "'documents'"),
        ({**topic_json("X"), "documents": []}, "'documents' must be a non-empty list"),
        ({**topic_json("X"), "documents": [{"name": "d"}]}, "document 1 must be an object"),
        ({**topic_json("X"), "models": ["نص", ""]}, "'models' must be a non-empty list"),
        ({**topic_json("X"), "systems_2011": ["نص"]}, "'systems_2011' must map"),
        ({**topic_json("X"), "documents": [doc("d", HEAD_1, DOC_1)] * 2}, "same name"),
        (topic_json("T1"), "appears twice"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_a_bad_topic_is_a_one_line_error(tmp_path, record, message):
    path = write(tmp_path / "bad.jsonl", [topic_json("T1"), record])
    with pytest.raises(InputError, match=message) as info:
        read_topics(path)
    assert f"{path}:2:" in str(info.value) and "\n" not in str(info.value)


def test_first_words():
    assert first_words("واحد  اثنان\nثلاثة أربعة", 3) == "واحد اثنان ثلاثة"
    assert first_words("واحد", 250) == "واحد"


def test_headlines_are_marked_as_titles(one_topic):
    corpus = topic_corpus(one_topic)
    d1 = corpus.article("d1")
    assert d1.title == HEAD_1
    assert [s.text for s in d1.sentences if s.kind == "title"] == [HEAD_1]
    # left to talkhis, a headline ending in a full stop is still the title: the dateline follows it
    own = topic_corpus(one_topic, mark_headlines=False).article("d1")
    assert own.title == HEAD_1 and [s.text for s in own.sentences if s.kind == "title"] == [HEAD_1]


def test_lead_round_robin_takes_first_sentences_in_turn(one_topic):
    t = one_topic
    assert lead_round_robin(t) == " ".join([DOC_1[0], DOC_2[0], DOC_1[1], DOC_2[1], DOC_1[2]])
    # cut to the word budget: the first sentence of d1 has 11 words, d2's starts the rest
    assert lead_round_robin(t, 13) == DOC_1[0] + " " + " ".join(DOC_2[0].split()[:2])
    # the lines variant starts with the two headlines, then the two date lines
    assert lead_round_robin_lines(t).startswith(f"{HEAD_1} {HEAD_2} الاثنين 1 مارس 2010 الاثنين 1 مارس 2010 {DOC_1[0]}")


def test_multiling_scores_every_row(tmp_path):
    path = write(tmp_path / "ml.jsonl", [topic_json("T1"), topic_json("T2", {"ID3 JRC": MODEL_A, "ID4 LIF": MODEL_B})])
    result = multiling_scores(path, options=Options(embedder="tfidf", words=30, translator="none", cache=False),
                              n_boot=50, headline_row=True)
    # ID9 is missing from T2 and ID4 from T1: neither is shown rather than scoring a gap as 0
    assert result.rows == ["talkhis", "talkhis (headlines left to its own detection)", "lead round-robin (body sentences)",
                           "lead round-robin (headline and date lines)", "ID3 JRC",
                           "human vs the other two (mean of 3)", "human A vs B and C"]
    ab = rouge(MODEL_A, [MODEL_B])
    # JRC copies human A: F 1 against A, F(A, B) against B, mean of the two
    assert result.scores["ID3 JRC"][0, 0] == pytest.approx((1 + ab["rouge1"].fmeasure) / 2)
    assert result.scores["ID3 JRC"][0, 1] == pytest.approx((1 + ab["rouge2"].fmeasure) / 2)
    # two humans: each against the other, and F is symmetric
    assert result.scores["human A vs B and C"][0, 0] == pytest.approx(ab["rouge1"].fmeasure)
    assert result.scores["human vs the other two (mean of 3)"][0, 0] == pytest.approx(ab["rouge1"].fmeasure)
    assert all(len(s.split()) <= 30 for s in result.summaries["talkhis"])
    assert HEAD_1 not in result.summaries["talkhis"][0]
    mean, low, high = result.mean("ID3 JRC", "rouge1")
    assert low <= mean <= high
    table = multiling_table(result)
    assert "| ID3 JRC |" in table and "2 topics" in table
    assert multiling_topics_table(result).splitlines()[0] == "| ROUGE-1 / ROUGE-2 F | T1 | T2 |"
    assert json.dumps(result.to_dict(), ensure_ascii=False)


def test_the_2011_baseline_and_topline_are_labelled(tmp_path):
    systems = {"ID9 centroid": MODEL_A, "ID10 genetic": MODEL_B}
    result = multiling_scores(write(tmp_path / "ml.jsonl", [topic_json("T1", systems)]), talkhis=False, n_boot=10)
    assert result.labels["ID9 centroid"] == "ID9 centroid (centroid baseline)"
    assert result.labels["ID10 genetic"] == "ID10 genetic (topline that read the human summaries)"
    assert result.rows.index("ID9 centroid") < result.rows.index("ID10 genetic")  # by id number, not as text
