package dev.veil.cli.core;

import picocli.CommandLine.Command;

/**
 * The attributes every local command shares, as a picocli mixin ({@code @Mixin StandardCommand
 * standard;}): {@code --help} and {@code --version}, and the exit codes in the usage help. A
 * command adds its own name, description and options; commands provided by other modules (the
 * benchmarks) use it too.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT})
public final class StandardCommand {}
