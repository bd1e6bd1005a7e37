/** Content-addressed storage (SHA-256) of keys, ciphertexts and results, written atomically. */
package dev.veil.server.blob;
