-- facts: the definition of the database.
--
-- Every rule the pydantic models apply at the door is repeated here, so that a
-- row written with the stock sqlite3 shell is held to the same rules. Foreign
-- keys are also checked by triggers, because the shell does not turn on
-- PRAGMA foreign_keys by default. Dates are ISO 8601 text; times are UTC
-- 'YYYY-MM-DDTHH:MM:SS.SSSZ'. date(x, '+0 days') = x checks a day exists
-- (date(x) alone lets '2022-02-30' through). Allowed values are listed in facts/vocab.py too
-- (tests/test_schema.py keeps both lists equal).

-- While facts sync writes what another analyst did (the records and the changes, each as it was made), the
-- triggers that would make those changes a second time stand aside: it holds a row only then.
CREATE TABLE sync_applying (one INTEGER PRIMARY KEY CHECK (one = 1)) STRICT;

-- A source document: the article, statement or report a fact was read in.
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE CHECK (key GLOB '[a-z0-9]*' AND key NOT GLOB '*[^a-z0-9._-]*' AND length(key) <= 100),
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0 AND title = trim(title) AND length(title) <= 500
                                     AND title NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(title AS BLOB), x'00') = 0),
    publisher   TEXT CHECK (publisher IS NULL OR (length(trim(publisher)) > 0 AND publisher = trim(publisher) AND length(publisher) <= 200
                                     AND publisher NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(publisher AS BLOB), x'00') = 0)),
    author      TEXT CHECK (author IS NULL OR (length(trim(author)) > 0 AND author = trim(author) AND length(author) <= 200
                                     AND author NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(author AS BLOB), x'00') = 0)),
    url         TEXT CHECK (url IS NULL OR ((url GLOB 'http://?*' OR url GLOB 'https://?*') AND url NOT GLOB '*[ ' || char(1) || '-' || char(31) || ']*' AND length(url) <= 2000)),
    -- 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD': as precise as the document says.
    published   TEXT CHECK (published IS NULL
                            OR (published GLOB '[0-9][0-9][0-9][0-9]')
                            OR (published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' AND date(published || '-01', '+0 days') = published || '-01')
                            OR (published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(published, '+0 days') = published)),
    retrieved   TEXT CHECK (retrieved IS NULL OR (retrieved GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(retrieved, '+0 days') = retrieved)),
    -- Admiralty code: A completely reliable ... E unreliable, F cannot be judged.
    reliability TEXT CHECK (reliability IS NULL OR reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    description TEXT CHECK (description IS NULL OR (length(trim(description)) > 0 AND length(description) <= 10000 AND instr(CAST(description AS BLOB), x'00') = 0)),
    -- The full text as stored; quote offsets count code points into it.
    text        TEXT CHECK (text IS NULL OR (length(text) > 0 AND length(text) <= 5000000 AND instr(CAST(text AS BLOB), x'00') = 0)),
    -- sha256 of text encoded as UTF-8, lower-case hex.
    sha256      TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
    added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    added_by    TEXT,
    -- What the text was read from: text/plain, text/markdown, text/html or application/pdf.
    media_type  TEXT NOT NULL DEFAULT 'text/plain'
                CHECK (media_type IN ('text/plain', 'text/markdown', 'text/html', 'application/pdf')),
    language    TEXT CHECK (language IS NULL OR (length(language) <= 35 AND language NOT GLOB '*[^A-Za-z0-9-]*')),
    -- A web archive's copy of the page (e.g. a Wayback Machine snapshot).
    archive_url TEXT CHECK (archive_url IS NULL OR ((archive_url GLOB 'http://?*' OR archive_url GLOB 'https://?*')
                            AND archive_url NOT GLOB '*[ ' || char(1) || '-' || char(31) || ']*' AND length(archive_url) <= 2000)),
    -- A PDF's text: where each page starts (code points), as a JSON array.
    page_starts TEXT CHECK (page_starts IS NULL OR json_valid(page_starts)),
    -- The text's version: 1 as first added; facts sources update adds one (older ones in source_versions).
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- Who last changed the metadata or the text, when, and why (source_history keeps every change).
    updated_at  TEXT,
    updated_by  TEXT,
    change_reason TEXT CHECK (change_reason IS NULL OR (length(change_reason) <= 10000 AND instr(CAST(change_reason AS BLOB), x'00') = 0)),
    uid TEXT,  -- its global id, made where it was created: exports and sync match rows by it
    CHECK ((text IS NULL) = (sha256 IS NULL))
) STRICT;

-- The bytes each version of a source was read from (a saved page, a PDF), so its text can be read again.
CREATE TABLE source_originals (
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    version    INTEGER NOT NULL CHECK (version >= 1),
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    bytes      BLOB NOT NULL,
    PRIMARY KEY (source_id, version)
) STRICT;

-- Earlier versions of a source's text, kept when a new one is stored.
CREATE TABLE source_versions (
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    text        TEXT,
    sha256      TEXT,
    media_type  TEXT NOT NULL,
    page_starts TEXT,
    stored_at   TEXT NOT NULL,
    stored_by   TEXT,
    uid TEXT,  -- its global id, made where it was created: exports and sync match rows by it
    PRIMARY KEY (source_id, version)
) STRICT;

-- (When two analysts stored the same new text apart, facts sync keeps the first storing of the one it replaced.)
CREATE TRIGGER source_versions_no_update
BEFORE UPDATE OF source_id, version, text, sha256, media_type, page_starts, stored_at, stored_by ON source_versions
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) OR new.text IS NOT old.text OR new.version IS NOT old.version
BEGIN
    SELECT RAISE(ABORT, 'source_versions is append-only: it cannot be changed');
END;

-- Every change of a source's metadata or text: old and new values as JSON, who, when and why; append-only.
CREATE TABLE source_history (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT,
    reason     TEXT,
    old        TEXT NOT NULL CHECK (json_valid(old)),
    new        TEXT NOT NULL CHECK (json_valid(new)),
    uid        TEXT,  -- the change's global id
    -- The changes it was made on, as the one who made it had them (their uids, space-separated; the
    -- record's own uid for its first change): two changes on one parent were made apart.
    parents    TEXT
) STRICT;
CREATE INDEX source_history_source ON source_history(source_id, id);

CREATE TRIGGER source_history_no_update BEFORE UPDATE OF id, source_id, changed_at, changed_by, reason, old, new ON source_history
BEGIN
    SELECT RAISE(ABORT, 'source_history is append-only: it cannot be changed');
END;

CREATE TRIGGER source_history_no_delete BEFORE DELETE ON source_history
BEGIN
    SELECT RAISE(ABORT, 'source_history is append-only: it cannot be deleted');
END;

CREATE TRIGGER sources_history_update AFTER UPDATE ON sources
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (old.title IS NOT new.title OR old.publisher IS NOT new.publisher OR old.author IS NOT new.author
  OR old.url IS NOT new.url OR old.published IS NOT new.published OR old.retrieved IS NOT new.retrieved
  OR old.reliability IS NOT new.reliability OR old.description IS NOT new.description
  OR old.archive_url IS NOT new.archive_url OR old.language IS NOT new.language OR old.version IS NOT new.version)
BEGIN
    INSERT INTO source_history (source_id, changed_at, changed_by, reason, old, new)
    SELECT old.id,
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END,
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_by END,
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.change_reason END,
           json_group_object(name, o), json_group_object(name, n)
    FROM (
                  SELECT 'title' AS name, old.title AS o, new.title AS n WHERE old.title IS NOT new.title
        UNION ALL SELECT 'publisher', old.publisher, new.publisher WHERE old.publisher IS NOT new.publisher
        UNION ALL SELECT 'author', old.author, new.author WHERE old.author IS NOT new.author
        UNION ALL SELECT 'url', old.url, new.url WHERE old.url IS NOT new.url
        UNION ALL SELECT 'published', old.published, new.published WHERE old.published IS NOT new.published
        UNION ALL SELECT 'retrieved', old.retrieved, new.retrieved WHERE old.retrieved IS NOT new.retrieved
        UNION ALL SELECT 'reliability', old.reliability, new.reliability WHERE old.reliability IS NOT new.reliability
        UNION ALL SELECT 'description', old.description, new.description WHERE old.description IS NOT new.description
        UNION ALL SELECT 'archive_url', old.archive_url, new.archive_url WHERE old.archive_url IS NOT new.archive_url
        UNION ALL SELECT 'language', old.language, new.language WHERE old.language IS NOT new.language
        UNION ALL SELECT 'version', old.version, new.version WHERE old.version IS NOT new.version
    );
END;

-- Who claims, and who a claim is about.
CREATE TABLE actors (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE
                CHECK (length(trim(name)) > 0 AND name = trim(name) AND length(name) <= 200
                       AND name NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(name AS BLOB), x'00') = 0),
    kind        TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('person', 'organization', 'state', 'media', 'other')),
    description TEXT CHECK (description IS NULL OR (length(trim(description)) > 0 AND length(description) <= 10000 AND instr(CAST(description AS BLOB), x'00') = 0)),
    added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- Set by whoever corrects the actor (facts actors edit): actor_history records who and when.
    updated_at  TEXT,
    updated_by  TEXT,
    uid TEXT  -- its global id, made where it was created: exports and sync match rows by it
) STRICT;

