/** {@code veil serve}, added to the command line through {@code dev.veil.cli.spi}. */
package dev.veil.server.cli;
