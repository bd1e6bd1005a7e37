/**
 * Encrypted data sets: public metadata ({@link dev.veil.api.DataInfo}, the {@code meta.json} of
 * {@code veil encrypt}), streamed ciphertext parts, listings with a price.
 */
package dev.veil.server.dataset;
