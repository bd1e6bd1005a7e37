/**
 * Accounts, Argon2id password hashes and API tokens (stored as SHA-256 hashes, shown once):
 * {@link dev.veil.server.account.AccountService} and its routes. The caller and its roles are
 * the shared {@code dev.veil.server.core.Principal} and {@code dev.veil.server.core.Role}.
 *
 * <p>May use {@code core}, {@code audit} (it records logins and account changes), {@code db}
 * and {@code http} (its routes).
 */
package dev.veil.server.account;
