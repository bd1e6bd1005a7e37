/**
 * The records that cross a boundary between the modules, one per concept, used by the CLI, the
 * SDK and the server alike.
 *
 * <p>The request and response bodies of the Veil REST API, field for field as in the server's
 * {@code openapi.yaml}. Responses are read leniently (fields a newer server adds are ignored);
 * requests are written without their null fields, so that an optional field left null takes the
 * server's default. Times are {@link java.time.Instant}s, money is in integer minor units (cents).
 * Two request fields are raw JSON on purpose: a data set's {@code meta} ({@code meta.json} of
 * {@code veil encrypt}) and a published model's {@code model} ({@code model.json} of {@code veil
 * decrypt}) travel as the files hold them, so that the server, not the SDK, decides what they may
 * contain.
 *
 * <p>The public metadata files of the file-based workflow, one record per file kind: {@link
 * KeysInfo}, {@link DataInfo} (also the wire form of a data set's metadata), {@link
 * EncryptedModelInfo} with its {@link TrainingInfo}, {@link ModelFile}, {@link SchemaFile}, {@link
 * RowsInfo}, {@link PredictionsInfo} with its {@link SanitizerInfo}. None holds a secret. Each file
 * carries a {@code format} tag (its record's {@code FORMAT}); {@code validate()} checks a record on
 * its own (the format tag, required fields, counts, shapes) with messages that begin with the
 * field's name, for the reader to prefix with the file or request field it came from. The records
 * mark which fields are omitted when null, as the files have them. Unknown fields are ignored in
 * model files and training reports (informational parts a newer {@code veil} may add); elsewhere
 * the reader's mapper decides (the command and the SDK are lenient, the server refuses unknown
 * fields in requests).
 *
 * <p>May use Jackson's annotations and databind (raw JSON fields), and veil-ml's feature
 * transforms ({@code dev.veil.ml.data}) for {@link Scaling}, nothing else.
 */
package dev.veil.api;
