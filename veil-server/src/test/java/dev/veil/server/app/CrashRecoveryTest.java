package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.veil.api.AuditChain;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.api.AuditCheckpoint;
import dev.veil.api.AuditPage;
import dev.veil.api.AuditRecord;
import dev.veil.api.AuditReport;
import dev.veil.api.DepositRequest;
import dev.veil.api.Input;
import dev.veil.api.Job;
import dev.veil.api.JobState;
import dev.veil.api.KeySet;
import dev.veil.api.LedgerTransaction;
import dev.veil.api.LedgerVerification;
import dev.veil.api.LoginResponse;
import dev.veil.api.Model;
import dev.veil.api.PublishModelRequest;
import dev.veil.api.RegisterRequest;
import dev.veil.api.Role;
import dev.veil.api.SubmitJobRequest;
import dev.veil.api.User;
import dev.veil.cli.VeilCli;
import dev.veil.client.TransferListener;
import dev.veil.client.Upload;
import dev.veil.client.VeilClient;
import dev.veil.client.VeilFiles;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.server.testing.KeyHolder;
import dev.veil.server.testing.TestCrypto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil serve} as a real child process on one data directory, killed with SIGKILL at random
 * moments while a client drives a mixed workload, and restarted: after each restart every write
 * the server acknowledged is there (accounts, login tokens, deposits, key sets and their uploaded
 * keys, signed audit checkpoints, submitted inference jobs), no job's result changes once a buyer
 * downloaded it, balances reconcile, the ledger and the audit chain verify, the audit log holds a
 * record for every acknowledged write and its head is at least the head seen before the kill,
 * with the same hash.
 *
 * <p>Four cycles run in the default test run, fifty in the full profile ({@code mvn -Pfull
 * test}). On the embedded H2 database of earlier versions the fifty lost acknowledged audit
 * records at the eighth restart, even with every commit synced; the embedded SQLite database
 * (write-ahead log, synchronous commits) is what made them pass.
 */
class CrashRecoveryTest {
  private static final String OPERATOR_PASSWORD = "crash-test-operator-pw";
  private static final String PASSWORD = "a crash test password";

