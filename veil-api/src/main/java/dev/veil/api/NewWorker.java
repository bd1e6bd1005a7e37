package dev.veil.api;

/**
 * A registered worker and its token ({@code POST /api/workers}): the token ({@code veil_...}) is
 * shown this once.
 *
 * @param token the worker's bearer token, for the worker routes only
 * @param worker its description
 */
public record NewWorker(String token, WorkerInfo worker) {
  /** Never shows the token. */
  @Override
  public String toString() {
    return "NewWorker[" + worker + "]";
  }
}
