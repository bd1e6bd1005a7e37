package dev.veil.api;

/** What an account may do; an account has one or more. */
public enum Role {
  /** Uploads key sets and encrypted data sets, lists them for training. */
  DATA_OWNER,
  /** Publishes models and sells predictions. */
  MODEL_SELLER,
  /** Pays for training jobs and predictions. */
  BUYER,
  /** Runs the platform: creates accounts, deposits money, reads the audit log. */
  OPERATOR
}
