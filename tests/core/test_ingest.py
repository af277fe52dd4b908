"""The fact pipeline: junk removal, sentence splitting, judging, joining, de-duplication."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lalabot.core.facts import TOPICS, Fact, fact_id_for
from lalabot.core.ingest import (
    MAX_FACT_CHARS,
    MIN_FACT_CHARS,
    DocumentKind,
    IngestReport,
    clean_article_text,
    detect_kind,
    extract_facts,
    merge_duplicates,
    split_sentences,
)

SEEDS = Path(__file__).parents[2] / "seeds"
TRIVIA = "la_la_land_trivia.txt"
ARTICLE = "la_la_land_ending_article.txt"

TOPIC_SLUGS = {topic.slug for topic in TOPICS}
DEPENDENT_OPENERS = re.compile(
    r"^[\"'(\[]*(?:He|She|It|It's|Its|They|They're|They've|Them|This|That|That's|These|Those"
    r"|His|Her|Their|Also|Both have|Both are)\b"
)
JUNK = ("Trending Now", "Click Here", "](", "[Warning", "Explained7", "FAQ", "Related La")


@pytest.fixture(scope="module")
def trivia() -> IngestReport:
    return extract_facts((SEEDS / TRIVIA).read_text(encoding="utf-8"), TRIVIA)


@pytest.fixture(scope="module")
def article() -> IngestReport:
    return extract_facts((SEEDS / ARTICLE).read_text(encoding="utf-8"), ARTICLE)


def texts(report: IngestReport) -> list[str]:
    return [fact.text for fact in report.facts]


def make_fact(text: str, source: str = "test.txt") -> Fact:
    return Fact(id=fact_id_for(text), text=text, source=source, topics=("production",))


# --------------------------------------------------------------------------------------------
# Kind detection
# --------------------------------------------------------------------------------------------


def test_detect_kind_on_the_seeds() -> None:
    assert detect_kind((SEEDS / TRIVIA).read_text(encoding="utf-8")) is DocumentKind.LIST
    assert detect_kind((SEEDS / ARTICLE).read_text(encoding="utf-8")) is DocumentKind.ARTICLE


def test_detect_kind_list_of_short_paragraphs() -> None:
    text = "\n\n".join(
        [
            "Emma Stone sang Audition live on set in a single take.",
            "The opening number was filmed on a closed freeway ramp in two days.",
            "Justin Hurwitz wrote the score while Damien Chazelle edited the film.",
        ]
    )
    assert detect_kind(text) is DocumentKind.LIST


def test_detect_kind_web_junk_or_run_on_text_is_article() -> None:
    junk = "One fact here.\n\n[Click Here](#)\n\nAnother fact there.\n\nA third one."
    assert detect_kind(junk) is DocumentKind.ARTICLE
    run_on = " ".join(["The film opened in December and did very well at the box office."] * 40)
    assert detect_kind(run_on) is DocumentKind.ARTICLE
    leaning = "\n\n".join(
        [
            "Ryan Gosling learned the piano for the film over three months.",
            "He practised every day with a teacher on set and at home.",
            "However, he could not whistle, so Justin Hurwitz did it instead.",
            "They recorded the whistling in a studio in Los Angeles afterwards.",
        ]
    )
    assert detect_kind(leaning) is DocumentKind.ARTICLE


# --------------------------------------------------------------------------------------------
# Junk removal
# --------------------------------------------------------------------------------------------


def test_markdown_links_and_cta_links_are_removed() -> None:
    cleaned = clean_article_text(
        "[Click Here](#)\n\nSee [the trailer](https://example.com/x) for Ryan Gosling at work."
    )
    assert "Click Here" not in cleaned
    assert "](" not in cleaned
    assert "See the trailer for Ryan Gosling at work." in cleaned


def test_trending_teaser_glued_to_next_sentence_is_removed() -> None:
    cleaned = clean_article_text(
        "Trending Now: The Ending Of Bones And All ExplainedThe Ending Explained: The climactic "
        "ending of La La Land reveals Mia five years after their first encounter."
    )
    assert cleaned == (
        "The climactic ending of La La Land reveals Mia five years after their first encounter."
    )


def test_trending_teaser_with_stray_digit_is_removed() -> None:
    cleaned = clean_article_text(
        "Mia leaves the club. Trending Now: 2037 Korean Movie Ending Explained7. Unique Facts "
        "about La La Land. 1. Homage to Classic Musicals: La La Land pays homage to classic "
        "Hollywood musicals. Trending Now: Last Night In Soho EndingExplained5. Musical Numbers: "
        "Justin Hurwitz composed the songs."
    )
    assert "Trending" not in cleaned
    assert "Explained" not in cleaned
    assert not re.search(r"(?m)^\d", cleaned)
    assert "La La Land pays homage to classic Hollywood musicals." in cleaned
    assert "Musical Numbers:" not in cleaned
    assert "Justin Hurwitz composed the songs." in cleaned


def test_warning_banner_via_credit_and_escapes_are_removed() -> None:
    cleaned = clean_article_text(
        "[Warning: The following story contains spoilers from La La Land.] La La Land grossed "
        r"over \$446 million worldwide. Chazelle says both could be true (via Vulture)."
    )
    assert "[Warning" not in cleaned
    assert "(via" not in cleaned
    assert "$446 million" in cleaned
    assert "\\" not in cleaned


def test_related_teaser_and_calls_to_action_are_removed() -> None:
    cleaned = clean_article_text(
        "Mia designed the club's logo. Related La La Land's soundtrack tells a story of its own. "
        "Here is every song included. Check out behind-the-scenes video of Gosling in "
        '"La La Land" below. Sebastian plays the piano.'
    )
    assert "Related" not in cleaned
    assert "Here is every song" not in cleaned
    assert "Check out" not in cleaned
    assert "Mia designed the club's logo." in cleaned
    assert "Sebastian plays the piano." in cleaned


def test_faq_heading_numbered_markers_and_headings_are_removed() -> None:
    cleaned = clean_article_text(
        "The film ends in a jazz club. Trending Now: Eternals Ending Credit Scene Explained12 "
        "FAQs about La La Land (with Answers): 1. Why did Mia and Sebastian break up? Their "
        "careers pulled them apart. Final Thoughts: La La Land remains a musical."
    )
    assert "FAQ" not in cleaned
    assert "Final Thoughts" not in cleaned
    assert not re.search(r"(?m)^\d", cleaned)
    assert "Why did Mia and Sebastian break up?" in cleaned
    assert "La La Land remains a musical." in cleaned


def test_flattened_table_is_removed() -> None:
    cleaned = clean_article_text(
        "He lost his daughter. Damien Chazelle's Movies: Movie Rotten Tomatoes Score Whiplash "
        "(2014) 94% La La Land (2016) 91% First Man (2018) 87% Babylon (2022) 57% Babylon is "
        "Chazelle's depiction of Old Hollywood."
    )
    assert "%" not in cleaned
    assert "Babylon is Chazelle's depiction of Old Hollywood." in cleaned


def test_headline_subtitle_glued_before_a_name_is_removed() -> None:
    cleaned = clean_article_text(
        "The Ending of La La Land Explained: Unraveling the Magic La La Land, the 2016 musical "
        "film directed by Damien Chazelle, premiered in Venice."
    )
    assert cleaned.startswith("La La Land, the 2016 musical film")


# --------------------------------------------------------------------------------------------
# Sentence splitting
# --------------------------------------------------------------------------------------------


def test_split_keeps_abbreviations_initials_and_decimals_together() -> None:
    sentences = split_sentences(
        "When Mia returns to L.A., now married, she visits Seb's. Dr. Smith met Mr. Jones at "
        "7.20 pm on the Warner Bros. Studio lot. J.K. Simmons and D.A. Wallach have small roles. "
        "Spyros P. Skouras created CinemaScope. They starred in Crazy, Stupid, Love. (2011) "
        "together. The film was shot in L.A. The crew worked for 40 days."
    )
    assert sentences == [
        "When Mia returns to L.A., now married, she visits Seb's.",
        "Dr. Smith met Mr. Jones at 7.20 pm on the Warner Bros. Studio lot.",
        "J.K. Simmons and D.A. Wallach have small roles.",
        "Spyros P. Skouras created CinemaScope.",
        "They starred in Crazy, Stupid, Love. (2011) together.",
        "The film was shot in L.A.",
        "The crew worked for 40 days.",
    ]


def test_split_keeps_multi_sentence_quotations_whole() -> None:
    sentences = split_sentences(
        'Berger adds, "We felt confident. What we were open to was honest." Stone agreed! '
        'Did it work? "[Fellow producer] Jordan made a pact," says Berger.'
    )
    assert sentences == [
        'Berger adds, "We felt confident. What we were open to was honest."',
        "Stone agreed!",
        "Did it work?",
        '"[Fellow producer] Jordan made a pact," says Berger.',
    ]


# --------------------------------------------------------------------------------------------
# Judging article sentences
# --------------------------------------------------------------------------------------------


def article_of(*sentences: str) -> IngestReport:
    # A web-junk marker makes sure the text is read as an article.
    return extract_facts("[Click Here](#)\n\n" + " ".join(sentences), "snippet.txt")


def test_opinion_question_fragment_and_off_topic_are_dropped() -> None:
    report = article_of(
        "Emma Stone won the Academy Award for Best Actress for playing Mia.",
        "It's one of the most beautiful depictions of regret mixed with joy that I've ever seen "
        "on screen.",
        "Why did Mia and Sebastian break up?",
        "One look back distillation of what could have been, what was, and what is able to now "
        "because of.",
        "Of course, plenty of films end their central romances with a breakup or a goodbye.",
    )
    assert texts(report) == ["Emma Stone won the Academy Award for Best Actress for playing Mia."]
    assert report.dropped == {"opinion": 1, "question": 1, "fragment": 1, "off-topic": 1}
    assert report.sentences_total == 5
    assert report.sentences_kept == 1


def test_dependent_sentence_is_joined_to_the_kept_sentence_before() -> None:
    report = article_of(
        "Music has always been part of Ryan Gosling's life since he was a child performer.",
        'He also provides vocals on "City of Stars," which was nominated for best original song.',
    )
    assert texts(report) == [
        "Music has always been part of Ryan Gosling's life since he was a child performer. "
        'He also provides vocals on "City of Stars," which was nominated for best original song.'
    ]
    assert report.sentences_kept == 2


def test_dependent_sentence_after_a_dropped_one_is_dropped() -> None:
    report = article_of(
        "Justin Hurwitz wrote every song in the film with Benj Pasek and Justin Paul.",
        "It's an achingly sad moment that I will never forget.",
        "This time, mistakes weren't made, and betrayals weren't enacted.",
        "They are blissfully in love and move to Paris together.",
    )
    assert texts(report) == [
        "Justin Hurwitz wrote every song in the film with Benj Pasek and Justin Paul."
    ]
    assert report.dropped["dependent"] == 2


def test_join_that_would_be_too_long_is_dropped() -> None:
    long_first = (
        "Damien Chazelle wrote the film at Harvard with Justin Hurwitz, "
        + ("and the two kept rewriting the script for years " * 11).strip()
        + "."
    )
    assert MAX_FACT_CHARS - 50 < len(long_first) <= MAX_FACT_CHARS
    report = article_of(long_first, "He also directed it in 2015 in Los Angeles.")
    assert len(report.facts) == 1
    assert report.facts[0].text == long_first
    assert report.dropped == {"dependent": 1}


def test_leading_connective_is_stripped_when_the_rest_stands_alone() -> None:
    report = article_of(
        "Mia leaves the club in Los Angeles with her husband after the song ends.",
        "Why does she go?",
        "Meanwhile, Emma Stone proposed that her character would design the club's sign.",
    )
    assert texts(report)[-1] == (
        "Emma Stone proposed that her character would design the club's sign."
    )


def test_unattributed_quote_joins_the_attributed_one_before() -> None:
    report = article_of(
        '"We made a pact that the leads would not end up together," says Fred Berger.',
        '"He will always play jazz; she will always be an actress."',
    )
    assert len(report.facts) == 1
    assert report.facts[0].text.endswith(
        '"He will always play jazz; she will always be an actress."'
    )


def test_sentences_about_another_film_are_off_topic() -> None:
    # The document's own film is the one it names most: here La La Land.
    report = article_of(
        "La La Land opened the Venice Film Festival in 2016.",
        "Damien Chazelle's first feature was Whiplash (2014), about a jazz drummer.",
        "First Man (2018) details the journey Neil Armstrong took to the moon.",
        "The movie follows an astronaut through years of training.",
        "Emma Stone and Ryan Gosling had made two films together before La La Land.",
    )
    assert texts(report) == [
        "La La Land opened the Venice Film Festival in 2016.",
        "Damien Chazelle's first feature was Whiplash (2014), about a jazz drummer.",
        "Emma Stone and Ryan Gosling had made two films together before La La Land.",
    ]
    assert report.dropped == {"off-topic": 2}


def test_pipeline_is_general_on_an_unrelated_article() -> None:
    text = (
        "[Read More](https://example.com)\n\n[Warning: spoilers for The Grand Budapest Hotel.] "
        "Trending Now: Knives Out Ending ExplainedWes Anderson shot The Grand Budapest Hotel in "
        "Görlitz, Germany, during the winter of 2013. He also used miniature models for the "
        "hotel exterior. It's the most charming film I've ever seen. The film was shot in three "
        "different aspect ratios, one for each time period. Ralph Fiennes plays the concierge M. "
        "Gustave, a role first written for Johnny Depp. Why does Zero keep the hotel? Check out "
        "the trailer below. The film grossed $172.9 million worldwide against a budget of $25 "
        "million (via The Telegraph). In the end, Zero inherits the hotel after Gustave is killed."
    )
    report = extract_facts(text, "grand_budapest.txt")
    assert report.kind is DocumentKind.ARTICLE
    assert texts(report) == [
        "Wes Anderson shot The Grand Budapest Hotel in Görlitz, Germany, during the winter of "
        "2013. He also used miniature models for the hotel exterior.",
        "The film was shot in three different aspect ratios, one for each time period.",
        "Ralph Fiennes plays the concierge M. Gustave, a role first written for Johnny Depp.",
        "The film grossed $172.9 million worldwide against a budget of $25 million.",
        "In the end, Zero inherits the hotel after Gustave is killed.",
    ]
    assert report.dropped == {"opinion": 1, "question": 1}
    assert [fact.spoiler for fact in report.facts] == [False, False, False, False, True]
    assert all(fact.source == "grand_budapest.txt" for fact in report.facts)


def test_empty_text_gives_an_empty_report() -> None:
    report = extract_facts("", "empty.txt")
    assert report.facts == ()
    assert report.sentences_total == 0
    assert report.sentences_kept == 0


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------


def test_exact_duplicates_are_merged_ignoring_case_space_and_punctuation() -> None:
    a = make_fact("The film was shot in eight weeks over the course of Summer 2015.")
    b = make_fact("The film was shot in eight weeks over the course of summer 2015 ")
    c = make_fact("Emma Stone sang Audition live on set in a single take.")
    assert merge_duplicates([a, c, b]) == [a, c]


def test_near_exact_duplicates_are_merged_keeping_the_longer_in_first_place() -> None:
    first = make_fact("Emma Stone performed the song live on set with Justin Hurwitz at the piano.")
    second = make_fact(
        "Emma Stone performed the song live on the set with Justin Hurwitz at the piano."
    )
    other = make_fact("Ryan Gosling learned to play the piano in three months for the role.")
    assert merge_duplicates([first, other, second]) == [second, other]


def test_contained_fact_is_merged_into_the_longer_one() -> None:
    short = make_fact("La La Land won six Academy Awards including Best Director.")
    long_ = make_fact(
        "Premiering in Venice, La La Land won six Academy Awards including Best Director."
    )
    assert merge_duplicates([short, long_]) == [long_]


def test_different_numbers_or_different_words_are_not_merged() -> None:
    six = make_fact("La La Land won six Academy Awards out of 14 nominations in 2017.")
    seven = make_fact("La La Land won seven Golden Globe Awards out of 7 nominations in 2017.")
    count_a = make_fact("There were over 100 cars and 90 dancers in the opening scene of the film.")
    count_b = make_fact("There were over 100 cars and 30 dancers in the opening scene of the film.")
    facts = [six, seven, count_a, count_b]
    assert merge_duplicates(facts) == facts


def test_merge_works_across_documents() -> None:
    from_list = make_fact("Both critics and audiences praised the film La La Land.", "list.txt")
    from_article = make_fact("Both critics and audiences praised the film La La Land!", "web.txt")
    assert merge_duplicates([from_list, from_article]) == [from_list]


def test_list_document_merges_duplicate_paragraphs() -> None:
    text = (
        "Emma Stone sang Audition live on set in a single take.\n\n"
        "The opening number was filmed on a closed freeway ramp in two days.\n\n"
        "Emma Stone sang  Audition live on set in a single take. \n\n"
        "Justin Hurwitz wrote the score while Damien Chazelle edited the film.\n\n"
        "The opening number was filmed on the closed freeway ramp in two days.\n"
    )
    report = extract_facts(text, "list.txt")
    assert report.kind is DocumentKind.LIST
    # The longer of two near-exact duplicates wins ("the" over "a"), in the first one's place.
    assert texts(report) == [
        "Emma Stone sang Audition live on set in a single take.",
        "The opening number was filmed on the closed freeway ramp in two days.",
        "Justin Hurwitz wrote the score while Damien Chazelle edited the film.",
    ]
    assert report.dropped == {"duplicate": 2}
    assert report.sentences_total == 5
    assert report.sentences_kept == 3


# --------------------------------------------------------------------------------------------
# The real seeds
# --------------------------------------------------------------------------------------------


def test_trivia_list_every_paragraph_becomes_a_standalone_fact(trivia: IngestReport) -> None:
    # The seed holds 290 blank-line-separated paragraphs. None of them is an exact or
    # near-exact duplicate of another (the closest pairs, e.g. the two about Gosling and Stone's
    # earlier films together or the two about Randy Kerber's piano recordings, are paraphrases
    # with a different wording and different details, not near-exact copies). Scraped beside
    # pictures, some open with "This": those about the film or a scene are rewritten to stand
    # alone; four that only make sense beside their lost picture ("This is the Chateau
    # Marmont ...", "This building ...", "This was all created ...", "This is the only scene
    # ...") are dropped as dependent.
    assert trivia.kind is DocumentKind.LIST
    assert len(trivia.facts) == 286
    assert trivia.sentences_total == 290
    assert trivia.sentences_kept == 286
    assert trivia.dropped == {"dependent": 4}
    for text in texts(trivia):
        assert text[0].isupper() or text[0].isdigit() or text[0] == '"', text
        assert not re.match(r"(This|That|These|Those|He|She|They|His|Her|Their|Its)\b", text)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("This is the second film to pair the two leads.", "Nightfall is the second film to"),
        ("This scene was shot on the pier.", "One scene was shot on the pier."),
        ("This dinner scene was rewritten.", "The dinner scene was rewritten."),
        ("It was Costa's idea to add the song.", "It was Costa's idea"),
        ("It was her idea to add the song.", None),
        ("This is the museum downtown.", None),
        ("They later married.", None),
    ],
)
def test_list_items_are_made_to_stand_alone(paragraph: str, expected: str | None) -> None:
    others = [
        "Nightfall (2030) was shot over forty nights in Lisbon by director Ana Costa.",
        "Composer Rui Mota wrote the score for Nightfall (2030) in eleven weeks.",
        "The lead actor of Nightfall (2030) learned to sail for the harbour sequence.",
        "Nightfall (2030) opened the Venice festival and won the audience award.",
    ]
    text = "\n\n".join([*others[:2], paragraph, *others[2:]])
    report = extract_facts(text, "list.txt")
    assert report.kind is DocumentKind.LIST
    found = [f.text for f in report.facts if f.text not in others]
    if expected is None:
        assert found == []
        assert report.dropped == {"dependent": 1}
    else:
        assert found[0].startswith(expected)


def test_article_yields_a_sensible_number_of_clean_facts(article: IngestReport) -> None:
    assert article.kind is DocumentKind.ARTICLE
    assert 40 <= len(article.facts) <= 100
    for text in texts(article):
        assert not any(junk in text for junk in JUNK), text
        assert text[0].isupper() or text[0].isdigit() or text[0] == '"', text
        assert not DEPENDENT_OPENERS.match(text), text
        assert MIN_FACT_CHARS <= len(text) <= MAX_FACT_CHARS, text
        assert text == " ".join(text.split()), text
    assert set(article.dropped) <= {
        "opinion",
        "fragment",
        "dependent",
        "duplicate",
        "off-topic",
        "question",
    }
    assert article.sentences_total == article.sentences_kept + sum(article.dropped.values())
    assert article.dropped["opinion"] > 0
    assert article.dropped["question"] > 0


def test_article_keeps_the_checkable_facts(article: IngestReport) -> None:
    joined = "\n".join(texts(article))
    for expected in (
        "J.K. Simmons, John Legend, Rosemarie DeWitt, and Finn Wittrock appear in supporting "
        "roles.",
        "La La Land received critical acclaim and was a commercial success, grossing over "
        "$446 million worldwide. It also won six Academy Awards",
        "Stone proposed that her character would create Sebastian's",
    ):
        assert expected in joined
    for unwanted in ("I've ever seen", "masterpiece", "In this article", "Why did Mia"):
        assert unwanted not in joined


def test_every_fact_is_well_formed(trivia: IngestReport, article: IngestReport) -> None:
    for report, source in ((trivia, TRIVIA), (article, ARTICLE)):
        for fact in report.facts:
            assert fact.id == fact_id_for(fact.text)
            assert fact.source == source
            assert 1 <= len(fact.topics) <= 3
            assert set(fact.topics) <= TOPIC_SLUGS
            assert len(set(fact.topics)) == len(fact.topics)
            assert fact.text == fact.text.strip()
            assert "  " not in fact.text


def test_fact_ids_are_unique_across_both_seeds(trivia: IngestReport, article: IngestReport) -> None:
    ids = [fact.id for fact in (*trivia.facts, *article.facts)]
    assert len(ids) == len(set(ids))


def test_spoilers_are_in_the_article_and_rare_in_the_list(
    trivia: IngestReport, article: IngestReport
) -> None:
    article_spoilers = sum(fact.spoiler for fact in article.facts)
    trivia_spoilers = sum(fact.spoiler for fact in trivia.facts)
    assert article_spoilers >= 5
    assert trivia_spoilers < len(trivia.facts) * 0.15


def test_seed_facts_mention_entities(trivia: IngestReport, article: IngestReport) -> None:
    article_with_entities = sum(1 for fact in article.facts if fact.entities)
    assert article_with_entities >= len(article.facts) * 0.9
    with_entities = sum(1 for fact in trivia.facts if fact.entities)
    assert with_entities >= len(trivia.facts) * 0.85


def test_extraction_is_deterministic(trivia: IngestReport, article: IngestReport) -> None:
    again_trivia = extract_facts((SEEDS / TRIVIA).read_text(encoding="utf-8"), TRIVIA)
    again_article = extract_facts((SEEDS / ARTICLE).read_text(encoding="utf-8"), ARTICLE)
    assert again_trivia == trivia
    assert again_article == article


def test_merging_both_seeds_keeps_everything(trivia: IngestReport, article: IngestReport) -> None:
    merged = merge_duplicates([*trivia.facts, *article.facts])
    assert len(merged) == len(trivia.facts) + len(article.facts)