-- Every correction of an actor's name, kind or description: old and new values as JSON, kept by a
-- trigger; append-only.
CREATE TABLE actor_history (
    id         INTEGER PRIMARY KEY,
    actor_id   INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT,
    old        TEXT NOT NULL CHECK (json_valid(old)),
    new        TEXT NOT NULL CHECK (json_valid(new)),
    uid        TEXT,  -- the change's global id
    -- The changes it was made on, as the one who made it had them (their uids, space-separated; the
    -- record's own uid for its first change): two changes on one parent were made apart.
    parents    TEXT
) STRICT;
CREATE INDEX actor_history_actor ON actor_history(actor_id, id);

CREATE TRIGGER actor_history_no_update BEFORE UPDATE OF id, actor_id, changed_at, changed_by, old, new ON actor_history
BEGIN
    SELECT RAISE(ABORT, 'actor_history is append-only: it cannot be changed');
END;

CREATE TRIGGER actor_history_no_delete BEFORE DELETE ON actor_history
BEGIN
    SELECT RAISE(ABORT, 'actor_history is append-only: it cannot be deleted');
END;

CREATE TRIGGER actors_history_update AFTER UPDATE OF name, kind, description ON actors
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (old.name IS NOT new.name OR old.kind IS NOT new.kind OR old.description IS NOT new.description)
BEGIN
    INSERT INTO actor_history (actor_id, changed_at, changed_by, old, new)
    SELECT old.id,
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END,
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_by END,
           json_group_object(name, o), json_group_object(name, n)
    FROM (
                  SELECT 'name' AS name, old.name AS o, new.name AS n WHERE old.name IS NOT new.name
        UNION ALL SELECT 'kind', old.kind, new.kind WHERE old.kind IS NOT new.kind
        UNION ALL SELECT 'description', old.description, new.description
                  WHERE old.description IS NOT new.description
    );
END;

-- Every spelling that resolves to an actor, its canonical name included.
-- One alias names one actor (case-insensitively, for ASCII letters).
CREATE TABLE aliases (
    alias       TEXT PRIMARY KEY COLLATE NOCASE
                CHECK (length(trim(alias)) > 0 AND alias = trim(alias) AND length(alias) <= 200
                       AND alias NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(alias AS BLOB), x'00') = 0),
    actor_id    INTEGER NOT NULL REFERENCES actors(id),
    uid TEXT,  -- its global id, made where it was created: exports and sync match rows by it
    added_at    TEXT,  -- when and by whom it was given (empty for aliases older than schema 6)
    added_by    TEXT
) STRICT;
CREATE INDEX aliases_actor ON aliases(actor_id);

CREATE TRIGGER actors_name_is_alias AFTER INSERT ON actors
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO aliases (alias, actor_id, added_at) VALUES (new.name, new.id, new.added_at);
END;

CREATE TRIGGER aliases_actor_exists BEFORE INSERT ON aliases
WHEN NOT EXISTS (SELECT 1 FROM actors WHERE id = new.actor_id)
BEGIN
    SELECT RAISE(ABORT, 'aliases.actor_id: no such actor');
END;

-- One claim by one claimant in one source.
CREATE TABLE facts (
    id             INTEGER PRIMARY KEY,
    claim          TEXT NOT NULL
                   CHECK (length(trim(claim)) > 0 AND claim = trim(claim) AND length(claim) <= 2000
                          AND claim NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(claim AS BLOB), x'00') = 0),
    -- The thing measured; competing claims share it.
    subject        TEXT NOT NULL
                   CHECK (length(trim(subject)) > 0 AND subject = trim(subject) AND length(subject) <= 200
                          AND subject NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(subject AS BLOB), x'00') = 0),
    -- The quantity: best value and bounds. exact: low = value = high;
    -- at_least: low = value; at_most: high = value; range: low < high.
    value          REAL CHECK (value IS NULL OR abs(value) <= 1e300),
    low            REAL CHECK (low IS NULL OR abs(low) <= 1e300),
    high           REAL CHECK (high IS NULL OR abs(high) <= 1e300),
    unit           TEXT CHECK (unit IS NULL OR (length(trim(unit)) > 0 AND unit = trim(unit) AND length(unit) <= 100
                          AND unit NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(unit AS BLOB), x'00') = 0)),
    qualifier      TEXT CHECK (qualifier IS NULL OR qualifier IN ('exact', 'approx', 'at_least', 'at_most', 'range')),
    as_stated      TEXT CHECK (as_stated IS NULL OR (length(trim(as_stated)) > 0 AND length(as_stated) <= 200
                          AND as_stated NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(as_stated AS BLOB), x'00') = 0)),
    -- When the claim holds: an inclusive span of days, at a precision.
    date_start     TEXT NOT NULL CHECK (date_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(date_start, '+0 days') = date_start),
    date_end       TEXT NOT NULL CHECK (date_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(date_end, '+0 days') = date_end),
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    -- When the claimant said it: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.
    stated_on      TEXT CHECK (stated_on IS NULL
                               OR (stated_on GLOB '[0-9][0-9][0-9][0-9]')
                               OR (stated_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' AND date(stated_on || '-01', '+0 days') = stated_on || '-01')
                               OR (stated_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(stated_on, '+0 days') = stated_on)),
    actor_id       INTEGER NOT NULL REFERENCES actors(id),
    source_id      INTEGER NOT NULL REFERENCES sources(id),
    -- The exact words in the source; offsets are code points into sources.text.
    quote          TEXT CHECK (quote IS NULL OR (length(trim(quote)) > 0 AND length(quote) <= 10000 AND instr(CAST(quote AS BLOB), x'00') = 0)),
    quote_start    INTEGER CHECK (quote_start IS NULL OR quote_start >= 0),
    quote_end      INTEGER,
    quote_prefix   TEXT,
    quote_suffix   TEXT,
    -- Likelihood that the claim is true, 0..1 (ICD 203 bands).
    confidence     REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    -- Admiralty information credibility: 1 confirmed ... 6 cannot be judged.
    credibility    INTEGER CHECK (credibility IS NULL OR (credibility >= 1 AND credibility <= 6)),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disputed', 'retracted', 'superseded')),
    status_reason  TEXT CHECK (status_reason IS NULL OR (length(trim(status_reason)) > 0 AND length(status_reason) <= 10000 AND instr(CAST(status_reason AS BLOB), x'00') = 0)),
    superseded_by  INTEGER REFERENCES facts(id),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    created_by     TEXT,
    updated_at     TEXT,
    updated_by     TEXT,
    -- How the quote was found again in a new version of its source: exact, context (its stored prefix and
    -- suffix), fuzzy; orphan when it was not (the offsets are then empty and the quote kept).
    anchored_by    TEXT CHECK (anchored_by IS NULL OR anchored_by IN ('exact', 'context', 'fuzzy', 'orphan')),
    uid TEXT,  -- its global id, made where it was created: exports and sync match rows by it
    CHECK (
        (qualifier IS NULL AND value IS NULL AND low IS NULL AND high IS NULL AND unit IS NULL AND as_stated IS NULL)
        OR (qualifier = 'exact' AND value IS NOT NULL AND low = value AND high = value)
        OR (qualifier = 'approx' AND value IS NOT NULL AND (low IS NULL OR low <= value) AND (high IS NULL OR value <= high))
        OR (qualifier = 'at_least' AND value IS NOT NULL AND low = value AND high IS NULL)
        OR (qualifier = 'at_most' AND value IS NOT NULL AND high = value AND low IS NULL)
        OR (qualifier = 'range' AND low IS NOT NULL AND high IS NOT NULL AND low < high
            AND (value IS NULL OR (low <= value AND value <= high)))
    ),
    CHECK (date_start <= date_end),
    CHECK (date_precision <> 'year'
           OR (substr(date_start, 6) = '01-01' AND substr(date_end, 6) = '12-31')),
    CHECK (date_precision <> 'month'
           OR (substr(date_start, 9) = '01' AND date_end = date(date_end, 'start of month', '+1 month', '-1 day'))),
    CHECK ((quote IS NULL AND quote_start IS NULL AND quote_end IS NULL AND quote_prefix IS NULL AND quote_suffix IS NULL)
           OR (quote IS NOT NULL AND quote_start IS NULL AND quote_end IS NULL)
           OR (quote IS NOT NULL AND quote_end = quote_start + length(quote))),
    CHECK ((status = 'superseded') = (superseded_by IS NOT NULL)),
    CHECK (superseded_by IS NULL OR superseded_by <> id),
    CHECK (status = 'active' OR status_reason IS NOT NULL)
) STRICT;

