/**
 * How the commands show what they do on the streams of {@link dev.veil.cli.core.CliContext}:
 * progress on standard error ({@link dev.veil.cli.output.Bars}: bars on a terminal, one plain
 * line per step in a log) and the {@code --json} form of the records that the list, show, status
 * and balance commands print. Uses only {@link dev.veil.cli.core}, Jackson and the progress-bar
 * library; the local and remote commands use it.
 */
package dev.veil.cli.output;
