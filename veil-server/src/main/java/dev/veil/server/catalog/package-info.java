/**
 * The jobs' view of uploaded key sets and encrypted data sets ({@link dev.veil.server.catalog.Catalog}):
 * ids, owners, listing terms and blob digests, nothing secret.
 */
package dev.veil.server.catalog;
