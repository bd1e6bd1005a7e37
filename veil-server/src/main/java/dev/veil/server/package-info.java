/**
 * The Veil platform server: the REST API under {@code /api/}, accounts and tokens, key sets, encrypted data
 * sets and models with their listings, the job queue, the ledger and the hash-chained audit log, wired in
 * one place ({@code App.create(config)}). Depends on veil-ml, veil-he and the SDK's API records in
 * veil-client; nothing below imports it.
 */
package dev.veil.server;
