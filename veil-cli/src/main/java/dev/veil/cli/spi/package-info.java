/**
 * The service-provider interface through which modules above the command line (veil-server's
 * {@code veil serve}, veil-bench's {@code veil bench ...}) add commands to {@code veil}. The
 * command line never imports those modules; it only loads what is on the class path. Provided
 * commands may use {@link dev.veil.cli.core}: the shared context, error handling and option
 * checks.
 */
package dev.veil.cli.spi;
