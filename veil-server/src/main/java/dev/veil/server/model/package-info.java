/**
 * Published models: listings, write-only weights sealed at rest by the {@link
 * dev.veil.server.model.WeightsVault}, and their routes.
 */
package dev.veil.server.model;
