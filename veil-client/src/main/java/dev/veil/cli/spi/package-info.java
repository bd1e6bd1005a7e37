/**
 * The service-provider interface through which higher layers (veil-server) add commands to {@code
 * veil}. The command line never imports those layers; it only loads what is on the class path.
 */
package dev.veil.cli.spi;
