"""The loader: one transaction per batch (all or nothing), and reloading a file replaces, never duplicates."""

from __future__ import annotations

import hashlib

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.transforms.records import Article, Fact, Rejection, StagedFile
from gonghui.warehouse import load as wh


def _batch(run_id: str, texts: list[str], dup_fact: bool = False) -> wh.BatchResult:
    b = wh.BatchResult(run_id=run_id, batch=0, version="test")
    for i, text in enumerate(texts):
        fid = hashlib.sha256(f"{i}:{text}".encode()).hexdigest()
        sf = StagedFile(fid, f"f{i}.txt", len(text.encode()), "utf-8", text)
        b.files.append(wh.FileOutcome(sf, None, "loaded"))
        a = Article(article_id=fid[:16], file_id=fid, source_file=sf.path, seq=1, title=f"t{i}", body=text,
                    authors=("甲",), publish_date="2023-01-02", source="工人日报")
        b.articles.append(a)
        b.facts.append(Fact(fact_id=fid[:16], article_id=a.article_id, evidence=text[:1], char_start=0,
                            char_end=1, value=1.0, unit="个", number_text="1"))
        b.rejections.append(Rejection("segment", "article", "q" + fid[:15], sf.path, ("missing_source",)))
        b.rejection_file_ids.append(fid)
        b.file_states[sf.path] = "loaded"
    if dup_fact and b.facts:
        b.facts.append(b.facts[0])  # the same fact_id twice in one batch
    b.dq_rows = [{"stage": "segment", "suite": "articles", "expectation": "missing_source", "success": True,
                  "element_count": len(texts), "unexpected_count": 0, "details": {}}]
    return b


def _counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("raw_files", "articles", "facts", "quarantine", "dq_results")}


def test_a_failing_batch_leaves_nothing_half_loaded(tmp_path):
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    wh.load_batch(db, _batch("r1", ["一号文本", "二号文本"]))
    before = _counts(db)
    with pytest.raises(wh.DuplicateKey):
        wh.load_batch(db, _batch("r2", ["三号文本", "四号文本"], dup_fact=True))
    assert _counts(db) == before


def test_a_key_already_loaded_from_another_file_fails_the_batch(tmp_path):
    """Keys are checked without PRIMARY KEY indexes: an article id another file already holds (a hash
    clash) fails the whole batch with the key named, and what was loaded stays as it was."""
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    first = _batch("r1", ["一号文本"])
    wh.load_batch(db, first)
    before = _counts(db)
    clash = _batch("r2", ["二号文本"])
    a = clash.articles[0]
    clash.articles[0] = Article(**{**a.__dict__, "article_id": first.articles[0].article_id})
    with pytest.raises(wh.DuplicateKey, match=first.articles[0].article_id):
        wh.load_batch(db, clash)
    assert _counts(db) == before
    wh.load_batch(db, first)  # reloading the same file replaces its rows: no clash
    assert _counts(db)["articles"] == 1


def test_a_shard_loads_like_the_batch_it_was_written_from(tmp_path):
    """Workers write Parquet shards; the loader reads them with DuckDB: same rows as the in-memory batch."""
    from gonghui.transforms.dedup import band_keys, signature

    b = _batch("r1", ["一号文本", "二号文本"])
    b.signatures = [(a.article_id, a.file_id, sig, band_keys(sig)) for a in b.articles for sig in [signature(a.body)]]
    direct, via_shard = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for db in (direct, via_shard):
        wh.ensure_schema(db)
    wh.load_packed(direct, wh.pack(b))
    shard = wh.write_shard(wh.pack(b), tmp_path / "shard")
    wh.load_packed(via_shard, wh.read_shard(shard))
    for table in ("raw_files", "articles", "facts", "quarantine", "dq_results", "article_signatures"):
        rows = []
        for db in (direct, via_shard):
            with duckdb.connect(str(db), read_only=True) as con:
                cols = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?",
                                                  [table]).fetchall() if c not in ("created_at", "evaluated_at", "valid_from")]
                rows.append(con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall())
        assert rows[0] == rows[1] and rows[0], table


