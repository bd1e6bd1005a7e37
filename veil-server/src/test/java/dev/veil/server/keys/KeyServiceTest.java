package dev.veil.server.keys;

import static dev.veil.server.testing.TestCrypto.base64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.veil.api.CreateKeySetRequest;
import dev.veil.server.blob.FileBlobStore;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.he.ParameterLimits;
import dev.veil.server.keys.KeyApi.KeySetView;
import dev.veil.server.testing.InMemoryKeySets;
import dev.veil.server.testing.RecordingAuditLog;
import dev.veil.server.testing.TestCrypto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key sets with an in-memory repository, a real blob store and real (small, insecure) keys. */
class KeyServiceTest {
  private static final Principal ALICE = new Principal("usr_alice", "alice",
      Set.of(Role.DATA_OWNER));
  private static final Principal BOB = new Principal("usr_bob", "bob", Set.of(Role.BUYER));

  @TempDir Path dir;
  private final InMemoryKeySets repo = new InMemoryKeySets();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final KeyCache cache = new KeyCache(new KeyCache.Limits(8, 1L << 30, 2));
  private FileBlobStore blobs;
  private KeyService keys;

  @BeforeEach
  void setUp() throws IOException {
    blobs = new FileBlobStore(dir);
    keys = service(true);
  }

  private KeyService service(boolean allowInsecure) {
    return new KeyService(repo, blobs, cache, audit, Clock.systemUTC(),
        new KeyService.Policy(1 << 20, allowInsecure));
  }

