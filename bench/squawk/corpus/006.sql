ALTER TABLE orders ADD COLUMN account_id bigint REFERENCES accounts (id);