def test_schema_columns_are_all_commented(tmp_path):
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    with duckdb.connect(str(db), read_only=True) as con:
        missing = con.execute("""SELECT table_name, column_name FROM duckdb_columns()
                                 WHERE NOT internal AND schema_name = 'main' AND comment IS NULL
                                   AND table_name IN (SELECT table_name FROM duckdb_tables())""").fetchall()
    assert missing == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5, unique=True))
def test_reloading_a_batch_is_idempotent(tmp_path_factory, texts):
    db = tmp_path_factory.mktemp("idem") / "wh.duckdb"
    wh.ensure_schema(db)
    wh.load_batch(db, _batch("r1", texts))
    first = _counts(db)
    wh.load_batch(db, _batch("r2", texts))
    second = _counts(db)
    # derived rows are replaced; only dq_results (a history) grows
    assert {k: v for k, v in second.items() if k != "dq_results"} == \
        {k: v for k, v in first.items() if k != "dq_results"}
    with duckdb.connect(str(db), read_only=True) as con:
        got = sorted(r[0] for r in con.execute("SELECT body FROM articles").fetchall())
    assert got == sorted(texts)


def _rows(db) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        out = {}
        for t in ("raw_files", "articles", "facts", "people", "quarantine", "article_signatures"):
            # a load timestamp differs
            cols = {"quarantine": "* EXCLUDE (created_at)", "articles": "* EXCLUDE (valid_from)",
                    "facts": "* EXCLUDE (valid_from)", "people": "* EXCLUDE (valid_from)"}.get(t, "*")
            out[t] = sorted(con.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr)
        return out


