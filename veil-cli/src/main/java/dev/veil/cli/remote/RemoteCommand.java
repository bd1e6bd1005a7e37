package dev.veil.cli.remote;

import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import picocli.CommandLine.Command;

/**
 * The attributes every remote command shares, as a picocli mixin ({@code @Mixin RemoteCommand
 * standard;}): {@code --help} and {@code --version}, and the remote commands' exit codes in the
 * usage help. A command adds its own name, description and options.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_REMOTE_FAILURE,
        CliErrors.EXIT_REMOTE_BAD_INPUT})
final class RemoteCommand {}
