CREATE TABLE IF NOT EXISTS tokens (id bigserial PRIMARY KEY, label text);
