package dev.veil.server.inference;

/**
 * A request to run a published model on the caller's encrypted rows.
 *
 * <h2>The rows</h2>
 *
 * The caller scales each row with the model's input schema ({@code x' = (x - offset) / scale},
 * features in the schema's order), encrypts under their own public key at the top level and the
 * default scale, and uploads the ciphertexts one after the other (VeilIO format) as an input:
 *
 * <ul>
 *   <li>{@code feature-major} (default; {@code dev.veil.ml.infer.FeatureMajorInference.Owner}):
 *       batches of N/2 rows; batch b is {@code features} ciphertexts, ciphertext j holding feature
 *       j of rows {@code b N/2 ...} in slots {@code 0 ...}; batches in order. No rotation keys
 *       needed.
 *   <li>{@code row-major} ({@code dev.veil.ml.linalg.TablePacker} with {@code Layout.of(params,
 *       rows, features)}): each row in a block of the next power of two above the features; the
 *       evaluation keys need the rotations by 1, 2, 4, ..., block/2.
 * </ul>
 *
 * Probabilities need the relinearisation key and assume every score lies in the server's sigmoid
 * interval (by default [-8, 8]).
 *
 * @param modelId the model (listed, or the caller's own)
 * @param keySetId the caller's key set the rows are encrypted under (its public key receives the
 *     result)
 * @param inputId the caller's uploaded rows
 * @param rows how many rows they hold: the price is rows x the price per prediction, and only
 *     this many results are returned (every other slot is cleared)
 * @param packing {@code feature-major} (default) or {@code row-major}
 * @param output {@code scores} (default) or {@code probabilities} (logistic models only)
 */
public record InferenceRequest(String modelId, String keySetId, String inputId, Long rows,
    String packing, String output) {}
