/**
 * The wiring of the Veil platform server: {@link dev.veil.server.app.App} builds the database,
 * the blob store, the audit log, the repositories, the services and the HTTP route modules in one
 * place from a {@link dev.veil.server.app.ServerConfig}, and {@code veil serve} ({@link
 * dev.veil.server.app.ServeCommand}, added to the command line through {@code dev.veil.cli.spi})
 * runs it.
 *
 * <p>May use every server package, veil-he, veil-ml, veil-api and veil-cli's {@code spi}; no
 * other server package may use it (the features know nothing of how they are put together).
 */
package dev.veil.server.app;
