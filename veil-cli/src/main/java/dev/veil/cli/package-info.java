/**
 * The entry point of the {@code veil} command ({@link dev.veil.cli.VeilCli}): it lists the
 * built-in commands of the sub-packages and adds those of the {@link dev.veil.cli.spi}
 * providers. Nothing else is here, and no package of the command line uses this one.
 */
package dev.veil.cli;
