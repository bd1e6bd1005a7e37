/**
 * Published models: listings, write-only weights sealed at rest by the {@link
 * dev.veil.server.model.WeightsVault}, and their routes. A model arrives as the {@link
 * dev.veil.api.ModelFile} of {@code veil decrypt}.
 */
package dev.veil.server.model;
