/**
 * The server, user name and token that {@code veil login} saves in {@code ~/.veil} (or {@code
 * $VEIL_HOME}), readable by the owner only. Uses only the JDK and Jackson; the remote commands
 * read it.
 */
package dev.veil.cli.credentials;
