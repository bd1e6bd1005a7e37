package dev.veil.server.job;

/**
 * A run's refusal or failure whose message is meant for the job's owner (what is wrong with the
 * inputs or why the work cannot be done). Other exceptions end a job as FAILED with a generic
 * message, their details only in the server log.
 */
public final class JobFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailedException(String message) {
    super(message);
  }

  public JobFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