  @TempDir Path dir;

  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    run(4, 20240607L);
  }

  @Test
  @Tag("slow")
  void fiftyCycles() throws Exception {
    run(50, System.nanoTime());
  }

  /** What the server acknowledged, across all cycles. */
  private static final class Acknowledged {
    final Map<String, String> userIds = new HashMap<>(); // username -> id
    final Map<String, String> tokens = new HashMap<>(); // username -> login token
    final Map<String, Long> deposited = new HashMap<>(); // user id -> acknowledged sum
    final Map<String, Long> maybeDeposited = new HashMap<>(); // user id -> unanswered sum
    final List<String> depositTransactions = new ArrayList<>();
    final Map<String, String> publicKeys = new HashMap<>(); // key set id -> its sha256
    final List<String> tokenIds = new ArrayList<>();
    final Map<String, String> jobs = new HashMap<>(); // job id -> result sha256 once downloaded
    Market market;
    AuditCheckpoint checkpoint;
    AuditRecord head; // the newest audit record read from the server
    int writes;
  }

  private void run(int cycles, long seed) throws Exception {
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    Acknowledged acked = new Acknowledged();
    PublicKey pinned = null;
    long started = System.nanoTime();
    for (int cycle = 0; cycle < cycles; cycle++) {
      try (Server server = Server.start(data, dir.resolve("serve-" + cycle + ".log"))) {
        VeilClient anon = client(server.url, null);
        VeilClient operator = anon.withToken(anon.login("operator", OPERATOR_PASSWORD).token());
        PublicKey key = AuditChain.publicKey(operator.auditPublicKey().publicKey());
        if (pinned == null) {
          pinned = key;
        }
        assertThat(key).as("the audit signing key survives restarts").isEqualTo(pinned);
        check(cycle, server.url, operator, acked, pinned);
        if (acked.market == null) {
          acked.market = Market.open(anon, operator, dir.resolve("buyer-keys"));
        }
        // the workload, killed at a random moment
        AtomicBoolean stop = new AtomicBoolean();
        long killAfter = 300 + random.nextInt(2200);
        long workloadSeed = random.nextLong();
        int c = cycle;
        // two clients at once: commits race each other in the server
        CompletableFuture<Void> workload = CompletableFuture.allOf(
            CompletableFuture.runAsync(() -> workload(server.url, operator, acked,
                new Random(workloadSeed), stop, c * 2)),
            CompletableFuture.runAsync(() -> workload(server.url, operator, acked,
                new Random(workloadSeed + 1), stop, c * 2 + 1)));
        Thread.sleep(killAfter);
        server.kill();
        stop.set(true);
        try {
          workload.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("the workload failed (not from the kill)", e.getCause());
        }
      }
    }
    // a last restart checks the last cycle's writes
    try (Server server = Server.start(data, dir.resolve("serve-last.log"))) {
      VeilClient anon = client(server.url, null);
      VeilClient operator = anon.withToken(anon.login("operator", OPERATOR_PASSWORD).token());
      check(cycles, server.url, operator, acked, pinned);
    }
    System.out.printf("CrashRecoveryTest: %d kill -9 cycles, %d acknowledged writes (%d jobs, %d"
        + " results downloaded), %.1f s%n", cycles, acked.writes, acked.jobs.size(),
        acked.jobs.values().stream().filter(Objects::nonNull).count(),
        (System.nanoTime() - started) / 1e9);
    assertThat(acked.writes).as("writes acknowledged over all cycles").isGreaterThan(cycles);
  }

  private static VeilClient client(String url, String token) {
    VeilClient.Builder b = VeilClient.builder(url).retries(0)
        .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(30));
    if (token != null) {
      b.token(token);
    }
    return b.build();
  }

  /** One client's stream of writes until the server dies; records what was acknowledged. */
  private static void workload(String url, VeilClient operator, Acknowledged acked, Random random,
      AtomicBoolean stop, int cycle) {
    VeilClient anon = client(url, null);
    int n = 0;
    while (!stop.get()) {
      n++;
      int op = random.nextInt(12);
      try {
        List<String> users;
        synchronized (acked) {
          users = new ArrayList<>(acked.userIds.keySet());
        }
        if (op < 3 || users.isEmpty()) {
          String name = "u" + cycle + "x" + n + "x" + Integer.toHexString(random.nextInt());
          User u = anon.register(new RegisterRequest(name, PASSWORD, List.of(Role.BUYER,
              Role.DATA_OWNER)));
          synchronized (acked) {
            acked.userIds.put(name, u.id());
            acked.writes++;
          }
        } else if (op < 6) {
          String name = users.get(random.nextInt(users.size()));
          String id;
          synchronized (acked) {
            id = acked.tokens.containsKey(name) ? acked.userIds.get(name) : null;
          }
          if (id == null) {
            continue; // deposits go to users whose balance the test can read
          }
          long amount = 1 + random.nextInt(1000);
          synchronized (acked) {
            acked.maybeDeposited.merge(id, amount, Long::sum);
          }
          LedgerTransaction t = operator.deposit(new DepositRequest(null, id, amount, "crash"));
          synchronized (acked) {
            acked.maybeDeposited.merge(id, -amount, Long::sum);
            acked.deposited.merge(id, amount, Long::sum);
            acked.depositTransactions.add(t.id());
            acked.writes++;
          }
        } else if (op < 7) {
          String name = users.get(random.nextInt(users.size()));
          LoginResponse login = anon.login(name, PASSWORD);
          synchronized (acked) {
            acked.tokens.put(name, login.token());
            acked.tokenIds.add(login.info().id());
            acked.writes++;
          }
        } else if (op < 9) {
          String name = users.get(random.nextInt(users.size()));
          String token;
          synchronized (acked) {
            token = acked.tokens.get(name);
          }
          if (token == null) {
            continue;
          }
          VeilClient owner = client(url, token);
          KeySet k = owner.createKeySet("k" + n, TestCrypto.PARAMS_BIN);
          synchronized (acked) {
            acked.publicKeys.put(k.id(), null);
            acked.writes++;
          }
          KeySet withKey = owner.uploadPublicKey(k.id(), Upload.of(
              new java.io.ByteArrayInputStream(TestCrypto.PUBLIC_KEY),
              TestCrypto.PUBLIC_KEY.length), TransferListener.NONE);
          synchronized (acked) {
            acked.publicKeys.put(k.id(), withKey.publicKey().sha256());
            acked.writes++;
          }
        } else if (op == 10) {
          Market m = acked.market;
          Job job = m.buyer(url).submitJob(SubmitJobRequest.inference(m.modelId, m.keySetId,
              m.inputId, Market.ROWS, null, null));
          synchronized (acked) {
            acked.jobs.put(job.id(), null);
            acked.writes++;
          }
        } else if (op == 11) {
          List<String> jobs;
          synchronized (acked) {
            jobs = new ArrayList<>(acked.jobs.keySet());
          }
          if (jobs.isEmpty()) {
            continue;
          }
          String id = jobs.get(random.nextInt(jobs.size()));
          VeilClient buyer = acked.market.buyer(url);
          if (buyer.getJob(id).state() != JobState.SUCCEEDED) {
            continue;
          }
          String sha = acked.market.result(buyer, id);
          synchronized (acked) {
            String before = acked.jobs.put(id, sha);
            if (before != null && !before.equals(sha)) {
              throw new AssertionError("job " + id + "'s result changed from " + before + " to "
                  + sha + " while the server ran");
            }
          }
        } else {
          AuditCheckpoint c = operator.createAuditCheckpoint();
          AuditRecord head = newest(operator);
          synchronized (acked) {
            if (acked.checkpoint == null || c.seq() >= acked.checkpoint.seq()) {
              acked.checkpoint = c;
            }
            if (acked.head == null || head.seq() >= acked.head.seq()) {
              acked.head = head;
            }
            acked.writes++;
          }
        }
      } catch (RuntimeException | IOException e) {
        if (stop.get() || isConnectionFailure(e)) {
          return; // the kill: this write's outcome is unknown
        }
        throw new AssertionError("write " + n + " (op " + op + ") failed", e);
      }
    }
  }

  private static boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof dev.veil.client.VeilConnectionException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static AuditRecord newest(VeilClient operator) {
    long after = 0;
    AuditRecord last = null;
    while (true) {
      AuditPage page = operator.audit(after, 1000);
      if (page.records().isEmpty()) {
        return last;
      }
      last = page.records().get(page.records().size() - 1);
      if (page.next() == null) {
        return last;
      }
      after = page.next();
    }
  }

  private static List<AuditRecord> all(VeilClient operator) {
    List<AuditRecord> out = new ArrayList<>();
    long after = 0;
    while (true) {
      AuditPage page = operator.audit(after, 1000);
      out.addAll(page.records());
      if (page.records().isEmpty() || page.next() == null) {
        return out;
      }
      after = page.next();
    }
  }

  /** Everything acknowledged before the last kill is there, and consistent. */
  private static void check(int cycle, String url, VeilClient operator, Acknowledged acked,
      PublicKey pinned) throws Exception {
    String when = "after restart " + cycle + ": ";
    List<AuditRecord> audit = all(operator);
    Map<String, List<AuditRecord>> bySubject = new HashMap<>();
    for (AuditRecord r : audit) {
      bySubject.computeIfAbsent(r.action() + " " + r.subject(), k -> new ArrayList<>()).add(r);
    }
    List<String> lost = new ArrayList<>();
    VeilClient anon = client(url, null);
    synchronized (acked) {
      for (var e : acked.userIds.entrySet()) {
        if (!bySubject.containsKey("user.register " + e.getValue())) {
          lost.add("the audit record of registering " + e.getKey());
        }
      }
      for (var e : acked.tokens.entrySet()) {
        try {
          User me = client(url, e.getValue()).me();
          assertThat(me.id()).isEqualTo(acked.userIds.get(e.getKey()));
        } catch (dev.veil.client.VeilApiException x) {
          lost.add("the login token of " + e.getKey() + " (" + x.status() + ")");
        }
      }
      for (var u : acked.tokens.entrySet()) {
        String id = acked.userIds.get(u.getKey());
        long expected = acked.deposited.getOrDefault(id, 0L);
        long maybe = acked.maybeDeposited.getOrDefault(id, 0L);
        long balance;
        try {
          balance = client(url, u.getValue()).balance().available();
        } catch (dev.veil.client.VeilApiException x) {
          continue; // the token is lost: reported above
        }
        if (balance < expected || balance > expected + maybe) {
          lost.add("the balance of " + id + ": " + balance + ", acknowledged " + expected
              + " (+" + maybe + " unanswered)");
        }
        // the unanswered deposits are settled now: they are there or not
        acked.deposited.put(id, balance);
        acked.maybeDeposited.remove(id);
      }
      java.util.Set<String> depositsAudited = new java.util.HashSet<>();
      for (AuditRecord r : audit) {
        if (r.action().equals("ledger.deposit")) {
          depositsAudited.add(r.details().path("transaction").asText());
        }
      }
      for (String t : acked.depositTransactions) {
        if (!depositsAudited.contains(t)) {
          lost.add("the audit record of deposit " + t);
        }
      }
      for (var e : acked.publicKeys.entrySet()) {
        String owner = null;
        for (AuditRecord r : bySubject.getOrDefault("keys.create " + e.getKey(), List.of())) {
          owner = r.actor();
        }
        if (owner == null) {
          lost.add("key set " + e.getKey() + " (or its audit record)");
          continue;
        }
        if (e.getValue() != null && !bySubject.containsKey("keys.upload_public " + e.getKey())) {
          lost.add("the audit record of key set " + e.getKey() + "'s public key");
        }
      }
      for (String tokenId : acked.tokenIds) {
        boolean found = audit.stream().anyMatch(r -> r.action().equals("user.login")
            && r.details().path("tokenId").asText().equals(tokenId));
        if (!found) {
          lost.add("the audit record of login token " + tokenId);
        }
      }
      for (String job : acked.jobs.keySet()) {
        if (!bySubject.containsKey("job.submit " + job)) {
          lost.add("the audit record of submitting job " + job);
        }
      }
      if (acked.head != null) {
        AuditRecord now = audit.stream().filter(r -> r.seq() == acked.head.seq()).findFirst()
            .orElse(null);
        if (now == null) {
          lost.add("audit record " + acked.head.seq() + " (the head seen before the kill; the"
              + " log now ends at " + (audit.isEmpty() ? 0 : audit.get(audit.size() - 1).seq())
              + ")");
        } else if (!now.hash().equals(acked.head.hash())) {
          lost.add("audit record " + now.seq() + " as seen before the kill (another record has"
              + " its place: the tail was lost and rewritten)");
        }
      }
    }
    // key sets: the owner sees them, with the uploaded public key, and its blob is readable
    for (var e : acked.publicKeys.entrySet()) {
      String userId = null;
      for (AuditRecord r : bySubject.getOrDefault("keys.create " + e.getKey(), List.of())) {
        userId = r.actor();
      }
      String token = null;
      synchronized (acked) {
        for (var u : acked.userIds.entrySet()) {
          if (u.getValue().equals(userId)) {
            token = acked.tokens.get(u.getKey());
          }
        }
      }
      if (userId == null || token == null) {
        continue;
      }
      try {
        KeySet k = client(url, token).getKeySet(e.getKey());
        if (e.getValue() != null && (k.publicKey() == null
            || !e.getValue().equals(k.publicKey().sha256()))) {
          lost.add("the public key of key set " + e.getKey());
        }
      } catch (dev.veil.client.VeilApiException x) {
        lost.add("key set " + e.getKey() + " (" + x.status() + ")");
      }
    }
    if (acked.market != null) {
      VeilClient buyer = acked.market.buyer(url);
      Map<String, String> jobs;
      synchronized (acked) {
        jobs = new HashMap<>(acked.jobs);
      }
      for (var e : jobs.entrySet()) {
        Job job;
        try {
          job = buyer.getJob(e.getKey());
        } catch (dev.veil.client.VeilApiException x) {
          lost.add("job " + e.getKey() + " (" + x.status() + ")");
          continue;
        }
        if (e.getValue() == null) {
          continue;
        }
        if (job.state() != JobState.SUCCEEDED) {
          lost.add("job " + e.getKey() + ": delivered, now " + job.state());
        } else if (!e.getValue().equals(acked.market.result(buyer, e.getKey()))) {
          lost.add("job " + e.getKey() + "'s delivered result: another one is served now");
        }
      }
    }
    assertThat(lost).as(when + "acknowledged writes lost").isEmpty();
    LedgerVerification lv = operator.verifyLedger();
    assertThat(lv.ok()).as(when + "ledger verify: " + lv.problems()).isTrue();
    assertThat(operator.verifyAudit().ok()).as(when + "audit verify").isTrue();
    AuditReport report = operator.verifyAuditChain(pinned, acked.checkpoint);
    assertThat(report.ok()).as(when + "audit chain against the remembered checkpoint: "
        + report.problem()).isTrue();
    Objects.requireNonNull(anon);
  }

  /**
   * A hosted listing and its buyer, set up once through the API: the seller's logistic model, the
   * buyer's key set (N = 2^12, test parameters) with money on the account, and one uploaded input
   * of {@link #ROWS} encrypted rows that every job scores.
   */
  private static final class Market {
    static final int ROWS = 16;
    static final Parameters PARAMS = Parameters.builder().logN(12)
        .logQ(60, 55, 55, 55, 55, 55, 55).logP(61).securityOff().build();
    final String buyerToken;
    final String modelId;
    final String keySetId;
    final String inputId;
    final Path downloads;

    private Market(String buyerToken, String modelId, String keySetId, String inputId,
        Path downloads) {
      this.buyerToken = buyerToken;
      this.modelId = modelId;
      this.keySetId = keySetId;
      this.inputId = inputId;
      this.downloads = downloads;
    }

    static Market open(VeilClient anon, VeilClient operator, Path dir) throws IOException {
      anon.register(new RegisterRequest("seller", PASSWORD, List.of(Role.MODEL_SELLER)));
      anon.register(new RegisterRequest("buyer", PASSWORD, List.of(Role.BUYER)));
      VeilClient seller = anon.withToken(anon.login("seller", PASSWORD).token());
      String buyerToken = anon.login("buyer", PASSWORD).token();
      VeilClient buyer = anon.withToken(buyerToken);
      operator.deposit(DepositRequest.toUser("buyer", 100_000_000L, null));
      ObjectMapper json = new ObjectMapper();
      ObjectNode model = json.createObjectNode();
      model.put("format", "veil-model/1").put("model", "logistic");
      model.putArray("featureNames").add("a").add("b").add("c");
      ObjectNode scaler = model.putObject("scaler").put("kind", "MIN_MAX");
      scaler.putArray("offsets").add(0).add(0).add(0);
      scaler.putArray("scales").add(1).add(1).add(1);
      model.putArray("weights").add(0.3).add(0.8).add(-0.6).add(0.4);
      model.putObject("decryption").put("mode", "flooded").put("securityBits", 30)
          .put("sharedDecryptions", 16).put("log2Sigma", 40.0).put("precisionBits", 12.0);
      Model m = seller.publishModel(new PublishModelRequest("crash", "crash test", 1L, 100_000L,
          100_000L, null, model, null, true));
      HeContext ctx = new HeContext(PARAMS, 1);
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      dev.veil.he.rlwe.PublicKey pk = kg.publicKey(sk);
      Path keys = Files.createDirectories(dir);
      Files.write(keys.resolve(VeilFiles.PARAMS), KeyHolder.bytes(o -> VeilIO.write(o, PARAMS)));
      Files.write(keys.resolve(VeilFiles.PUBLIC_KEY), KeyHolder.bytes(o -> VeilIO.write(o, pk)));
      Files.write(keys.resolve(VeilFiles.EVALUATION_KEYS), KeyHolder.bytes(o -> VeilIO.write(o,
          new EvaluationKeys(PARAMS, kg.relinearizationKey(sk), List.of()))));
      KeySet ks = buyer.uploadKeySet(keys, "crash");
      double[][] rows = new double[ROWS][3];
      Random r = new Random(7);
      for (double[] row : rows) {
        for (int j = 0; j < row.length; j++) {
          row[j] = 2 * r.nextDouble() - 1;
        }
      }
      List<Ciphertext> cts = new ArrayList<>();
      new FeatureMajorInference.Owner(new Encoder(ctx), Encryptor.withPublicKey(ctx, pk), null)
          .encrypt(rows).forEach(b -> cts.addAll(List.of(b.features())));
      byte[] input = KeyHolder.concat(cts);
      Input in = buyer.uploadInput(Upload.of(new java.io.ByteArrayInputStream(input),
          input.length), null);
      return new Market(buyerToken, m.id(), ks.id(), in.id(),
          Files.createDirectories(dir.resolve("results")));
    }

    VeilClient buyer(String url) {
      return client(url, buyerToken);
    }

    /** The SHA-256 of a job's result as the server delivers it now. */
    String result(VeilClient buyer, String jobId) {
      try {
        Path f = Files.createTempFile(downloads, jobId, ".veil");
        try {
          return buyer.downloadResult(jobId, f).sha256();
        } finally {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** A {@code veil serve} child process. */
  private static final class Server implements AutoCloseable {
    final Process process;
    final String url;

    private Server(Process process, String url) {
      this.process = process;
      this.url = url;
    }

    static Server start(Path data, Path log) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), VeilCli.class.getName(), "serve",
          "--port", "0", "--data", data.toString(), "--allow-insecure-parameters",
          "--job-workers", "1", "--job-threads", "1");
      pb.environment().put("VEIL_OPERATOR_PASSWORD", OPERATOR_PASSWORD);
      pb.redirectErrorStream(true);
      Process p = pb.start();
      CompletableFuture<String> url = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        Pattern listening = Pattern.compile("listening on (http://\\S+)");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(log)) {
          String line;
          while ((line = r.readLine()) != null) {
            w.write(line);
            w.newLine();
            w.flush();
            Matcher m = listening.matcher(line);
            if (m.find()) {
              url.complete(m.group(1));
            }
          }
        } catch (IOException e) {
          // the process died
        }
        url.completeExceptionally(new AssertionError("veil serve ended without listening"));
      }, "serve-output");
      reader.setDaemon(true);
      reader.start();
      try {
        return new Server(p, url.get(120, TimeUnit.SECONDS));
      } catch (Exception e) {
        p.destroyForcibly();
        throw new AssertionError("veil serve did not start: " + Files.readString(log), e);
      }
    }

    /** SIGKILL (destroyForcibly on Linux), and waits for the process to be gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }
}
