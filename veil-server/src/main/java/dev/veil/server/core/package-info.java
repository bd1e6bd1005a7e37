/**
 * The types every server feature shares: the authenticated caller ({@link
 * dev.veil.server.core.Principal}) and its {@link dev.veil.server.core.Role}s, the one refusal
 * type services throw ({@link dev.veil.server.core.ServiceException}), public object ids ({@link
 * dev.veil.server.core.Ids}) and SHA-256 digests ({@link dev.veil.server.core.Digests}).
 *
 * <p>Uses only the JDK: no other server package, module or library, so that every feature may
 * use it without making a cycle.
 */
package dev.veil.server.core;
