package dev.veil.server.model;

import java.util.List;

import dev.veil.api.Label;
import dev.veil.api.Scaling;

/**
 * What a buyer needs to prepare rows for a model, public: the feature columns in order, the
 * scaling to apply before encrypting, and the label the model predicts.
 *
 * @param featureNames the columns, in the order the rows must hold them
 * @param scaler {@code x' = (x - offset) / scale}, per feature
 * @param label the predicted label, or null
 */
public record InputSchema(List<String> featureNames, Scaling scaler,
    Label label) {}
