package dev.veil.server.core;

/** What a user may do on the platform; a user holds one or more roles. */
public enum Role {
  /** Uploads encrypted data sets and lists them for training. */
  DATA_OWNER,
  /** Publishes models and sells encrypted predictions. */
  MODEL_SELLER,
  /** Pays for training jobs and predictions. */
  BUYER,
  /** Runs the platform: sees the audit log and all jobs' states, never anyone's plaintext. */
  OPERATOR
}
