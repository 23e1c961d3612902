-- Tank Logs DB, default schema, SQLite dialect (the embedded default of tank.monitoring.logsdb_check).
-- Same tables and columns as schema.oracle.sql. Timestamps are ISO-8601 text 'YYYY-MM-DD HH:MM:SS'
-- (local time unless the check runs with timestamps=utc), which compares in time order.
-- The indexes are the recommended ones: each leads with the time column the check's range
-- predicate uses and includes the column it counts by, so every check query is an index range scan.

CREATE TABLE IF NOT EXISTS AUTO_RUN_LOG (
    RUN_ID      INTEGER PRIMARY KEY,
    JOB_NAME    TEXT NOT NULL DEFAULT 'automation',
    STATUS      TEXT NOT NULL,              -- RUNNING / SUCCESS / FAIL
    START_AT    TEXT NOT NULL,
    END_AT      TEXT,                       -- NULL while the run is going on
    MESSAGE     TEXT
);
CREATE INDEX IF NOT EXISTS AUTO_RUN_LOG_START_IX ON AUTO_RUN_LOG (START_AT, STATUS, END_AT);

CREATE TABLE IF NOT EXISTS EMAIL_SEND_LOG (
    SEND_ID       INTEGER PRIMARY KEY,
    RUN_ID        INTEGER,
    RECIPIENT     TEXT NOT NULL,
    STATUS        TEXT NOT NULL,            -- SUCCESS / FAIL
    SENT_AT       TEXT NOT NULL,
    ERROR_MESSAGE TEXT
);
CREATE INDEX IF NOT EXISTS EMAIL_SEND_LOG_SENT_IX ON EMAIL_SEND_LOG (SENT_AT, STATUS);

CREATE TABLE IF NOT EXISTS ATTACHMENT_LOG (
    ATTACHMENT_ID INTEGER PRIMARY KEY,
    SEND_ID       INTEGER,
    FILE_PATH     TEXT NOT NULL,
    STATUS        TEXT NOT NULL,            -- MATCHED / NOT_FOUND / INVALID / DUPLICATED
    LOGGED_AT     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ATTACHMENT_LOG_LOGGED_IX ON ATTACHMENT_LOG (LOGGED_AT, STATUS);

CREATE TABLE IF NOT EXISTS SYSTEM_ERROR_LOG (
    ERROR_ID    INTEGER PRIMARY KEY,
    MODULE      TEXT NOT NULL,              -- DBIO / TEMPLATE / SES / WORKER
    MESSAGE     TEXT,
    LOGGED_AT   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS SYSTEM_ERROR_LOG_LOGGED_IX ON SYSTEM_ERROR_LOG (LOGGED_AT, MODULE);

CREATE TABLE IF NOT EXISTS TEMPLATE_LOG (
    TEMPLATE_LOG_ID INTEGER PRIMARY KEY,
    TEMPLATE_ID     TEXT NOT NULL,
    STATUS          TEXT NOT NULL,          -- OK / ERROR
    MESSAGE         TEXT,
    LOGGED_AT       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS TEMPLATE_LOG_LOGGED_IX ON TEMPLATE_LOG (LOGGED_AT, STATUS);
