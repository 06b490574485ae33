-- Databases the worker may change; the password is stored encrypted.
CREATE TABLE target (
    name               text PRIMARY KEY,
    jdbc_url           text NOT NULL,
    username           text NOT NULL DEFAULT '',
    password_encrypted bytea
);