-- Re-importing the same claim adds nothing (the import looks it up here). Two analysts may enter one claim
-- apart: facts sync keeps both and lists them as likely duplicates.
CREATE INDEX facts_natural_key ON facts(source_id, actor_id, subject, claim, date_start, date_end);
CREATE INDEX facts_subject ON facts(subject);
CREATE INDEX facts_actor ON facts(actor_id);
CREATE INDEX facts_date ON facts(date_start, date_end);
CREATE INDEX facts_unit ON facts(unit);
CREATE INDEX facts_status ON facts(status);
CREATE INDEX facts_confidence ON facts(confidence);
CREATE INDEX facts_value ON facts(value);
-- The ids alone, in order: reading every id of a million facts reads this, not the whole table.
CREATE INDEX facts_id ON facts(id);
-- subject_spread reads the facts in this order, from this index alone (the period is the view's, written the same).
CREATE INDEX facts_spread ON facts(subject, unit, (CASE WHEN substr(date_start, 1, 4) = substr(date_end, 1, 4) THEN substr(date_start, 1, 4)
          ELSE substr(date_start, 1, 4) || '–' || substr(date_end, 1, 4) END),
    actor_id, qualifier, low, value, high, date_start, date_end);

-- References checked without PRAGMA foreign_keys; a quote checked against
-- the stored text of its source.
-- (While facts sync writes a fact as first entered, its quote may point into a text since replaced: the
-- changes that follow anchor it again, and the update check holds them to the text.)
CREATE TRIGGER facts_check_insert BEFORE INSERT ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts.actor_id: no such actor')
        WHERE NOT EXISTS (SELECT 1 FROM actors WHERE id = new.actor_id);
    SELECT RAISE(ABORT, 'facts.source_id: no such source')
        WHERE NOT EXISTS (SELECT 1 FROM sources WHERE id = new.source_id);
    SELECT RAISE(ABORT, 'facts.superseded_by: no such fact')
        WHERE new.superseded_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM facts WHERE id = new.superseded_by);
    SELECT RAISE(ABORT, 'facts.quote: a quote from a source with stored text needs quote_start')
        WHERE new.quote IS NOT NULL AND new.quote_start IS NULL AND new.anchored_by IS NOT 'orphan'
          AND (SELECT text FROM sources WHERE id = new.source_id) IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM sync_applying);
    SELECT RAISE(ABORT, 'facts.quote: the quote does not occur in the source text at quote_start')
        WHERE new.quote_start IS NOT NULL
          AND substr((SELECT text FROM sources WHERE id = new.source_id), new.quote_start + 1, length(new.quote)) IS NOT new.quote
          AND NOT EXISTS (SELECT 1 FROM sync_applying);
END;

CREATE TRIGGER facts_check_update BEFORE UPDATE ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts.actor_id: no such actor')
        WHERE NOT EXISTS (SELECT 1 FROM actors WHERE id = new.actor_id);
    SELECT RAISE(ABORT, 'facts.source_id: no such source')
        WHERE NOT EXISTS (SELECT 1 FROM sources WHERE id = new.source_id);
    SELECT RAISE(ABORT, 'facts.superseded_by: no such fact')
        WHERE new.superseded_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM facts WHERE id = new.superseded_by);
    SELECT RAISE(ABORT, 'facts.id: a fact keeps its id')
        WHERE new.id IS NOT old.id;
    SELECT RAISE(ABORT, 'facts.quote: a quote from a source with stored text needs quote_start')
        WHERE new.quote IS NOT NULL AND new.quote_start IS NULL AND new.anchored_by IS NOT 'orphan'
          AND (SELECT text FROM sources WHERE id = new.source_id) IS NOT NULL;
    SELECT RAISE(ABORT, 'facts.quote: the quote does not occur in the source text at quote_start')
        WHERE new.quote_start IS NOT NULL
          AND substr((SELECT text FROM sources WHERE id = new.source_id), new.quote_start + 1, length(new.quote)) IS NOT new.quote;
END;

-- A source's text is what quotes point into: it is never rewritten under them, only replaced by a new
-- version (facts sources update), whose transaction anchors every quote again.
CREATE TRIGGER sources_text_kept BEFORE UPDATE OF text ON sources
WHEN old.text IS NOT new.text AND new.version IS old.version
     AND EXISTS (SELECT 1 FROM facts WHERE source_id = old.id AND quote_start IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'sources.text: facts quote this text; it changes only as a new version');
END;

-- Actors a fact is about (the claimant is facts.actor_id).
CREATE TABLE fact_about (
    fact_id  INTEGER NOT NULL REFERENCES facts(id),
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    PRIMARY KEY (fact_id, actor_id)
) STRICT;
CREATE INDEX fact_about_actor ON fact_about(actor_id);

CREATE TRIGGER fact_about_check BEFORE INSERT ON fact_about
BEGIN
    SELECT RAISE(ABORT, 'fact_about.fact_id: no such fact')
        WHERE NOT EXISTS (SELECT 1 FROM facts WHERE id = new.fact_id);
    SELECT RAISE(ABORT, 'fact_about.actor_id: no such actor')
        WHERE NOT EXISTS (SELECT 1 FROM actors WHERE id = new.actor_id);
END;

-- Notes, tags, re-ratings and status changes: append-only.
CREATE TABLE annotations (
    id            INTEGER PRIMARY KEY,
    fact_id       INTEGER NOT NULL REFERENCES facts(id),
    kind          TEXT NOT NULL CHECK (kind IN ('note', 'tag', 'untag', 'rate', 'status', 'flag', 'retraction')),
    -- The note, or the reason for a re-rating, a status or a flag.
    body          TEXT CHECK (body IS NULL OR (length(trim(body)) > 0 AND length(body) <= 10000 AND instr(CAST(body AS BLOB), x'00') = 0)),
    tag           TEXT COLLATE NOCASE
                  CHECK (tag IS NULL OR (length(trim(tag)) > 0 AND tag = trim(tag) AND length(tag) <= 100
                         AND tag NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(tag AS BLOB), x'00') = 0)),
    confidence    REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
    status        TEXT CHECK (status IS NULL OR status IN ('active', 'disputed', 'retracted', 'superseded')),
    superseded_by INTEGER REFERENCES facts(id),
    -- A retraction withdraws an earlier annotation on the same fact (and undoes what it did).
    retracts      INTEGER REFERENCES annotations(id),
    author        TEXT NOT NULL CHECK (length(trim(author)) > 0 AND length(author) <= 200
                         AND author NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(author AS BLOB), x'00') = 0),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    uid TEXT,  -- its global id, made where it was created: exports and sync match rows by it
    CHECK (
        (kind IN ('note', 'flag') AND body IS NOT NULL AND tag IS NULL AND confidence IS NULL AND status IS NULL AND superseded_by IS NULL)
        OR (kind IN ('tag', 'untag') AND tag IS NOT NULL AND confidence IS NULL AND status IS NULL AND superseded_by IS NULL)
        OR (kind = 'rate' AND body IS NOT NULL AND confidence IS NOT NULL AND tag IS NULL AND status IS NULL AND superseded_by IS NULL)
        OR (kind = 'status' AND status IS NOT NULL AND tag IS NULL AND confidence IS NULL
            AND (status = 'active' OR body IS NOT NULL)
            AND ((status = 'superseded') = (superseded_by IS NOT NULL)))
        OR (kind = 'retraction' AND tag IS NULL AND confidence IS NULL AND status IS NULL AND superseded_by IS NULL)
    ),
    CHECK ((kind = 'retraction') = (retracts IS NOT NULL))
) STRICT;
CREATE INDEX annotations_fact ON annotations(fact_id, created_at);

