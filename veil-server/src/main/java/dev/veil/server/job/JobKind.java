package dev.veil.server.job;

/** What a job does. */
public enum JobKind {
  /** Encrypted training on a data set (veil-ml's encrypted logistic regression). */
  TRAINING,
  /** Encrypted inference of a published model on a buyer's encrypted rows. */
  INFERENCE
}
