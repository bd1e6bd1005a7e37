/**
 * Content-addressed storage (SHA-256) of keys, ciphertexts and results, written atomically, and
 * the check of an upload while it streams to the store ({@link
 * dev.veil.server.blob.CheckedUpload}).
 *
 * <p>May use {@code core} and veil-he (its format errors); no other server package.
 */
package dev.veil.server.blob;