CREATE TRIGGER annotations_check BEFORE INSERT ON annotations
BEGIN
    SELECT RAISE(ABORT, 'annotations.fact_id: no such fact')
        WHERE NOT EXISTS (SELECT 1 FROM facts WHERE id = new.fact_id);
    SELECT RAISE(ABORT, 'annotations.superseded_by: no such fact')
        WHERE new.superseded_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM facts WHERE id = new.superseded_by);
    SELECT RAISE(ABORT, 'annotations.superseded_by: a fact cannot supersede itself')
        WHERE new.superseded_by = new.fact_id;
    SELECT RAISE(ABORT, 'annotations.retracts: no such annotation on this fact')
        WHERE new.retracts IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM annotations WHERE id = new.retracts AND fact_id = new.fact_id);
    SELECT RAISE(ABORT, 'annotations.retracts: a retraction cannot be retracted')
        WHERE new.retracts IS NOT NULL AND (SELECT kind FROM annotations WHERE id = new.retracts) = 'retraction';
    -- (two analysts may retract one annotation apart: facts sync keeps both retractions)
    SELECT RAISE(ABORT, 'annotations.retracts: that annotation is already retracted')
        WHERE new.retracts IS NOT NULL AND EXISTS (SELECT 1 FROM annotations WHERE retracts = new.retracts)
          AND NOT EXISTS (SELECT 1 FROM sync_applying);
END;

CREATE TRIGGER annotations_no_update
BEFORE UPDATE OF id, fact_id, kind, body, tag, confidence, status, superseded_by, retracts, author, created_at
ON annotations
BEGIN
    SELECT RAISE(ABORT, 'annotations are append-only: they cannot be changed');
END;

CREATE TRIGGER annotations_no_delete BEFORE DELETE ON annotations
BEGIN
    SELECT RAISE(ABORT, 'annotations are append-only: they cannot be deleted');
END;

-- Current tags, kept from the tag/untag annotations.
-- Provenance: a fact that relays another (an outlet repeating a claim already recorded from its original
-- source) repeats it; an actor may speak for an organisation (a spokesman for a ministry), between dates.
-- Compare counts a claim once per origin: what a fact repeats, followed to the end, else its claimant or
-- the organisation the claimant speaks for. Every change to these links is kept in link_history.
CREATE TABLE fact_repeats (
    fact_id   INTEGER PRIMARY KEY REFERENCES facts(id),
    repeats   INTEGER NOT NULL REFERENCES facts(id),
    linked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    linked_by TEXT,
    CHECK (repeats <> fact_id)
) STRICT;
CREATE INDEX fact_repeats_repeats ON fact_repeats(repeats);

CREATE TABLE speaks_for (
    id              INTEGER PRIMARY KEY,
    actor_id        INTEGER NOT NULL REFERENCES actors(id),
    organization_id INTEGER NOT NULL REFERENCES actors(id),
    -- The first and last day it holds (ISO dates); empty: from always, until now.
    date_start      TEXT CHECK (date_start IS NULL OR (date_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                                                       AND date(date_start, '+0 days') = date_start)),
    date_end        TEXT CHECK (date_end IS NULL OR (date_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                                                     AND date(date_end, '+0 days') = date_end)),
    linked_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    linked_by       TEXT,
    CHECK (organization_id <> actor_id),
    CHECK (date_start IS NULL OR date_end IS NULL OR date_start <= date_end)
) STRICT;
CREATE INDEX speaks_for_actor ON speaks_for(actor_id);

CREATE TABLE link_history (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('repeats', 'speaks_for')),
    -- The fact that repeats, or the actor that speaks.
    subject_id INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT,
    old        TEXT CHECK (old IS NULL OR json_valid(old)),
    new        TEXT CHECK (new IS NULL OR json_valid(new)),
    uid        TEXT,  -- the change's global id
    -- The changes it was made on, as the one who made it had them (their uids, space-separated; the
    -- record's own uid for its first change): two changes on one parent were made apart.
    parents    TEXT
) STRICT;
CREATE INDEX link_history_subject ON link_history(kind, subject_id, id);

CREATE TRIGGER link_history_no_update BEFORE UPDATE OF id, kind, subject_id, changed_at, changed_by, old, new ON link_history
BEGIN
    SELECT RAISE(ABORT, 'link_history is append-only: it cannot be changed');
END;

CREATE TRIGGER link_history_no_delete BEFORE DELETE ON link_history
BEGIN
    SELECT RAISE(ABORT, 'link_history is append-only: it cannot be deleted');
END;

CREATE TRIGGER fact_repeats_check_insert BEFORE INSERT ON fact_repeats
BEGIN
    SELECT RAISE(ABORT, 'fact_repeats.fact_id: no such fact')
        WHERE NOT EXISTS (SELECT 1 FROM facts WHERE id = new.fact_id);
    SELECT RAISE(ABORT, 'fact_repeats.repeats: no such fact')
        WHERE NOT EXISTS (SELECT 1 FROM facts WHERE id = new.repeats);
    SELECT RAISE(ABORT, 'fact_repeats: a fact cannot repeat what repeats it')
        WHERE new.fact_id IN (WITH RECURSIVE up(id) AS (
            SELECT new.repeats UNION SELECT r.repeats FROM fact_repeats r JOIN up ON r.fact_id = up.id)
            SELECT id FROM up);
END;

CREATE TRIGGER fact_repeats_check_update BEFORE UPDATE ON fact_repeats
BEGIN
    SELECT RAISE(ABORT, 'fact_repeats.fact_id: a link keeps its fact') WHERE new.fact_id IS NOT old.fact_id;
    SELECT RAISE(ABORT, 'fact_repeats.repeats: no such fact')
        WHERE NOT EXISTS (SELECT 1 FROM facts WHERE id = new.repeats);
    SELECT RAISE(ABORT, 'fact_repeats: a fact cannot repeat what repeats it')
        WHERE new.fact_id IN (WITH RECURSIVE up(id) AS (
            SELECT new.repeats UNION SELECT r.repeats FROM fact_repeats r JOIN up ON r.fact_id = up.id)
            SELECT id FROM up);
END;

CREATE TRIGGER fact_repeats_history_insert AFTER INSERT ON fact_repeats
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO link_history (kind, subject_id, changed_at, changed_by, old, new)
    VALUES ('repeats', new.fact_id, new.linked_at, new.linked_by, NULL, json_object('repeats', new.repeats));
END;

CREATE TRIGGER fact_repeats_history_update AFTER UPDATE ON fact_repeats
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.repeats IS NOT old.repeats)
BEGIN
    INSERT INTO link_history (kind, subject_id, changed_at, changed_by, old, new)
    VALUES ('repeats', new.fact_id, new.linked_at, new.linked_by, json_object('repeats', old.repeats),
            json_object('repeats', new.repeats));
END;

-- Who removes a link is not in the row: the program writes that history line itself.
CREATE TRIGGER speaks_for_check BEFORE INSERT ON speaks_for
BEGIN
    SELECT RAISE(ABORT, 'speaks_for.actor_id: no such actor')
        WHERE NOT EXISTS (SELECT 1 FROM actors WHERE id = new.actor_id);
    SELECT RAISE(ABORT, 'speaks_for.organization_id: no such actor')
        WHERE NOT EXISTS (SELECT 1 FROM actors WHERE id = new.organization_id);
END;

CREATE TRIGGER speaks_for_history_insert AFTER INSERT ON speaks_for
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO link_history (kind, subject_id, changed_at, changed_by, old, new)
    VALUES ('speaks_for', new.actor_id, new.linked_at, new.linked_by, NULL,
            json_object('organization_id', new.organization_id, 'date_start', new.date_start,
                        'date_end', new.date_end));
END;

-- Units the analyst declared the same: compare reads each as its canonical unit.
CREATE TABLE unit_synonyms (
    unit      TEXT PRIMARY KEY COLLATE NOCASE
              CHECK (length(trim(unit)) > 0 AND unit = trim(unit) AND length(unit) <= 100
                     AND unit NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(unit AS BLOB), x'00') = 0),
    canonical TEXT NOT NULL COLLATE NOCASE
              CHECK (length(trim(canonical)) > 0 AND canonical = trim(canonical) AND length(canonical) <= 100
                     AND canonical NOT GLOB ('*[' || char(1) || '-' || char(31) || ']*') AND instr(CAST(canonical AS BLOB), x'00') = 0),
    added_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    added_by  TEXT,
    CHECK (unit <> canonical)
) STRICT;

CREATE TRIGGER unit_synonyms_one_level BEFORE INSERT ON unit_synonyms
BEGIN
    SELECT RAISE(ABORT, 'unit_synonyms: a canonical unit is not itself another''s synonym')
        WHERE EXISTS (SELECT 1 FROM unit_synonyms WHERE unit = new.canonical)
           OR EXISTS (SELECT 1 FROM unit_synonyms WHERE canonical = new.unit);
