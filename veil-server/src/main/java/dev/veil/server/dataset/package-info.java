/** Encrypted data sets: public metadata, streamed ciphertext parts, listings with a price. */
package dev.veil.server.dataset;
