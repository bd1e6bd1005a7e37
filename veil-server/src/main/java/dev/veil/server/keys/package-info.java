/** Key sets: parameters, public keys and evaluation keys (never secret keys), checked on upload. */
package dev.veil.server.keys;