END;

CREATE TABLE fact_tags (
    fact_id INTEGER NOT NULL REFERENCES facts(id),
    tag     TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (fact_id, tag)
) STRICT;
CREATE INDEX fact_tags_tag ON fact_tags(tag);

CREATE TRIGGER annotations_tag AFTER INSERT ON annotations
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.kind = 'tag')
BEGIN
    INSERT OR IGNORE INTO fact_tags (fact_id, tag) VALUES (new.fact_id, new.tag);
END;

CREATE TRIGGER annotations_untag AFTER INSERT ON annotations
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.kind = 'untag')
BEGIN
    DELETE FROM fact_tags WHERE fact_id = new.fact_id AND tag = new.tag;
END;

CREATE TRIGGER annotations_rate AFTER INSERT ON annotations
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.kind = 'rate')
BEGIN
    UPDATE facts SET confidence = new.confidence, updated_at = new.created_at, updated_by = new.author
    WHERE id = new.fact_id AND confidence IS NOT new.confidence;  -- a change only when it changes something
END;

CREATE TRIGGER annotations_status AFTER INSERT ON annotations
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.kind = 'status')
BEGIN
    UPDATE facts SET status = new.status, status_reason = new.body, superseded_by = new.superseded_by,
                     updated_at = new.created_at, updated_by = new.author
    WHERE id = new.fact_id AND (status IS NOT new.status OR status_reason IS NOT new.body
                                OR superseded_by IS NOT new.superseded_by);
END;

-- Undoing what a retracted annotation did: a tag comes off (or back), a re-rating or a status change
-- is reversed to the values its change replaced (read from fact_history).
CREATE TRIGGER annotations_retract_tag AFTER INSERT ON annotations
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.kind = 'retraction' AND (SELECT kind FROM annotations WHERE id = new.retracts) IN ('tag', 'untag'))
BEGIN
    DELETE FROM fact_tags WHERE (SELECT kind FROM annotations WHERE id = new.retracts) = 'tag'
        AND fact_id = new.fact_id AND tag = (SELECT tag FROM annotations WHERE id = new.retracts);
    INSERT OR IGNORE INTO fact_tags (fact_id, tag)
        SELECT new.fact_id, tag FROM annotations WHERE id = new.retracts AND kind = 'untag';
END;

CREATE TRIGGER annotations_retract_change AFTER INSERT ON annotations
WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND (new.kind = 'retraction' AND (SELECT kind FROM annotations WHERE id = new.retracts) IN ('rate', 'status'))
BEGIN
    UPDATE facts SET confidence = h.confidence, status = h.status, status_reason = h.status_reason,
                     superseded_by = h.superseded_by, updated_at = new.created_at, updated_by = new.author
    FROM (SELECT CASE WHEN json_type(x.old, '$.confidence') IS NULL THEN f.confidence
                      ELSE json_extract(x.old, '$.confidence') END AS confidence,
                 CASE WHEN json_type(x.old, '$.status') IS NULL THEN f.status
                      ELSE json_extract(x.old, '$.status') END AS status,
                 CASE WHEN json_type(x.old, '$.status_reason') IS NULL THEN f.status_reason
                      ELSE json_extract(x.old, '$.status_reason') END AS status_reason,
                 CASE WHEN json_type(x.old, '$.superseded_by') IS NULL THEN f.superseded_by
                      ELSE json_extract(x.old, '$.superseded_by') END AS superseded_by
          FROM facts f, (SELECT old FROM fact_history
                         WHERE fact_id = new.fact_id AND action = 'update'
                           AND changed_at = (SELECT created_at FROM annotations WHERE id = new.retracts)
                         ORDER BY id DESC LIMIT 1) AS x
          WHERE f.id = new.fact_id) AS h
    -- a change only when it changes something: the time of a fact's last change is its last change's
    WHERE facts.id = new.fact_id
      AND (facts.confidence IS NOT h.confidence OR facts.status IS NOT h.status
           OR facts.status_reason IS NOT h.status_reason OR facts.superseded_by IS NOT h.superseded_by);
END;

-- Every change to a fact: the old and new values of the columns that changed.
CREATE TABLE fact_history (
    id         INTEGER PRIMARY KEY,
    fact_id    INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('update', 'delete')),
    changed_at TEXT NOT NULL,
    changed_by TEXT,
    old        TEXT NOT NULL CHECK (json_valid(old)),
    new        TEXT CHECK (new IS NULL OR json_valid(new)),
    uid        TEXT,  -- the change's global id
    -- The changes it was made on, as the one who made it had them (their uids, space-separated; the
    -- record's own uid for its first change): two changes on one parent were made apart.
    parents    TEXT
) STRICT;
CREATE INDEX fact_history_fact ON fact_history(fact_id, id);

CREATE TRIGGER fact_history_no_update BEFORE UPDATE OF id, fact_id, action, changed_at, changed_by, old, new ON fact_history
BEGIN
    SELECT RAISE(ABORT, 'fact_history is append-only: it cannot be changed');
END;

CREATE TRIGGER fact_history_no_delete BEFORE DELETE ON fact_history
BEGIN
    SELECT RAISE(ABORT, 'fact_history is append-only: it cannot be deleted');
END;

-- A change records every column of each group it touched (vocab.FIELD_GROUPS: a quantity, a date span,
-- a quote with its source, a status with its reason), so that a change alone says a whole group's value.
CREATE TRIGGER facts_history_update AFTER UPDATE ON facts
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO fact_history (fact_id, action, changed_at, changed_by, old, new)
    SELECT old.id, 'update',
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END,
           CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_by END,
           o, n
    FROM (
        SELECT json_group_object(name, o) AS o, json_group_object(name, n) AS n, count(*) AS changed
        FROM (
                      SELECT 'claim' AS name, old.claim AS o, new.claim AS n WHERE old.claim IS NOT new.claim
            UNION ALL SELECT 'subject', old.subject, new.subject WHERE old.subject IS NOT new.subject
            UNION ALL SELECT 'value', old.value, new.value WHERE old.value IS NOT new.value OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.unit IS NOT new.unit OR old.qualifier IS NOT new.qualifier OR old.as_stated IS NOT new.as_stated
            UNION ALL SELECT 'low', old.low, new.low WHERE old.value IS NOT new.value OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.unit IS NOT new.unit OR old.qualifier IS NOT new.qualifier OR old.as_stated IS NOT new.as_stated
            UNION ALL SELECT 'high', old.high, new.high WHERE old.value IS NOT new.value OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.unit IS NOT new.unit OR old.qualifier IS NOT new.qualifier OR old.as_stated IS NOT new.as_stated
            UNION ALL SELECT 'unit', old.unit, new.unit WHERE old.value IS NOT new.value OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.unit IS NOT new.unit OR old.qualifier IS NOT new.qualifier OR old.as_stated IS NOT new.as_stated
            UNION ALL SELECT 'qualifier', old.qualifier, new.qualifier WHERE old.value IS NOT new.value OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.unit IS NOT new.unit OR old.qualifier IS NOT new.qualifier OR old.as_stated IS NOT new.as_stated
            UNION ALL SELECT 'as_stated', old.as_stated, new.as_stated WHERE old.value IS NOT new.value OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.unit IS NOT new.unit OR old.qualifier IS NOT new.qualifier OR old.as_stated IS NOT new.as_stated
            UNION ALL SELECT 'date_start', old.date_start, new.date_start WHERE old.date_start IS NOT new.date_start OR old.date_end IS NOT new.date_end OR old.date_precision IS NOT new.date_precision
            UNION ALL SELECT 'date_end', old.date_end, new.date_end WHERE old.date_start IS NOT new.date_start OR old.date_end IS NOT new.date_end OR old.date_precision IS NOT new.date_precision
            UNION ALL SELECT 'date_precision', old.date_precision, new.date_precision WHERE old.date_start IS NOT new.date_start OR old.date_end IS NOT new.date_end OR old.date_precision IS NOT new.date_precision
            UNION ALL SELECT 'stated_on', old.stated_on, new.stated_on WHERE old.stated_on IS NOT new.stated_on
            UNION ALL SELECT 'actor_id', old.actor_id, new.actor_id WHERE old.actor_id IS NOT new.actor_id
            UNION ALL SELECT 'source_id', old.source_id, new.source_id WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'quote', old.quote, new.quote WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'quote_start', old.quote_start, new.quote_start WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'quote_end', old.quote_end, new.quote_end WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'quote_prefix', old.quote_prefix, new.quote_prefix WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'quote_suffix', old.quote_suffix, new.quote_suffix WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'anchored_by', old.anchored_by, new.anchored_by WHERE old.source_id IS NOT new.source_id OR old.quote IS NOT new.quote OR old.quote_start IS NOT new.quote_start OR old.quote_end IS NOT new.quote_end OR old.quote_prefix IS NOT new.quote_prefix OR old.quote_suffix IS NOT new.quote_suffix OR old.anchored_by IS NOT new.anchored_by
            UNION ALL SELECT 'confidence', old.confidence, new.confidence WHERE old.confidence IS NOT new.confidence
            UNION ALL SELECT 'credibility', old.credibility, new.credibility WHERE old.credibility IS NOT new.credibility
            UNION ALL SELECT 'status', old.status, new.status WHERE old.status IS NOT new.status OR old.status_reason IS NOT new.status_reason OR old.superseded_by IS NOT new.superseded_by
            UNION ALL SELECT 'status_reason', old.status_reason, new.status_reason WHERE old.status IS NOT new.status OR old.status_reason IS NOT new.status_reason OR old.superseded_by IS NOT new.superseded_by
            UNION ALL SELECT 'superseded_by', old.superseded_by, new.superseded_by WHERE old.status IS NOT new.status OR old.status_reason IS NOT new.status_reason OR old.superseded_by IS NOT new.superseded_by
        )
    )
    WHERE changed > 0;
