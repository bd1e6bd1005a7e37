/**
 * What every command shares, built in or provided by another module (veil-server's {@code veil
 * serve}, veil-bench's {@code veil bench ...}): the context a command runs in ({@link
 * dev.veil.cli.core.CliContext}: streams, environment), the one place where failures become
 * messages and exit codes ({@link dev.veil.cli.core.CliErrors}), checks of option values ({@link
 * dev.veil.cli.core.Opts}) and the version. Its public API is used by those modules: keep it.
 *
 * <p>Uses only the JDK, picocli and the SDK's exceptions; no other package of the command line.
 */
package dev.veil.cli.core;
