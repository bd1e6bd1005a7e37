/**
 * Encrypted data sets: public metadata ({@link dev.veil.api.DataInfo}, the {@code meta.json} of
 * {@code veil encrypt}), streamed ciphertext parts, listings with a price, and their routes.
 *
 * <p>May use {@code core}, {@code db}, {@code blob}, {@code audit}, {@code he} (ciphertext
 * headers), {@code keys} (a data set is encrypted under one of its owner's key sets), {@code
 * http}, veil-he and veil-api.
 */
package dev.veil.server.dataset;
