-- The subject of the certificate a client presented over mutual TLS, when it did.
ALTER TABLE usage ADD COLUMN client_certificate TEXT;
