/**
 * The request and response bodies of the Veil REST API, as records, field for field as in the
 * server's {@code openapi.yaml}. Responses are read leniently (fields a newer server adds are
 * ignored); requests are written without their null fields, so that an optional field left null
 * takes the server's default. Times are {@link java.time.Instant}s, money is in integer minor
 * units (cents).
 *
 * <p>Two request fields are raw JSON on purpose: a data set's {@code meta} ({@code meta.json} of
 * {@code veil encrypt}) and a published model's {@code model} ({@code model.json} of {@code veil
 * decrypt}) travel as the files hold them, so that the server, not the SDK, decides what they may
 * contain.
 */
package dev.veil.api;
