/**
 * Ledger schema, one entry per `PRAGMA user_version`. Append only: never edit a shipped
 * migration; add the next one. Opening an older file runs the missing ones in one transaction.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the session ledger (ARCHITECTURE.md contracts) and the training tables.
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    command TEXT,
    argv TEXT,
    status TEXT NOT NULL CHECK (status IN ('running','passed','failed','interrupted','aborted')),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    git_sha TEXT,
    git_branch TEXT,
    git_dirty INTEGER,
    git_tree TEXT,
    host TEXT,
    pid INTEGER,
    node_version TEXT,
    os TEXT,
    env_json TEXT,
    projects_json TEXT,
    duration_ms REAL,
    tests_total INTEGER,
    tests_passed INTEGER,
    tests_failed INTEGER,
    tests_skipped INTEGER,
    tests_todo INTEGER,
    parent_id TEXT
  );
  CREATE INDEX sessions_started ON sessions(started_at);
  CREATE INDEX sessions_kind ON sessions(kind, started_at);

  CREATE TABLE test_results (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    project TEXT,
    file TEXT,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('passed','failed','skipped','todo')),
    duration_ms REAL,
    retry_count INTEGER NOT NULL DEFAULT 0,
    flaky INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    skip_reason TEXT,
    test_id TEXT
  );
  CREATE INDEX test_results_session ON test_results(session_id);

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('system','tool','assistant')),
    level TEXT NOT NULL DEFAULT 'info',
    message TEXT NOT NULL,
    data_json TEXT
  );
  CREATE INDEX events_session ON events(session_id);

  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    gate TEXT NOT NULL,
    severity TEXT NOT NULL,
    rule TEXT NOT NULL,
    file TEXT,
    line INTEGER,
    message TEXT NOT NULL,
    remediation TEXT,
    fingerprint TEXT NOT NULL
  );
  CREATE INDEX findings_session ON findings(session_id);
  CREATE INDEX findings_fingerprint ON findings(fingerprint);

  CREATE TABLE gate_runs (
    session_id TEXT NOT NULL,
    gate TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('passed','failed','cached','skipped')),
    cache_key TEXT,
    cached_from TEXT,
    duration_ms REAL,
    findings_count INTEGER,
    reason TEXT
  );
  CREATE INDEX gate_runs_key ON gate_runs(gate, cache_key);

  CREATE TABLE coverage (
    session_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    lines_pct REAL,
    branches_pct REAL,
    functions_pct REAL,
    statements_pct REAL,
    report_path TEXT,
    git_branch TEXT
  );
  CREATE INDEX coverage_scope ON coverage(scope, git_branch);

  CREATE TABLE artifacts (
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT,
    bytes INTEGER,
    created_at TEXT
  );

  CREATE TABLE commits (
    sha TEXT PRIMARY KEY,
    tree TEXT,
    session_id TEXT,
    linked_at TEXT NOT NULL,
    bypass INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE training_runs (
    id TEXT PRIMARY KEY,
    session_id TEXT,
    config_json TEXT,
    config_hash TEXT,
    backend TEXT,
    device TEXT,
    seed INTEGER,
    status TEXT NOT NULL,
    out_dir TEXT,
    started_at TEXT,
    ended_at TEXT
  );

  CREATE TABLE metrics (
    run_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL,
    is_nan INTEGER NOT NULL DEFAULT 0,
    ts INTEGER NOT NULL
  );
  CREATE INDEX metrics_run ON metrics(run_id, name, step);

  CREATE TABLE checkpoints (
    run_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT,
    metric REAL,
    kept INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'committed' CHECK (status IN ('writing','committed','deleted')),
    created_at TEXT
  );

  CREATE TABLE imported_records (
    rid TEXT PRIMARY KEY,
    imported_at TEXT NOT NULL
  );
  `,
  // 2: tests declared with test.fails. Vitest reports one that failed as expected as passed; the
  // flag keeps those apart from real passes without widening the state contract.
  `
  ALTER TABLE test_results ADD COLUMN expected_fail INTEGER NOT NULL DEFAULT 0;
  `,
  // 3: every row of an append-only table carries a globally unique, stable id (`rid`: the id of
  // the record that wrote it), so `ledger export` ids never clash between ledgers and importing
  // an export anywhere, twice or into itself, adds each row once. Existing rows get a random one;
  // a row inserted without one (raw SQL, older code) gets one from the trigger.
  ['test_results', 'events', 'findings', 'gate_runs', 'coverage', 'artifacts', 'metrics', 'checkpoints']
    .map(
      (t) => `
  ALTER TABLE ${t} ADD COLUMN rid TEXT;
  UPDATE ${t} SET rid = lower(hex(randomblob(16))) WHERE rid IS NULL;
  CREATE UNIQUE INDEX ${t}_rid ON ${t}(rid);
  CREATE TRIGGER ${t}_rid AFTER INSERT ON ${t} WHEN NEW.rid IS NULL
    BEGIN UPDATE ${t} SET rid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid; END;`,
    )
    .join('\n'),
  // 4: where a training run's weights came from and what it trained (issue 21): the init_from
  // source and its registry name, the LoRA settings (JSON; NULL for full training), and the
  // trainable vs total parameter counts (a LoRA run trains a small share of them).
  `
  ALTER TABLE training_runs ADD COLUMN init_from TEXT;
  ALTER TABLE training_runs ADD COLUMN registry_name TEXT;
  ALTER TABLE training_runs ADD COLUMN adapter_json TEXT;
  ALTER TABLE training_runs ADD COLUMN trainable_params INTEGER;
  ALTER TABLE training_runs ADD COLUMN total_params INTEGER;
  `,
  // 5: where each test ran (issue 19): the host, and for a sharded run merged by
  // `codex-gates merge` the shard (`i/N`, NULL for an unsharded run). A merged session's own
  // `host` is the merging machine's; its rows keep the machines that ran them.
  `
  ALTER TABLE test_results ADD COLUMN host TEXT;
  ALTER TABLE test_results ADD COLUMN shard TEXT;
  CREATE INDEX test_results_host ON test_results(host);
  `,
  // 6: what every report reads found by index, not by scanning every row ever recorded (a warm
  // `codex-gates run` renders the reports, so it slowed down as the ledger grew): its session's
  // gate runs (gateVerdicts: 8.8 ms at 10,000 gate runs, 17 more each warm run), coverage and
  // artifacts, and the assistant's events (the questions list: 3.4 ms at 1,857 events).
  `
  CREATE INDEX gate_runs_session ON gate_runs(session_id);
  CREATE INDEX events_role ON events(role);
  CREATE INDEX coverage_session ON coverage(session_id);
  CREATE INDEX artifacts_session ON artifacts(session_id);
  `,
]

/** The schema version this code writes. A file with a higher `user_version` is refused. */
export const SCHEMA_VERSION = MIGRATIONS.length
