/**
 * Accounts, roles, Argon2id password hashes and API tokens (stored as SHA-256 hashes, shown once):
 * {@link dev.veil.server.account.AccountService} and its routes.
 */
package dev.veil.server.account;
