-- Operators disable accounts: a disabled user cannot log in and their tokens authenticate nothing.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP WITH TIME ZONE;
