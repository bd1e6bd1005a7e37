/**
 * How the commands show what they do on the streams of {@link dev.veil.cli.core.CliContext}:
 * progress on standard error. Uses only {@link dev.veil.cli.core} and the progress-bar library;
 * the local and remote commands use it.
 */
package dev.veil.cli.output;
