/**
 * Published models: listings, write-only weights sealed at rest by the {@link
 * dev.veil.server.model.WeightsVault}, and their routes. A model arrives as the {@link
 * dev.veil.api.ModelFile} of {@code veil decrypt}.
 *
 * <p>May use {@code core}, {@code db}, {@code audit}, {@code budget}, {@code ledger}, {@code
 * http} and veil-api.
 */
package dev.veil.server.model;