END;

-- A deleted fact is kept whole in its history (a fact with annotations
-- cannot be deleted at all: they hold on to it).
CREATE TRIGGER facts_delete_check BEFORE DELETE ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts: a fact with annotations cannot be deleted; mark it retracted instead')
        WHERE EXISTS (SELECT 1 FROM annotations WHERE fact_id = old.id);
    SELECT RAISE(ABORT, 'facts: a fact that others repeat cannot be deleted')
        WHERE EXISTS (SELECT 1 FROM fact_repeats WHERE repeats = old.id);
    DELETE FROM fact_tags WHERE fact_id = old.id;
    DELETE FROM fact_about WHERE fact_id = old.id;
    DELETE FROM fact_repeats WHERE fact_id = old.id;
END;

CREATE TRIGGER facts_history_delete AFTER DELETE ON facts
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO fact_history (fact_id, action, changed_at, changed_by, old, new)
    VALUES (old.id, 'delete', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL,
            json_object('claim', old.claim, 'subject', old.subject, 'value', old.value, 'low', old.low,
                        'high', old.high, 'unit', old.unit, 'qualifier', old.qualifier, 'as_stated', old.as_stated,
                        'date_start', old.date_start, 'date_end', old.date_end, 'date_precision', old.date_precision,
                        'stated_on', old.stated_on, 'actor_id', old.actor_id, 'source_id', old.source_id,
                        'quote', old.quote, 'quote_start', old.quote_start, 'quote_end', old.quote_end,
                        'quote_prefix', old.quote_prefix, 'quote_suffix', old.quote_suffix,
                        'confidence', old.confidence, 'credibility', old.credibility, 'status', old.status,
                        'status_reason', old.status_reason, 'superseded_by', old.superseded_by,
                        'created_at', old.created_at, 'created_by', old.created_by, 'uid', old.uid),
            NULL);
END;

-- Full-text search over the words of a fact, kept in step by triggers.
-- content="facts" written so: sqlite-utils and Datasette find a table's full-text index by that text.
CREATE VIRTUAL TABLE facts_fts USING fts5(
    claim, subject, quote, as_stated,
    content="facts", content_rowid="id",
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts
BEGIN
    INSERT INTO facts_fts (rowid, claim, subject, quote, as_stated)
    VALUES (new.id, new.claim, new.subject, new.quote, new.as_stated);
END;

CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts
BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, claim, subject, quote, as_stated)
    VALUES ('delete', old.id, old.claim, old.subject, old.quote, old.as_stated);
END;

CREATE TRIGGER facts_fts_update AFTER UPDATE OF claim, subject, quote, as_stated ON facts
BEGIN
    INSERT INTO facts_fts (facts_fts, rowid, claim, subject, quote, as_stated)
    VALUES ('delete', old.id, old.claim, old.subject, old.quote, old.as_stated);
    INSERT INTO facts_fts (rowid, claim, subject, quote, as_stated)
    VALUES (new.id, new.claim, new.subject, new.quote, new.as_stated);
END;

-- One row per fact with the names a reader wants: the thing to query or export.
CREATE VIEW facts_flat AS
SELECT
    f.id,
    f.claim,
    f.subject,
    f.value,
    f.low,
    f.high,
    f.unit,
    f.qualifier,
    f.as_stated,
    f.date_start,
    f.date_end,
    f.date_precision,
    f.stated_on,
    a.name AS claimant,
    a.kind AS claimant_kind,
    -- Lists are JSON arrays (NULL when there is none), for Datasette's _facet_array, pandas and DuckDB.
    (SELECT CASE WHEN count(*) THEN json_group_array(name) END FROM (
        SELECT ab.name FROM fact_about fa JOIN actors ab ON ab.id = fa.actor_id
        WHERE fa.fact_id = f.id ORDER BY ab.name)) AS about,
    s.key AS source,
    s.title AS source_title,
    s.publisher AS source_publisher,
    s.published AS source_published,
    s.reliability AS source_reliability,
    f.quote,
    f.quote_start,
    f.quote_end,
    -- The PDF page the quote starts on (from 1); empty for other sources.
    CASE WHEN s.page_starts IS NOT NULL AND f.quote_start IS NOT NULL THEN
        (SELECT count(*) FROM json_each(s.page_starts) WHERE json_each.value <= f.quote_start) END AS quote_page,
    f.confidence,
    f.credibility,
    f.status,
    f.status_reason,
    f.superseded_by,
    (SELECT CASE WHEN count(*) THEN json_group_array(tag) END FROM (
        SELECT tag FROM fact_tags WHERE fact_id = f.id ORDER BY tag)) AS tags,
    (SELECT count(*) FROM annotations WHERE fact_id = f.id) AS annotation_count,
    f.created_at,
    f.created_by,
    f.updated_at,
    f.updated_by,
    f.actor_id,
    f.source_id,
    f.anchored_by,
    f.uid,
    -- 1 when analysts changed one of its fields apart, or entered it twice (facts conflicts lists the sides).
    (EXISTS (SELECT 1 FROM conflicts c WHERE c.kind IN ('field', 'duplicate') AND c.subject = f.uid)
     OR EXISTS (SELECT 1 FROM conflicts c WHERE c.kind = 'duplicate' AND c.field = f.uid)) AS conflicted
FROM facts f
JOIN actors a ON a.id = f.actor_id
JOIN sources s ON s.id = f.source_id;

-- What a person decided about a candidate that `facts extract` proposed, so that
-- a rejected candidate is not proposed again and an accepted one points at its fact.
CREATE TABLE candidate_decisions (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    kind       TEXT NOT NULL CHECK (kind IN ('quantity', 'date', 'claimant')),
    start      INTEGER NOT NULL CHECK (start >= 0),
    end        INTEGER NOT NULL CHECK (end > start),
    text       TEXT NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    fact_id    INTEGER REFERENCES facts(id),
    author     TEXT NOT NULL,
    decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source_id, kind, start, end),
    CHECK ((decision = 'accepted') = (fact_id IS NOT NULL))
) STRICT;

-- One row per subject and unit: how far its estimates spread, and who made them.
-- Each fact with its origin: the fact it repeats followed to the end (itself when it repeats none), that
-- fact's claimant, and the actor it counts as (the organisation the claimant spoke for on the day it was
-- said, else the claimant); its unit read through unit_synonyms. The chain is walked per fact, so a
-- lookup of some facts reads their chains only. facts compare groups claims by origin.
CREATE VIEW fact_origins AS
SELECT
    x.fact_id,
    x.origin_fact,
    x.hops,
    o.actor_id AS claimant_id,
    coalesce(x.speaks_for, o.actor_id) AS origin_actor_id,
    (SELECT name FROM actors WHERE id = coalesce(x.speaks_for, o.actor_id)) AS origin,
    x.unit
