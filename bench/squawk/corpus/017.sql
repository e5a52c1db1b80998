CREATE TABLE IF NOT EXISTS names (id bigint PRIMARY KEY, name varchar(100));
