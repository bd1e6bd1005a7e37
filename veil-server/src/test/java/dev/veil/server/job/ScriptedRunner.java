package dev.veil.server.job;

import java.nio.charset.StandardCharsets;

import dev.veil.server.testing.MemoryBlobStore;

/** A runner whose work is a test's script; stores the job id as its result. */
final class ScriptedRunner implements JobRunner {
  /** The script: may report progress, block, throw. */
  @FunctionalInterface
  interface Script {
    void run(Job job, JobContext ctx) throws Exception;
  }

  private final JobKind kind;
  private final boolean resumable;
  private final MemoryBlobStore blobs;
  private final Script script;

  ScriptedRunner(JobKind kind, boolean resumable, MemoryBlobStore blobs, Script script) {
    this.kind = kind;
    this.resumable = resumable;
    this.blobs = blobs;
    this.script = script;
  }

  @Override
  public JobKind kind() {
    return kind;
  }

  @Override
  public boolean resumable() {
    return resumable;
  }

  @Override
  public JobOutcome run(Job job, JobContext ctx) throws Exception {
    script.run(job, ctx);
    return new JobOutcome(blobs.put(("result of " + job.id()).getBytes(StandardCharsets.UTF_8)),
        "{\"format\":\"test\"}");
  }
}
