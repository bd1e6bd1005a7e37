package dev.veil.api;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/models} (model sellers). By default the listing holds only the model card and
 * the weights stay on the seller's worker ({@code veil worker}), which serves its inference jobs;
 * a hosted listing sends the weights, which the server seals and runs on its own workers (the
 * platform operator can read them) and never shows again, not even to the seller.
 *
 * @param name a label, up to 200 characters
 * @param description up to 4000 characters, or null
 * @param pricePerPrediction minor units per row scored
 * @param maxQueriesPerBuyer inference jobs each buyer may run
 * @param maxRowsPerBuyer rows each buyer may have scored in all
 * @param listed whether to list it at once (null: yes)
 * @param model the model file from {@code veil decrypt} ({@code veil-model/1}): without {@code
 *     weights} and {@code classWeights} unless hosted ({@link #card} strips them)
 * @param maxRowsTotal rows all buyers together may have scored, at least {@code
 *     maxRowsPerBuyer}; it sizes the flooding noise of the results (a larger total, more noise),
 *     since buyers could pool their results; null: {@code maxRowsPerBuyer}
 * @param hosted true for a hosted listing (the server holds the weights, the operator can read
 *     them); null or false: the weights stay on the seller's worker
 */
public record PublishModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, JsonNode model,
    Long maxRowsTotal, Boolean hosted) {

  /** A listing that is not hosted ({@code model} a model card, see {@link #card}), with a total. */
  public PublishModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, JsonNode model,
      Long maxRowsTotal) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        model, maxRowsTotal, null);
  }

  /** A listing that is not hosted, without a total (the per-buyer row budget). */
  public PublishModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, JsonNode model) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        model, null, null);
  }

  /**
   * The model card of a model file: a copy without the weights ({@code weights}, {@code
   * classWeights}) and the training report, what a listing that is not hosted publishes.
   */
  public static JsonNode card(JsonNode modelFile) {
    if (modelFile == null || !modelFile.isObject()) {
      return modelFile;
    }
    ObjectNode copy = ((ObjectNode) modelFile).deepCopy();
    copy.remove(List.of("weights", "classWeights", "training"));
    return copy;
  }
}
