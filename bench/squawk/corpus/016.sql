CREATE TABLE IF NOT EXISTS codes (id bigint PRIMARY KEY, code char(4));
