CREATE TABLE IF NOT EXISTS widgets (id int PRIMARY KEY, label text);
