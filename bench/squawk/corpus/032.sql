CREATE TABLE IF NOT EXISTS gadgets (id serial PRIMARY KEY, label text);
