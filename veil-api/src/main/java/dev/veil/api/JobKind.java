package dev.veil.api;

/** What a job does. */
public enum JobKind {
  /** Encrypted logistic regression on a data set. */
  TRAINING,
  /** A model applied to the caller's encrypted rows. */
  INFERENCE
}
