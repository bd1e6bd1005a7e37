/**
 * The jobs' view of uploaded key sets and encrypted data sets ({@link
 * dev.veil.server.catalog.Catalog}): ids, owners, listing terms and blob digests, nothing secret.
 *
 * <p>May use {@code dataset} and {@code keys} (the repositories its one implementation reads);
 * the job features use it instead of those packages.
 */
package dev.veil.server.catalog;