FROM (
    SELECT c.fact_id, c.origin_fact, c.hops, c.unit,
           (SELECT sf.organization_id FROM speaks_for sf JOIN facts r ON r.id = c.origin_fact
                   JOIN sources s ON s.id = r.source_id
            WHERE sf.actor_id = r.actor_id
              AND (sf.date_start IS NULL OR sf.date_start <= c.day) AND (sf.date_end IS NULL OR c.day <= sf.date_end)
            ORDER BY sf.id LIMIT 1) AS speaks_for
    FROM (
        SELECT b.*,
               (SELECT CASE length(d) WHEN 4 THEN d || '-01-01' WHEN 7 THEN d || '-01' ELSE d END
                FROM (SELECT coalesce(r.stated_on, s.published, r.date_start) AS d
                      FROM facts r JOIN sources s ON s.id = r.source_id WHERE r.id = b.origin_fact)) AS day
        FROM (
            SELECT f.id AS fact_id,
                   coalesce((SELECT canonical FROM unit_synonyms WHERE unit = f.unit), f.unit) AS unit,
                   (WITH RECURSIVE up(id, hops) AS (
                        SELECT f.id, 0
                        UNION ALL
                        SELECT r.repeats, up.hops + 1 FROM fact_repeats r JOIN up ON r.fact_id = up.id)
                    SELECT id FROM up ORDER BY hops DESC LIMIT 1) AS origin_fact,
                   (WITH RECURSIVE up(id, hops) AS (
                        SELECT f.id, 0
                        UNION ALL
                        SELECT r.repeats, up.hops + 1 FROM fact_repeats r JOIN up ON r.fact_id = up.id)
                    SELECT max(hops) FROM up) AS hops
            FROM facts f) b) c) x
JOIN facts o ON o.id = x.origin_fact;

-- The spread of the figures claimed on a subject, in one unit, within one period: the calendar year a
-- claim holds for, or its span of years when it runs over more than one (a 2020 figure is not set against
-- a 1992-2021 span). Only periods where two or more claims differ: the rows are disagreements.
-- One pass in the order of facts_spread (its expression is the view's period, written the same), so the
-- groups need no sort: 0.4 s at 1M facts, where a sort of the facts took 3 s (bench/views.py). The claimants'
-- names are read per row shown, in name order.
CREATE VIEW subject_spread AS
SELECT
    subject,
    unit,
    period,
    claims,
    claimant_count,
    lowest,
    highest,
    round(highest / nullif(lowest, 0), 2) AS ratio,
    first_date,
    last_date,
    (SELECT json_group_array(name) FROM (
        SELECT name FROM actors WHERE id IN (SELECT value FROM json_each(actor_ids)) ORDER BY name)) AS claimants
FROM (
    SELECT subject, unit,
           CASE WHEN substr(date_start, 1, 4) = substr(date_end, 1, 4) THEN substr(date_start, 1, 4)
          ELSE substr(date_start, 1, 4) || '–' || substr(date_end, 1, 4) END AS period,
           count(*) AS claims,
           count(DISTINCT actor_id) AS claimant_count,
           min(coalesce(low, value)) AS lowest,
           max(coalesce(high, value)) AS highest,
           min(date_start) AS first_date,
           max(date_end) AS last_date,
           json_group_array(DISTINCT actor_id) AS actor_ids
    FROM facts
    WHERE qualifier IS NOT NULL
    GROUP BY subject, unit, period
    HAVING claims > 1 AND highest > lowest);

-- Every annotation with the fact it is on.
CREATE VIEW annotations_flat AS
SELECT
    an.id,
    an.fact_id,
    an.kind,
    an.body,
    an.tag,
    an.confidence,
    an.status,
    an.superseded_by,
    an.author,
    an.created_at,
    f.claim,
    f.subject,
    a.name AS claimant,
    s.key AS source
FROM annotations an
JOIN facts f ON f.id = an.fact_id
JOIN actors a ON a.id = f.actor_id
JOIN sources s ON s.id = f.source_id;

-- Every record's global id is unique, made when a row comes without one, and never changes.
CREATE UNIQUE INDEX sources_uid ON sources(uid);
CREATE TRIGGER sources_uid_made AFTER INSERT ON sources WHEN new.uid IS NULL
BEGIN
    UPDATE sources SET uid = lower(hex(randomblob(16))) WHERE rowid = new.rowid;
END;
-- (facts sync gives the smaller uid to a record added twice apart)
CREATE TRIGGER sources_uid_kept BEFORE UPDATE OF uid ON sources
WHEN old.uid IS NOT NULL AND new.uid IS NOT old.uid AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'sources.uid: a global id never changes');
END;
CREATE UNIQUE INDEX source_versions_uid ON source_versions(uid);
CREATE TRIGGER source_versions_uid_made AFTER INSERT ON source_versions WHEN new.uid IS NULL
BEGIN
    UPDATE source_versions SET uid = lower(hex(randomblob(16))) WHERE rowid = new.rowid;
END;
CREATE TRIGGER source_versions_uid_kept BEFORE UPDATE OF uid ON source_versions WHEN old.uid IS NOT NULL AND new.uid IS NOT old.uid
BEGIN
    SELECT RAISE(ABORT, 'source_versions.uid: a global id never changes');
END;
CREATE UNIQUE INDEX actors_uid ON actors(uid);
CREATE TRIGGER actors_uid_made AFTER INSERT ON actors WHEN new.uid IS NULL
BEGIN
    UPDATE actors SET uid = lower(hex(randomblob(16))) WHERE rowid = new.rowid;
END;
-- (facts sync gives the smaller uid to a record added twice apart)
CREATE TRIGGER actors_uid_kept BEFORE UPDATE OF uid ON actors
WHEN old.uid IS NOT NULL AND new.uid IS NOT old.uid AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'actors.uid: a global id never changes');
END;
CREATE UNIQUE INDEX aliases_uid ON aliases(uid);
CREATE TRIGGER aliases_uid_made AFTER INSERT ON aliases WHEN new.uid IS NULL
BEGIN
    UPDATE aliases SET uid = lower(hex(randomblob(16))) WHERE rowid = new.rowid;
END;
-- (facts sync gives the smaller uid to a record added twice apart)
CREATE TRIGGER aliases_uid_kept BEFORE UPDATE OF uid ON aliases
WHEN old.uid IS NOT NULL AND new.uid IS NOT old.uid AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'aliases.uid: a global id never changes');
END;
CREATE UNIQUE INDEX facts_uid ON facts(uid);
CREATE TRIGGER facts_uid_made AFTER INSERT ON facts WHEN new.uid IS NULL
BEGIN
    UPDATE facts SET uid = lower(hex(randomblob(16))) WHERE rowid = new.rowid;
END;
CREATE TRIGGER facts_uid_kept BEFORE UPDATE OF uid ON facts WHEN old.uid IS NOT NULL AND new.uid IS NOT old.uid
BEGIN
    SELECT RAISE(ABORT, 'facts.uid: a global id never changes');
END;
CREATE UNIQUE INDEX annotations_uid ON annotations(uid);
CREATE TRIGGER annotations_uid_made AFTER INSERT ON annotations WHEN new.uid IS NULL
BEGIN
    UPDATE annotations SET uid = lower(hex(randomblob(16))) WHERE rowid = new.rowid;
END;
CREATE TRIGGER annotations_uid_kept BEFORE UPDATE OF uid ON annotations WHEN old.uid IS NOT NULL AND new.uid IS NOT old.uid
BEGIN
    SELECT RAISE(ABORT, 'annotations.uid: a global id never changes');
END;

-- A change's global id and its parents (the changes of the same record no other change was made on yet),
-- made when a change comes without them (a change another analyst made comes with its own). A change
-- made again from a full-fidelity file (facts import) takes the ones it was exported with, left for it in
-- pending_change by the import.
CREATE TABLE pending_change (
    tbl     TEXT NOT NULL,
    record  INTEGER NOT NULL,
    uid     TEXT NOT NULL,
    parents TEXT NOT NULL,
    PRIMARY KEY (tbl, record)
) STRICT;
CREATE UNIQUE INDEX fact_history_uid ON fact_history(uid);
CREATE TRIGGER fact_history_uid_made AFTER INSERT ON fact_history WHEN new.uid IS NULL
BEGIN
    UPDATE fact_history SET uid = coalesce((SELECT uid FROM pending_change WHERE tbl = 'fact_history' AND record = new.fact_id), lower(hex(randomblob(16)))),
        parents = coalesce((SELECT parents FROM pending_change WHERE tbl = 'fact_history' AND record = new.fact_id),
                           (SELECT group_concat(uid, ' ') FROM (
                               SELECT h.uid FROM fact_history h WHERE h.fact_id = new.fact_id AND h.id <> new.id AND h.uid IS NOT NULL
                                   AND NOT EXISTS (SELECT 1 FROM fact_history c WHERE c.fact_id = new.fact_id
                                                   AND instr(' ' || c.parents || ' ', ' ' || h.uid || ' ') > 0)
                               ORDER BY h.uid)),
                           coalesce((SELECT uid FROM facts WHERE id = new.fact_id), json_extract(new.old, '$.uid')), '')
    WHERE id = new.id;
    DELETE FROM pending_change WHERE tbl = 'fact_history' AND record = new.fact_id;
