package dev.veil.ml.nn.compile;

/**
 * What one compiled layer costs, so that a user sees where the time goes. Counts are per
 * request in latency mode and per batch (N/2 inputs) in throughput mode.
 *
 * @param node the network node's index
 * @param name the node's name
 * @param kind the layer kind ("conv", "dense", "square", ...)
 * @param lowering how it was compiled (e.g. "diagonal BSGS", "diagonal+fold/16", "mac")
 * @param layout the output's slot layout (latency) or "one value per ciphertext"
 * @param levelIn level of the (first) input
 * @param levelOut level of the output (pending rescales done)
 * @param rotationKeys distinct rotations (Galois keys) the layer uses
 * @param keySwitches key switches: rotations plus relinearisations
 * @param hoistedDecompositions key-switching decompositions shared by hoisted rotations
 * @param ciphertextMultiplications ciphertext-ciphertext products
 * @param plaintextMultiplications plaintext or constant products (multiply-accumulate terms)
 * @param rescales rescales
 * @param plaintextBytes memory of the layer's encoded plaintexts and constants
 * @param predictedSeconds from the {@link CostModel}, NaN without one
 */
public record LayerReport(int node, String name, String kind, String lowering, String layout,
    int levelIn, int levelOut, int rotationKeys, long keySwitches, long hoistedDecompositions,
    long ciphertextMultiplications, long plaintextMultiplications, long rescales,
    long plaintextBytes, double predictedSeconds) {

  LayerReport withPredicted(double seconds) {
    return new LayerReport(node, name, kind, lowering, layout, levelIn, levelOut, rotationKeys,
        keySwitches, hoistedDecompositions, ciphertextMultiplications, plaintextMultiplications,
        rescales, plaintextBytes, seconds);
  }
}