  private List<Path> blobFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static void assertStatus(ThrowingCallable call, int status, String code,
      String... mentions) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.code()).isEqualTo(code);
      for (String m : mentions) {
        assertThat(e.getMessage()).contains(m);
      }
    });
  }

  private KeySetView create() throws IOException {
    return keys.create(ALICE, new CreateKeySetRequest("mine", base64(TestCrypto.PARAMS_BIN)));
  }

  private static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  @Test
  void aKeySetIsCreatedFromItsParametersAndCompletedByItsKeys() throws Exception {
    KeySetView k = create();
    assertThat(k.id()).startsWith("ks_");
    assertThat(k.paramsDigest()).isEqualTo(TestCrypto.PARAMS.digestHex());
    assertThat(k.logN()).isEqualTo(10);
    assertThat(k.insecure()).isTrue();
    assertThat(k.complete()).isFalse();
    assertThat(blobs.exists(k.params().sha256())).isTrue();

    KeySetView withPk = keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.PUBLIC_KEY),
        TestCrypto.sha256(TestCrypto.PUBLIC_KEY));
    assertThat(withPk.publicKey().sha256()).isEqualTo(TestCrypto.sha256(TestCrypto.PUBLIC_KEY));
    assertThat(withPk.keyId()).isEqualTo(TestCrypto.keyId(TestCrypto.PUBLIC_KEY));
    KeySetView done = keys.uploadEvaluationKeys(ALICE, k.id(), in(TestCrypto.EVALUATION_KEYS),
        null);
    assertThat(done.complete()).isTrue();
    assertThat(done.evaluationKeys().relinearization()).isTrue();
    assertThat(done.evaluationKeys().galoisElements()).containsExactlyElementsOf(
        TestCrypto.GALOIS);
    assertThat(audit.actions()).containsExactly("keys.create", "keys.upload_public",
        "keys.upload_evaluation");
    assertThat(keys.list(ALICE)).containsExactly(done);
  }

  @Test
  void uploadsReadTheParametersOnceThroughTheSharedCacheAndMakeNoContext() throws Exception {
    KeySetView k = create();
    keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.PUBLIC_KEY), null);
    keys.uploadEvaluationKeys(ALICE, k.id(), in(TestCrypto.EVALUATION_KEYS), null);
    KeyCache.Stats s = cache.stats();
    assertThat(s.misses()).as("params.bin parsed once").isEqualTo(1);
    assertThat(s.hits()).isEqualTo(1);
    assertThat(s.contextsCreated()).as("uploads are checked without a context").isZero();
    assertThat(keys.parameters(repo.byId(k.id()).orElseThrow()))
        .isSameAs(keys.parameters(repo.byId(k.id()).orElseThrow()));
  }

  @Test
  void evaluationKeysAreCheckedWithoutAContextOrBuildingAKey() throws Exception {
    KeySetView k = create();
    KeySetView done = keys.uploadEvaluationKeys(ALICE, k.id(), in(TestCrypto.EVALUATION_KEYS),
        null);
    assertThat(cache.stats().contextsCreated()).isZero();
    assertThat(done).isNotNull();
    // a flipped bit in the body is refused (by a coefficient check or the SHA-256 trailer)
    KeySetView other = create();
    byte[] bad = TestCrypto.EVALUATION_KEYS.clone();
    bad[bad.length / 2] ^= 1;
    assertStatus(() -> keys.uploadEvaluationKeys(ALICE, other.id(), in(bad), null), 400,
        "bad_request",
        "evaluation keys");
  }

  @Test
  void aSecretKeyUploadedAsEvaluationKeysIsRefusedAndNothingIsStored() throws Exception {
    KeySetView k = create();
    List<Path> before = blobFiles();
    assertStatus(() -> keys.uploadEvaluationKeys(ALICE, k.id(), in(TestCrypto.SECRET_KEY),
        null), 400, "secret_key_refused", "secret key", "nothing was stored");
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.SECRET_KEY), null),
        400, "secret_key_refused");
    assertThat(blobFiles()).isEqualTo(before);
    assertThat(keys.get(ALICE, k.id()).evaluationKeys()).isNull();
    assertThat(keys.get(ALICE, k.id()).publicKey()).isNull();
    assertThat(audit.actions()).containsExactly("keys.create");
  }

  @Test
  void aSecretKeyIsRefusedFromItsHeaderBeforeTheRestIsRead() throws Exception {
    KeySetView k = create();
    ByteArrayInputStream body = in(TestCrypto.SECRET_KEY);
    assertStatus(() -> keys.uploadEvaluationKeys(ALICE, k.id(), body, null), 400,
        "secret_key_refused");
    assertThat(body.available()).isEqualTo(TestCrypto.SECRET_KEY.length - 8);
  }

  @Test
  void filesOfTheWrongKindOrParametersAreRefusedAndNothingIsStored() throws Exception {
    KeySetView k = create();
    List<Path> before = blobFiles();
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.EVALUATION_KEYS),
        null), 400, "bad_request", "expected a public key, found an evaluation-key set");
    assertStatus(() -> keys.uploadEvaluationKeys(ALICE, k.id(),
        in(TestCrypto.OTHER_EVALUATION_KEYS), null), 400, "bad_request", "other parameters");
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in("not a key".getBytes()), null),
        400, "bad_request", "not a Veil object");
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(new byte[3]), null), 400,
        "bad_request", "3 bytes");
    byte[] truncated = Arrays.copyOf(TestCrypto.PUBLIC_KEY, TestCrypto.PUBLIC_KEY.length - 100);
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(truncated), null), 400,
        "bad_request", "public key:");
    byte[] trailing = Arrays.copyOf(TestCrypto.PUBLIC_KEY, TestCrypto.PUBLIC_KEY.length + 1);
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(trailing), null), 400,
        "bad_request", "trailing bytes");
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.PUBLIC_KEY),
        "0".repeat(64)), 400, "bad_request", "digest mismatch");
    assertThat(blobFiles()).isEqualTo(before);
    assertThat(keys.get(ALICE, k.id()).publicKey()).isNull();
  }

  @Test
  void anUploadOverTheLimitIsRefused() throws Exception {
    KeyService small = new KeyService(repo, blobs, cache, audit, Clock.systemUTC(),
        new KeyService.Policy(1000, true));
    KeySetView k = create();
    List<Path> before = blobFiles();
    assertStatus(() -> small.uploadEvaluationKeys(ALICE, k.id(), in(TestCrypto.EVALUATION_KEYS),
        null), 413, "too_large");
    assertThat(blobFiles()).isEqualTo(before);
  }

  @Test
  void keysAreSetOnceAndTheSameBytesAgainAreARetry() throws Exception {
    KeySetView k = create();
    keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.PUBLIC_KEY), null);
    KeySetView again = keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.PUBLIC_KEY),
        TestCrypto.sha256(TestCrypto.PUBLIC_KEY));
    assertThat(again.keyId()).isEqualTo(TestCrypto.keyId(TestCrypto.PUBLIC_KEY));
    assertStatus(() -> keys.uploadPublicKey(ALICE, k.id(), in(TestCrypto.PUBLIC_KEY_2), null),
        409, "conflict", "already has its public key");
  }

  @Test
  void anotherUsersKeySetIsNotFound() throws Exception {
    KeySetView k = create();
    assertStatus(() -> keys.get(BOB, k.id()), 404, "not_found");
    assertStatus(() -> keys.uploadPublicKey(BOB, k.id(), in(TestCrypto.PUBLIC_KEY), null), 404,
        "not_found");
    assertStatus(() -> keys.get(ALICE, "ks_nope"), 404, "not_found");
    assertThat(keys.list(BOB)).isEmpty();
  }

  @Test
  void parametersBeyondTheServersLimitsAreRefusedWithTheLimitNamed() throws Exception {
    // TestCrypto's parameters, against limits set just below them
    dev.veil.he.rlwe.Parameters p = dev.veil.he.io.VeilIO.readParameters(in(TestCrypto.PARAMS_BIN));
    int primes = p.qCount() + p.pCount();
    List<ParameterLimits> tight = List.of(
        new ParameterLimits(p.logN() - 1, 80, 1L << 30),
        new ParameterLimits(16, primes - 1, 1L << 30),
        new ParameterLimits(16, 80, (long) p.n() * primes - 1));
    List<String> named = List.of("ring degree", "primes", "N x primes");
    for (int i = 0; i < tight.size(); i++) {
      KeyService limited = new KeyService(repo, blobs, cache, audit, Clock.systemUTC(),
          new KeyService.Policy(1 << 30, true, tight.get(i)));
      assertStatus(() -> limited.create(ALICE,
          new CreateKeySetRequest("mine", base64(TestCrypto.PARAMS_BIN))), 400,
          "parameters_too_large", named.get(i), "limit");
    }
    assertThat(create()).as("the defaults take it").isNotNull();
  }

  @Test
  void badParametersAreRefused() {
    assertStatus(() -> keys.create(ALICE, new CreateKeySetRequest("x", "!!!")), 400,
        "bad_request", "base64");
    assertStatus(() -> keys.create(ALICE, new CreateKeySetRequest("x",
        base64(TestCrypto.PUBLIC_KEY))), 400, "bad_request", "expected parameters");
    assertStatus(() -> keys.create(ALICE, new CreateKeySetRequest("x",
        base64(TestCrypto.SECRET_KEY))), 400, "secret_key_refused");
    assertStatus(() -> keys.create(ALICE, new CreateKeySetRequest("", "AAAA")), 400,
        "bad_request", "name");
    assertStatus(() -> keys.create(ALICE, new CreateKeySetRequest("x", null)), 400,
        "bad_request", "params");
    byte[] corrupt = TestCrypto.PARAMS_BIN.clone();
    corrupt[corrupt.length - 1] ^= 1; // a prime that the literal does not generate
    assertStatus(() -> keys.create(ALICE, new CreateKeySetRequest("x", base64(corrupt))), 400,
        "bad_request", "params:");
    assertThat(repo.byOwner(ALICE.userId())).isEmpty();
  }

  @Test
  void insecureParametersAreRefusedUnlessAllowed() throws Exception {
    KeyService strict = service(false);
    assertStatus(() -> strict.create(ALICE, new CreateKeySetRequest("x",
        base64(TestCrypto.PARAMS_BIN))), 400, "bad_request", "128-bit");
    KeySetView secure = strict.create(ALICE, new CreateKeySetRequest("x",
        base64(TestCrypto.SECURE_PARAMS_BIN)));
    assertThat(secure.insecure()).isFalse();
    assertThat(secure.logN()).isEqualTo(12);
  }
}
