/**
 * Key sets: parameters, public keys and evaluation keys (never secret keys), checked on upload
 * under contexts from the server's one {@code KeyCache}, and their routes.
 *
 * <p>May use {@code core}, {@code db}, {@code blob}, {@code audit}, {@code he}, {@code http} and
 * veil-he.
 */
package dev.veil.server.keys;
