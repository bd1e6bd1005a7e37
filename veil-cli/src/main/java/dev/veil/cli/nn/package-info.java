/**
 * Neural-network commands: the {@code veil nn} group and its {@code train} subcommand, which
 * trains an HE-friendly network in the clear and writes it as ONNX. Uses only {@link
 * dev.veil.cli.core} of the command line.
 */
package dev.veil.cli.nn;