END;
CREATE TRIGGER fact_history_uid_kept BEFORE UPDATE OF uid, parents ON fact_history WHEN old.uid IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'fact_history: a change keeps its global id and parents');
END;
CREATE UNIQUE INDEX actor_history_uid ON actor_history(uid);
CREATE TRIGGER actor_history_uid_made AFTER INSERT ON actor_history WHEN new.uid IS NULL
BEGIN
    UPDATE actor_history SET uid = coalesce((SELECT uid FROM pending_change WHERE tbl = 'actor_history' AND record = new.actor_id), lower(hex(randomblob(16)))),
        parents = coalesce((SELECT parents FROM pending_change WHERE tbl = 'actor_history' AND record = new.actor_id),
                           (SELECT group_concat(uid, ' ') FROM (
                               SELECT h.uid FROM actor_history h WHERE h.actor_id = new.actor_id AND h.id <> new.id AND h.uid IS NOT NULL
                                   AND NOT EXISTS (SELECT 1 FROM actor_history c WHERE c.actor_id = new.actor_id
                                                   AND instr(' ' || c.parents || ' ', ' ' || h.uid || ' ') > 0)
                               ORDER BY h.uid)),
                           (SELECT uid FROM actors WHERE id = new.actor_id), '')
    WHERE id = new.id;
    DELETE FROM pending_change WHERE tbl = 'actor_history' AND record = new.actor_id;
END;
CREATE TRIGGER actor_history_uid_kept BEFORE UPDATE OF uid, parents ON actor_history WHEN old.uid IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'actor_history: a change keeps its global id and parents');
END;
CREATE UNIQUE INDEX source_history_uid ON source_history(uid);
CREATE TRIGGER source_history_uid_made AFTER INSERT ON source_history WHEN new.uid IS NULL
BEGIN
    UPDATE source_history SET uid = coalesce((SELECT uid FROM pending_change WHERE tbl = 'source_history' AND record = new.source_id), lower(hex(randomblob(16)))),
        parents = coalesce((SELECT parents FROM pending_change WHERE tbl = 'source_history' AND record = new.source_id),
                           (SELECT group_concat(uid, ' ') FROM (
                               SELECT h.uid FROM source_history h WHERE h.source_id = new.source_id AND h.id <> new.id AND h.uid IS NOT NULL
                                   AND NOT EXISTS (SELECT 1 FROM source_history c WHERE c.source_id = new.source_id
                                                   AND instr(' ' || c.parents || ' ', ' ' || h.uid || ' ') > 0)
                               ORDER BY h.uid)),
                           (SELECT uid FROM sources WHERE id = new.source_id), '')
    WHERE id = new.id;
    DELETE FROM pending_change WHERE tbl = 'source_history' AND record = new.source_id;
END;
CREATE TRIGGER source_history_uid_kept BEFORE UPDATE OF uid, parents ON source_history WHEN old.uid IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'source_history: a change keeps its global id and parents');
END;
CREATE UNIQUE INDEX link_history_uid ON link_history(uid);
CREATE TRIGGER link_history_uid_made AFTER INSERT ON link_history WHEN new.uid IS NULL
BEGIN
    UPDATE link_history SET uid = coalesce((SELECT uid FROM pending_change WHERE tbl = 'link_history' AND record = new.subject_id), lower(hex(randomblob(16)))),
        parents = coalesce((SELECT parents FROM pending_change WHERE tbl = 'link_history' AND record = new.subject_id),
                           (SELECT group_concat(uid, ' ') FROM (
                               SELECT h.uid FROM link_history h WHERE h.kind = new.kind AND h.subject_id = new.subject_id AND h.id <> new.id AND h.uid IS NOT NULL
                                   AND NOT EXISTS (SELECT 1 FROM link_history c WHERE c.kind = new.kind AND c.subject_id = new.subject_id
                                                   AND instr(' ' || c.parents || ' ', ' ' || h.uid || ' ') > 0)
                               ORDER BY h.uid)),
                           CASE new.kind WHEN 'repeats' THEN (SELECT uid FROM facts WHERE id = new.subject_id) ELSE (SELECT uid FROM actors WHERE id = new.subject_id) END, '')
    WHERE id = new.id;
    DELETE FROM pending_change WHERE tbl = 'link_history' AND record = new.subject_id;
END;
CREATE TRIGGER link_history_uid_kept BEFORE UPDATE OF uid, parents ON link_history WHEN old.uid IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'link_history: a change keeps its global id and parents');
END;

-- Two records found to be one: an actor merged into another (facts actors merge), or the same actor, alias
-- or source added apart by two analysts (facts sync keeps the smaller uid). A record that names the one that
-- went is read as the one it became: all the records merged with each other become the one that never went
-- (the smallest uid of those, or of them all when each went into another, as two analysts merging two
-- actors into each other would make).
CREATE TABLE merged_uids (
    uid       TEXT NOT NULL,
    into_uid  TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('actor', 'alias', 'source')),
    -- When and by whom (an analyst's merge); empty when facts sync found two records to be one.
    merged_at TEXT,
    merged_by TEXT,
    -- The record as it was, as JSON: what an actor was called and its kind, an alias's actor.
    record    TEXT CHECK (record IS NULL OR json_valid(record)),
    PRIMARY KEY (uid, into_uid),
    CHECK (into_uid <> uid)
) STRICT;

-- A record two analysts gave another meaning apart, set aside by facts sync until someone decides: an alias
-- naming another actor, a unit declared the same as another, a source key holding another text (that source
-- stays, under its key with its uid's first digits added). The one kept is the smaller uid's.
CREATE TABLE set_aside (
    uid     TEXT PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('alias', 'unit', 'source')),
    -- The alias, the unit, the source key it clashed on.
    subject TEXT NOT NULL,
    -- The record as JSON: an alias's actor (uid), a unit with its canonical unit, a source's key set aside.
    record  TEXT NOT NULL CHECK (json_valid(record))
) STRICT;
CREATE INDEX set_aside_subject ON set_aside(kind, subject);

-- What analysts' work apart left to decide, listed by facts conflicts: two changes of one field of a fact
-- or an actor made on the same parent ('field'), an alias given to two actors ('alias'), an actor added
-- twice with two kinds ('actor'), a unit declared the same as two others ('unit'), one source key for two
-- texts ('source'), one claim entered twice ('duplicate'). facts sync keeps it from the records and changes
-- alone, so every database that has seen the same work lists the same.
CREATE TABLE conflicts (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('field', 'alias', 'actor', 'unit', 'source', 'duplicate')),
    -- The uid of the fact, actor or source it is about; the alias or unit itself for those.
    subject TEXT NOT NULL,
    -- For a field: its name (a group of columns, vocab.FIELD_GROUPS); for a duplicate, the other fact's uid.
    field   TEXT NOT NULL DEFAULT '',
    -- Each side as JSON: its value, who made it and when, and the uid of the change or record.
    sides   TEXT NOT NULL CHECK (json_valid(sides)),
    UNIQUE (kind, subject, field)
) STRICT;
CREATE INDEX conflicts_field ON conflicts(kind, field);

-- A decision on a conflict that is not a change of a fact or an actor: which actor an alias names, which
-- unit a synonym means, which text keeps a source key, that two facts are not the same claim. Made by facts
-- resolve and synced like a change.
CREATE TABLE decisions (
    uid        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('alias', 'unit', 'source', 'duplicate')),
    subject    TEXT NOT NULL,
    -- What was decided, as JSON: the uid of the side taken, or 'distinct' for two facts that are not one.
    take       TEXT NOT NULL CHECK (json_valid(take)),
    decided_at TEXT NOT NULL,
    decided_by TEXT
) STRICT;

-- Each schema version this file has had: made at one, upgraded to the next (with the copy kept).
CREATE TABLE schema_log (
    id           INTEGER PRIMARY KEY,
    version      INTEGER NOT NULL CHECK (version >= 1),
    from_version INTEGER CHECK (from_version >= 1 AND from_version < version),
    changed_at   TEXT NOT NULL,
    backup       TEXT
) STRICT;

PRAGMA user_version = 8;