def test_loads_inside_loading_share_a_connection_and_equal_separate_loads(tmp_path, monkeypatch):
    held_db, plain_db = tmp_path / "held.duckdb", tmp_path / "plain.duckdb"
    batches = [_batch("r1", [f"{i}号文本甲", f"{i}号文本乙"]) for i in range(4)]
    for db in (held_db, plain_db):
        wh.ensure_schema(db)
    for b in batches:
        wh.load_batch(plain_db, b)
    opened = []
    real_open = wh.open_connection
    monkeypatch.setattr(wh, "open_connection", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    with wh.loading(held_db):
        for b in batches[:2]:
            wh.load_batch(held_db, b)
        assert len(opened) == 1  # one connection for both loads: one checkpoint, not two
        monkeypatch.setattr(wh, "LOAD_HOLD_SECONDS", 0.0)  # the hold has run out: released, reopened
        for b in batches[2:]:
            wh.load_batch(held_db, b)
        assert len(opened) == 3
    assert wh._HELD == {}  # released at the end of the block
    assert _rows(held_db) == _rows(plain_db)


def test_a_failed_load_inside_loading_rolls_back_and_the_next_one_starts_fresh(tmp_path):
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    with wh.loading(db):
        wh.load_batch(db, _batch("r1", ["一号文本"]))
        with pytest.raises(wh.DuplicateKey):
            wh.load_batch(db, _batch("r2", ["三号文本", "四号文本"], dup_fact=True))
        wh.load_batch(db, _batch("r3", ["五号文本"]))
    counts = _counts(db)  # the failed batch left nothing; the loads around it are there
    assert counts["raw_files"] == 2 and counts["articles"] == 2 and counts["facts"] == 2


def test_staged_files_pages_cover_every_row_once(tmp_path):
    """--reprocess reads the warehouse page by page ((path, file_id) order): small pages, rows sharing a
    path (a file whose content changed) and the last short page lose and repeat nothing."""
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    wh.load_batch(db, _batch("r1", ["一号文本", "二号文本", "三号文本"]))
    changed = _batch("r2", ["一号文本改"])  # f0.txt again, other bytes: a second row with that path
    wh.load_batch(db, changed)
    everything = wh.staged_files(db)
    assert len(everything) == 4 and [r[1] for r in everything].count("f0.txt") == 2
    for limit in (1, 2, 3):
        pages, after = [], None
        while page := wh.staged_files(db, after, limit):
            pages.extend(page)
            after = (page[-1][1], page[-1][0])
        assert pages == everything
    assert wh.count_staged(db) == 4


def _paths(db) -> list[tuple[str, str, str, bool]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT path, file_id, state, valid_to IS NULL FROM file_paths ORDER BY path, valid_from"
                           ).fetchall()


def test_a_revision_is_applied_with_its_batch_or_not_at_all(tmp_path):
    """New bytes at a known path retire the old content's rows in the batch's transaction: a batch
    that fails leaves the paths and the old rows as they were; the next good batch retires them."""
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    first = _batch("r1", ["一号文本"])
    first.paths = [("f0.txt", first.files[0].staged.file_id, str(tmp_path))]
    wh.load_batch(db, first)
    old_id = first.files[0].staged.file_id
    assert _paths(db) == [("f0.txt", old_id, "present", True)]

    bad = _batch("r2", ["一号文本（更正）"], dup_fact=True)
    new_id = bad.files[0].staged.file_id
    bad.paths = [("f0.txt", new_id, str(tmp_path))]
    with pytest.raises(wh.DuplicateKey):
        wh.load_batch(db, bad)
    assert _paths(db) == [("f0.txt", old_id, "present", True)]

    good = _batch("r2", ["一号文本（更正）"])
    good.paths = [("f0.txt", new_id, str(tmp_path))]
    assert wh.load_batch(db, good)["files_revised"] == 1
    assert _paths(db) == [("f0.txt", old_id, "revised", False), ("f0.txt", new_id, "present", True)]
    with duckdb.connect(str(db), read_only=True) as con:
        for table in ("articles", "facts"):
            assert con.execute(f"SELECT file_id, retired_run_id FROM {table} ORDER BY valid_from").fetchall() == [
                (old_id, "r2"), (new_id, None)], table
        assert con.execute("SELECT state, retired_run_id FROM raw_files WHERE file_id = ?", [old_id]).fetchone() == (
            "revised", "r2")


def test_a_copy_at_a_second_path_keeps_the_content_current(tmp_path):
    """Content held at two paths is retired only when neither holds it: revising one path of a copied
    file leaves its rows current."""
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    first = _batch("r1", ["一号文本"])
    fid = first.files[0].staged.file_id
    first.paths = [("a.txt", fid, str(tmp_path)), ("copy/a.txt", fid, str(tmp_path))]
    wh.load_batch(db, first)
    second = _batch("r2", ["二号文本"])
    second.paths = [("a.txt", second.files[0].staged.file_id, str(tmp_path))]
    assert wh.load_batch(db, second)["files_revised"] == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE file_id = ? AND valid_to IS NULL",
                           [fid]).fetchone()[0] == 1
        assert con.execute("SELECT state FROM raw_files WHERE file_id = ?", [fid]).fetchone() == ("loaded",)


def test_the_same_name_in_another_input_folder_is_not_a_revision(tmp_path):
    """Paths are relative to their input folder: f0.txt of folder b is another file than f0.txt of
    folder a, and a run over b marks nothing of a missing."""
    db = tmp_path / "wh.duckdb"
    wh.ensure_schema(db)
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    first = _batch("r1", ["一号文本"])
    first.paths = [("f0.txt", first.files[0].staged.file_id, a)]
    wh.load_batch(db, first)
    second = _batch("r2", ["二号文本"])
    second.paths = [("f0.txt", second.files[0].staged.file_id, b)]
    assert wh.load_batch(db, second)["files_revised"] == 0
    assert wh.mark_missing(db, "r2", b, {wh.path_key("f0.txt")}) == {"missing": 0, "pruned": 0}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE valid_to IS NULL").fetchone()[0] == 2
        assert con.execute("SELECT input_dir, state FROM file_paths WHERE valid_to IS NULL ORDER BY input_dir"
                           ).fetchall() == [(a, "present"), (b, "present")]
    # a run over a that no longer finds f0.txt marks it missing there, and b's file stays present
    assert wh.mark_missing(db, "r3", a, set()) == {"missing": 1, "pruned": 0}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT input_dir, state FROM file_paths WHERE valid_to IS NULL ORDER BY input_dir"
                           ).fetchall() == [(a, "missing"), (b, "present")]
