package dev.veil.server.job;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes idle workers when a job is queued, so that a job starts at once rather than at the next
 * poll. Only a hint: workers also poll, and the database decides who gets which job.
 */
public final class JobSignal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private long generation;

  /** Tells waiting workers that there may be work. */
  public void signal() {
    lock.lock();
    try {
      generation++;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The current generation, to pass to {@link #await}. */
  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until signalled after {@code seen} was read, or the timeout passes. */
  void await(long seen, Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (generation == seen && nanos > 0) {
        nanos = work.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes everyone (shutdown). */
  void wakeAll() {
    signal();
  }
}
