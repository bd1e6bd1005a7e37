/**
 * Commands about the program itself: {@code veil version}, and {@code veil bench}, the group
 * that other modules fill through {@link dev.veil.cli.spi.CommandProvider}. Uses only {@link
 * dev.veil.cli.core} and {@link dev.veil.cli.spi}.
 */
package dev.veil.cli.program;
